import { createHash } from 'node:crypto';
import type { Clock } from '../../app-context.ts';

/**
 * Per-account login throttling with exponential backoff: after FREE_ATTEMPTS failures in a row,
 * each further failure locks the account's password login for 1 s, 2 s, 4 s … up to 15 minutes.
 * A success clears it. Keyed by the normalised login, so it also covers unknown accounts.
 */
export type LoginThrottle = {
  /** Seconds to wait before another attempt, 0 when allowed. */
  retryAfter(key: string): Promise<number>;
  fail(key: string): Promise<void>;
  succeed(key: string): Promise<void>;
};

export const FREE_ATTEMPTS = 5;
export const MAX_LOCK_SECONDS = 15 * 60;
/** Failures older than this are forgotten. */
const WINDOW_MS = 30 * 60 * 1000;

export const lockSeconds = (failures: number): number =>
  failures < FREE_ATTEMPTS ? 0 : Math.min(2 ** (failures - FREE_ATTEMPTS), MAX_LOCK_SECONDS);

type Entry = { failures: number; lockedUntil: number; lastFailure: number };

export function createMemoryLoginThrottle(clock: Clock, maxEntries = 100_000): LoginThrottle {
  const entries = new Map<string, Entry>();
  const live = (key: string, now: number): Entry | undefined => {
    const e = entries.get(key);
    if (e && now - e.lastFailure > WINDOW_MS) {
      entries.delete(key);
      return undefined;
    }
    return e;
  };
  return {
    async retryAfter(key) {
      const now = clock.now().getTime();
      const e = live(key, now);
      return e && e.lockedUntil > now ? Math.ceil((e.lockedUntil - now) / 1000) : 0;
    },
    async fail(key) {
      const now = clock.now().getTime();
      const e = live(key, now) ?? { failures: 0, lockedUntil: 0, lastFailure: now };
      e.failures += 1;
      e.lastFailure = now;
      e.lockedUntil = now + lockSeconds(e.failures) * 1000;
      // Bounded memory under a spray of distinct logins: drop the oldest entry.
      if (!entries.has(key) && entries.size >= maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest !== undefined) entries.delete(oldest);
      }
      entries.delete(key);
      entries.set(key, e);
    },
    async succeed(key) {
      entries.delete(key);
    },
  };
}

/** Never throttles; for CHARLA_DISABLE_RATE_LIMITS=1 under NODE_ENV=test. */
export const noLoginThrottle: LoginThrottle = {
  retryAfter: async () => 0,
  fail: async () => {},
  succeed: async () => {},
};

/**
 * The same policy kept in Redis, so every server node sees the same failures. Keys are hashed
 * logins (no emails in Redis) and expire with the window.
 */
export function createRedisLoginThrottle(
  command: (args: string[]) => Promise<unknown>,
  clock: Clock,
  prefix = 'charla:login:',
): LoginThrottle {
  const keyOf = (login: string) => `${prefix}${createHash('sha256').update(login).digest('base64url')}`;
  return {
    async retryAfter(login) {
      const until = Number((await command(['HGET', keyOf(login), 'lockedUntil'])) ?? 0);
      const now = clock.now().getTime();
      return until > now ? Math.ceil((until - now) / 1000) : 0;
    },
    async fail(login) {
      const key = keyOf(login);
      const failures = Number(await command(['HINCRBY', key, 'failures', '1']));
      const until = clock.now().getTime() + lockSeconds(failures) * 1000;
      await command(['HSET', key, 'lockedUntil', String(until)]);
      await command(['PEXPIRE', key, String(WINDOW_MS)]);
    },
    async succeed(login) {
      await command(['DEL', keyOf(login)]);
    },
  };
}
