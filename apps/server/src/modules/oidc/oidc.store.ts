import { createHash } from 'node:crypto';
import type { Clock } from '../../app-context.ts';
import { AppError } from '../../http/errors.ts';

/**
 * Short-lived, single-use values (pending sign-ins, desktop exchange codes, ID-token nonces).
 * In memory for a single server process; in Redis when REDIS_URL is set, so a sign-in started on
 * one node can finish on another.
 */
export type ExpiringStore<T> = {
  put(key: string, value: T): Promise<void>;
  /** Returns and deletes the value; undefined when unknown, already taken or expired. */
  take(key: string): Promise<T | undefined>;
};

/** Runs one raw Redis command (the connection the rate limiter already holds). */
export type RedisCommand = (args: string[]) => Promise<unknown>;

/** Bounded, so a flood of /start calls costs at most `max` entries (the oldest are dropped first). */
export function createMemoryStore<T>(ttlMs: number, max: number, clock: Clock): ExpiringStore<T> & { size(): number } {
  const entries = new Map<string, { value: T; expiresAt: number }>();

  const sweep = (now: number) => {
    for (const [key, entry] of entries) if (entry.expiresAt <= now) entries.delete(key);
  };

  return {
    async put(key, value) {
      const now = clock.now().getTime();
      if (entries.size >= max) sweep(now);
      while (entries.size >= max) {
        const oldest = entries.keys().next();
        if (oldest.done) break;
        entries.delete(oldest.value);
      }
      entries.set(key, { value, expiresAt: now + ttlMs });
    },
    async take(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      entries.delete(key);
      return entry.expiresAt > clock.now().getTime() ? entry.value : undefined;
    },
    size: () => entries.size,
  };
}

const unavailable = () => new AppError(503, 'internal', 'Sign-in is temporarily unavailable; try again in a moment');

/**
 * SET … PX for the expiry and GETDEL for single use (atomic: two nodes cannot both take a value).
 * Keys are hashed, so codes and states never sit in Redis in the clear.
 */
export function createRedisStore<T>(name: string, ttlMs: number, command: RedisCommand): ExpiringStore<T> {
  const keyOf = (key: string) => `charla:oidc:${name}:${createHash('sha256').update(key).digest('base64url')}`;
  return {
    async put(key, value) {
      try {
        await command(['SET', keyOf(key), JSON.stringify(value), 'PX', String(ttlMs)]);
      } catch {
        throw unavailable();
      }
    },
    async take(key) {
      let raw: unknown;
      try {
        raw = await command(['GETDEL', keyOf(key)]);
      } catch {
        throw unavailable();
      }
      if (typeof raw !== 'string') return undefined;
      try {
        return JSON.parse(raw) as T;
      } catch {
        return undefined;
      }
    },
  };
}

export function createExpiringStore<T>(
  name: string,
  ttlMs: number,
  options: { max: number; clock: Clock; redisCommand?: RedisCommand | undefined },
): ExpiringStore<T> {
  return options.redisCommand
    ? createRedisStore<T>(name, ttlMs, options.redisCommand)
    : createMemoryStore<T>(ttlMs, options.max, options.clock);
}
