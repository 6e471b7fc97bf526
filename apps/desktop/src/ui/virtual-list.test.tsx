import { act, fireEvent, render } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualList } from './virtual-list.tsx';

// jsdom has no layout: rows measure 48 px each, the list shows 700 px, and the scroll height is the
// sum of what is in the list (spacers and rows), so scrolling and anchoring can be followed.
const ROW = 48;
const VIEW = 700;
const restore: (() => void)[] = [];
function fakeLayout() {
  const proto = HTMLElement.prototype;
  const rect = proto.getBoundingClientRect;
  proto.getBoundingClientRect = function (this: HTMLElement) {
    const h = this.dataset.vkey !== undefined ? ROW : this.getAttribute('role') === 'log' ? VIEW : 0;
    return { x: 0, y: 0, top: 0, left: 0, right: 300, bottom: h, width: 300, height: h, toJSON: () => ({}) };
  } as typeof rect;
  restore.push(() => {
    proto.getBoundingClientRect = rect;
  });
  const define = (name: string, get: (this: HTMLElement) => number) => {
    Object.defineProperty(proto, name, { configurable: true, get });
    restore.push(() => Reflect.deleteProperty(proto, name));
  };
  define('clientHeight', () => VIEW);
  define('offsetHeight', function () {
    return this.dataset.vkey !== undefined ? ROW : 0;
  });
  define('scrollHeight', function () {
    let h = 0;
    for (const child of this.children) {
      const el = child as HTMLElement;
      h += el.dataset.vkey !== undefined ? ROW : Number.parseFloat(el.style.height || '0');
    }
    return h;
  });
}

type Item = { id: string; text: string };
const make = (from: number, to: number): Item[] =>
  Array.from({ length: to - from }, (_, i) => ({ id: `m${from + i}`, text: `message ${from + i}` }));
const mountedKeys = (c: HTMLElement) => [...c.querySelectorAll<HTMLElement>('[data-vkey]')].map((n) => n.dataset.vkey);
const list = (c: HTMLElement) => c.querySelector<HTMLElement>('[role="log"]') as HTMLElement;

const isMessage = (i: Item) => !i.id.startsWith('day');

function List({ items, onReachTop }: { items: Item[]; onReachTop?: () => void }) {
  return (
    <VirtualList
      label="history"
      items={items}
      getKey={(i) => i.id}
      estimate={() => ROW}
      render={(i) => <p>{i.text}</p>}
      isAnchor={isMessage}
      onReachTop={onReachTop}
    />
  );
}

describe('<VirtualList>', () => {
  beforeEach(fakeLayout);
  afterEach(() => {
    for (const undo of restore.splice(0).reverse()) undo();
  });

  it('keeps fewer than 500 rows mounted for 10,000 items', () => {
    const { container } = render(<List items={make(0, 10_000)} />);
    const mounted = container.querySelectorAll('[data-vkey]').length;
    expect(mounted).toBeGreaterThan(0);
    expect(mounted).toBeLessThan(500);
  });

  it('opens at the newest row and mounts only the rows around the viewport, wherever it is', async () => {
    const { container } = render(<List items={make(0, 10_000)} />);
    const el = list(container);
    const check = async (scrollTop: number) => {
      await act(async () => {
        el.scrollTop = scrollTop;
        fireEvent.scroll(el);
      });
      const keys = mountedKeys(container);
      const first = Math.floor(scrollTop / ROW);
      const last = Math.floor((scrollTop + VIEW - 1) / ROW);
      expect(keys.length).toBeLessThan(60);
      expect(keys).toContain(`m${first}`);
      expect(keys).toContain(`m${last}`);
    };
    // Opened at the bottom (the browser then reports the scroll the list made): the newest row is mounted.
    expect(el.scrollTop).toBe(10_000 * ROW);
    await act(async () => {
      fireEvent.scroll(el);
    });
    expect(mountedKeys(container)).toContain('m9999');
    await check(0);
    await check(5_000 * ROW - 300);
    await check(10_000 * ROW - VIEW);
  });

  it('keeps the row on screen in place when older rows are prepended', async () => {
    let reachedTop = 0;
    const { container, rerender } = render(<List items={make(100, 200)} onReachTop={() => reachedTop++} />);
    const el = list(container);
    // The reader looks at m105, 20 px into it, and is near the top: older rows are asked for.
    await act(async () => {
      el.scrollTop = 5 * ROW + 20;
      fireEvent.scroll(el);
    });
    expect(reachedTop).toBeGreaterThan(0);
    rerender(<List items={make(70, 200)} onReachTop={() => reachedTop++} />);
    // 30 rows arrived above: the same row stays at the same place on screen.
    expect(el.scrollTop).toBe(35 * ROW + 20);
    await act(async () => {
      fireEvent.scroll(el);
    });
    expect(mountedKeys(container)).toContain('m105');
  });

  it('anchors on a message, not on the day separator that moves up with older rows of the same day', async () => {
    const day = { id: 'day:2026-12-06', text: 'Sunday' };
    const { container, rerender } = render(<List items={[day, ...make(100, 150)]} />);
    const el = list(container);
    // The top of the list, 10 px into the separator.
    await act(async () => {
      el.scrollTop = 10;
      fireEvent.scroll(el);
    });
    rerender(<List items={[day, ...make(80, 150)]} />);
    // m100 was 38 px below the top of the viewport and still is: 20 rows arrived above it.
    expect(el.scrollTop).toBe(21 * ROW - 38);
  });
});
