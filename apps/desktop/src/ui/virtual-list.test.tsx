import { render } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { anchoredScrollTop, computeOffsets, rowAt, VirtualList, visibleRange } from './virtual-list.tsx';

describe('virtual list maths', () => {
  const heights = Array.from({ length: 10_000 }, (_, i) => 40 + (i % 3) * 10);
  const offsets = computeOffsets(heights);

  it('finds rows by offset with binary search', () => {
    expect(rowAt(offsets, 0)).toBe(0);
    expect(rowAt(offsets, 39)).toBe(0);
    expect(rowAt(offsets, 40)).toBe(1);
    expect(rowAt(offsets, offsets[9_999] ?? 0)).toBe(9_999);
  });

  it('mounts only the rows around the viewport, wherever it is in 10,000 rows', () => {
    for (const scrollTop of [0, (offsets[5_000] ?? 0) - 300, (offsets[10_000] ?? 0) - 800]) {
      const { start, end } = visibleRange(offsets, scrollTop, 800, 600);
      expect(end - start).toBeLessThan(60);
      expect(offsets[start]).toBeLessThanOrEqual(Math.max(0, scrollTop - 600));
      expect(offsets[end] ?? 0).toBeGreaterThanOrEqual(Math.min(offsets[10_000] ?? 0, scrollTop + 800 + 600));
    }
  });

  it('keeps the anchor row at the same screen position after older rows are prepended', () => {
    const keys = ['m10', 'm11', 'm12'];
    const before = computeOffsets([50, 50, 50]);
    const anchor = { key: 'm11', delta: 20 }; // the viewport top was 20px into m11
    const scrollBefore = (before[1] ?? 0) + anchor.delta;
    const newKeys = ['m7', 'm8', 'm9', ...keys];
    const after = computeOffsets([30, 60, 40, 50, 50, 50]);
    const target = anchoredScrollTop(newKeys, after, anchor);
    expect(target).toBe(scrollBefore + 130);
    expect(anchoredScrollTop(newKeys, after, { key: 'gone', delta: 0 })).toBeNull();
  });
});

describe('<VirtualList>', () => {
  beforeEach(() => {
    Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 700 });
  });
  afterEach(() => {
    Reflect.deleteProperty(HTMLElement.prototype, 'clientHeight');
  });

  it('keeps fewer than 500 rows mounted for 10,000 items', () => {
    const items = Array.from({ length: 10_000 }, (_, i) => ({ id: `m${i}`, text: `message ${i}` }));
    const { container } = render(
      <VirtualList
        label="history"
        items={items}
        getKey={(i) => i.id}
        estimate={() => 48}
        render={(i) => <p>{i.text}</p>}
      />,
    );
    const mounted = container.querySelectorAll('[data-vkey]').length;
    expect(mounted).toBeGreaterThan(0);
    expect(mounted).toBeLessThan(500);
  });
});
