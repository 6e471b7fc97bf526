import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type DeviceStatus, reportPresence, watchAway } from './presence-report.ts';

/** A page whose visibility the test sets, with real event targets and fake timers. */
function fakePage(initially: DocumentVisibilityState = 'visible') {
  let visibility = initially;
  const doc = new EventTarget() as EventTarget & { visibilityState: DocumentVisibilityState };
  Object.defineProperty(doc, 'visibilityState', { get: () => visibility });
  const win = new EventTarget();
  return {
    host: { doc: doc as unknown as Document, win: win as unknown as Window, now: () => Date.now() },
    show(v: DocumentVisibilityState) {
      visibility = v;
      doc.dispatchEvent(new Event('visibilitychange'));
    },
    input(type = 'keydown') {
      win.dispatchEvent(new Event(type));
    },
  };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('away reporting', () => {
  it('goes away after the idle time without input, back on input', () => {
    const page = fakePage();
    const seen: DeviceStatus[] = [];
    const w = watchAway((s) => seen.push(s), 5 * 60_000, page.host);
    vi.advanceTimersByTime(4 * 60_000);
    page.input('pointermove');
    vi.advanceTimersByTime(4 * 60_000);
    expect(seen).toEqual([]);
    vi.advanceTimersByTime(60_000);
    expect(seen).toEqual(['away']);
    page.input('keydown');
    expect(seen).toEqual(['away', 'online']);
    expect(w.status()).toBe('online');
    w.stop();
    vi.advanceTimersByTime(10 * 60_000);
    expect(seen).toEqual(['away', 'online']);
  });

  it('a hidden page is away at once, input while hidden does not bring it back, showing it does', () => {
    const page = fakePage();
    const seen: DeviceStatus[] = [];
    const w = watchAway((s) => seen.push(s), 5 * 60_000, page.host);
    page.show('hidden');
    expect(seen).toEqual(['away']);
    page.input('wheel');
    expect(seen).toEqual(['away']);
    page.show('visible');
    expect(seen).toEqual(['away', 'online']);
    w.stop();
  });

  it('a page opened in the background starts away', () => {
    const page = fakePage('hidden');
    const seen: DeviceStatus[] = [];
    const w = watchAway((s) => seen.push(s), 5 * 60_000, page.host);
    expect(seen).toEqual(['away']);
    expect(w.status()).toBe('away');
    w.stop();
  });
});

describe('presence reported to the server', () => {
  it('away when the page or the computer is; only changes are sent', () => {
    const sent: DeviceStatus[] = [];
    let page: ((s: DeviceStatus) => void) | undefined;
    let system: ((away: boolean) => void) | undefined;
    const stop = reportPresence(
      (s) => sent.push(s),
      (h) => {
        system = h;
        return () => {
          system = undefined;
        };
      },
      (onChange) => {
        page = onChange;
        return { status: () => 'online', stop: () => undefined };
      },
    );
    system?.(true);
    page?.('away');
    system?.(false);
    expect(sent).toEqual(['away']);
    page?.('online');
    expect(sent).toEqual(['away', 'online']);
    stop();
    expect(system).toBeUndefined();
  });

  it('without a desktop host only the page counts', () => {
    const sent: DeviceStatus[] = [];
    let page: ((s: DeviceStatus) => void) | undefined;
    reportPresence(
      (s) => sent.push(s),
      undefined,
      (onChange) => {
        page = onChange;
        return { status: () => 'online', stop: () => undefined };
      },
    );
    page?.('away');
    page?.('away');
    page?.('online');
    expect(sent).toEqual(['away', 'online']);
  });
});
