/**
 * Token bucket per key (socket id): `capacity` events at once, refilled at `perSecond`. Per socket
 * and in memory on purpose: a socket lives on one node, and a flood should be cut where it arrives.
 */
export type RateLimiter = { take(key: string): boolean; forget(key: string): void };

export function createRateLimiter(capacity: number, perSecond: number, now: () => number = Date.now): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(key) {
      const t = now();
      const b = buckets.get(key) ?? { tokens: capacity, at: t };
      b.tokens = Math.min(capacity, b.tokens + ((t - b.at) / 1000) * perSecond);
      b.at = t;
      const ok = b.tokens >= 1;
      if (ok) b.tokens -= 1;
      buckets.set(key, b);
      return ok;
    },
    forget(key) {
      buckets.delete(key);
    },
  };
}
