// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { type IdleHost, watchSystemIdle } from './idle-watch.ts';

function fakeHost() {
  let idle = 0;
  const lock = new Set<() => void>();
  const unlock = new Set<() => void>();
  let tick: (() => void) | null = null;
  const host: IdleHost = {
    idleSeconds: () => idle,
    onLock: (l) => {
      lock.add(l);
      return () => lock.delete(l);
    },
    onUnlock: (l) => {
      unlock.add(l);
      return () => unlock.delete(l);
    },
    setInterval: (fn) => {
      tick = fn;
      return 1;
    },
    clearInterval: () => {
      tick = null;
    },
  };
  return {
    host,
    idleFor(s: number) {
      idle = s;
      tick?.();
    },
    lock: () => {
      for (const l of lock) l();
    },
    unlock: () => {
      for (const l of unlock) l();
    },
    listeners: () => lock.size + unlock.size,
    ticking: () => tick !== null,
  };
}

describe('system idle and lock', () => {
  it('away after the idle time anywhere on the computer, back on input', () => {
    const f = fakeHost();
    const seen: boolean[] = [];
    const w = watchSystemIdle(f.host, (a) => seen.push(a), { awayAfterSeconds: 300 });
    f.idleFor(299);
    expect(seen).toEqual([]);
    f.idleFor(300);
    f.idleFor(400);
    expect(seen).toEqual([true]);
    f.idleFor(0);
    expect(seen).toEqual([true, false]);
    expect(w.away()).toBe(false);
  });

  it('a locked screen is away at once, whatever the idle time; unlocking comes back', () => {
    const f = fakeHost();
    const seen: boolean[] = [];
    const w = watchSystemIdle(f.host, (a) => seen.push(a));
    f.lock();
    expect(seen).toEqual([true]);
    f.idleFor(0);
    expect(seen).toEqual([true]);
    f.unlock();
    expect(seen).toEqual([true, false]);
    w.stop();
    expect(f.listeners()).toBe(0);
    expect(f.ticking()).toBe(false);
  });
});
