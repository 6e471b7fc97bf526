import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './realtime.rate-limit.ts';

describe('per-socket rate limiter', () => {
  it('allows a burst, then refills over time, per key', () => {
    let now = 0;
    const limiter = createRateLimiter(3, 2, () => now);
    expect([1, 2, 3, 4].map(() => limiter.take('a'))).toEqual([true, true, true, false]);
    expect(limiter.take('b')).toBe(true);
    now += 500;
    expect(limiter.take('a')).toBe(true);
    expect(limiter.take('a')).toBe(false);
    limiter.forget('a');
    expect(limiter.take('a')).toBe(true);
  });
});
