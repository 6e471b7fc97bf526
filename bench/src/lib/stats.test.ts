import { describe, expect, it } from 'vitest';
import { median, medianOf, percentile, summarize } from './stats.ts';

describe('stats', () => {
  it('uses nearest-rank percentiles', () => {
    const sorted = Float64Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile(sorted, 100)).toBe(100);
    expect(percentile(Float64Array.from([7]), 99)).toBe(7);
  });

  it('summarizes unsorted samples and an empty set', () => {
    const s = summarize([5, 1, 3, 2, 4]);
    expect(s).toMatchObject({ n: 5, p50: 3, max: 5, mean: 3 });
    expect(summarize([])).toEqual({ n: 0, p50: 0, p95: 0, p99: 0, max: 0, mean: 0 });
  });

  it('takes the median of odd and even counts, and per field across runs', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBe(0);
    expect(
      medianOf([
        { a: 1, b: 10 },
        { a: 3, b: 30 },
        { a: 2, b: 20 },
      ]),
    ).toEqual({ a: 2, b: 20 });
    expect(() => medianOf([])).toThrow(/no runs/);
  });
});
