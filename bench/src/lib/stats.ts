/** Latency summaries in milliseconds. Percentiles use the nearest-rank method on a sorted copy. */
export type Summary = { n: number; p50: number; p95: number; p99: number; max: number; mean: number };

export const EMPTY_SUMMARY: Summary = { n: 0, p50: 0, p95: 0, p99: 0, max: 0, mean: 0 };

export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))] ?? 0;
}

export function summarize(values: ArrayLike<number>): Summary {
  if (values.length === 0) return { ...EMPTY_SUMMARY };
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    n: sorted.length,
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted[sorted.length - 1] ?? 0),
    mean: round(sum / sorted.length),
  };
}

export function median(values: number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

/** Median of each numeric field across repeated runs of the same measurement. */
export function medianOf<T extends Record<string, number>>(runs: T[]): T {
  const first = runs[0];
  if (!first) throw new Error('medianOf: no runs');
  const out: Record<string, number> = {};
  for (const key of Object.keys(first)) out[key] = round(median(runs.map((r) => r[key] ?? 0)));
  return out as T;
}

export const round = (v: number, digits = 2): number => {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
};

/** Wall-clock milliseconds with sub-millisecond resolution, comparable across processes on one host. */
export const nowMs = (): number => performance.timeOrigin + performance.now();
