import type { RedisClientType } from 'redis';

/**
 * Who is typing where. In memory for one process; in Redis with REDIS_URL so every node agrees
 * (the expiry of a "typing" started on node A is seen by node B).
 */
export type TypingStore = {
  /** Marks typing for ttlMs; true when the user was not typing (worth announcing). */
  start(conversationId: string, userId: string, ttlMs: number): Promise<boolean>;
  /** True when the user was typing. */
  stop(conversationId: string, userId: string): Promise<boolean>;
  /** Milliseconds left, 0 when not typing. */
  remaining(conversationId: string, userId: string): Promise<number>;
};

export function createMemoryTyping(now: () => number = Date.now): TypingStore {
  const until = new Map<string, number>();
  const key = (c: string, u: string) => `${c}\u0000${u}`;
  const left = (k: string) => Math.max(0, (until.get(k) ?? 0) - now());
  return {
    async start(c, u, ttlMs) {
      const k = key(c, u);
      const fresh = left(k) === 0;
      until.set(k, now() + ttlMs);
      return fresh;
    },
    async stop(c, u) {
      const k = key(c, u);
      const was = left(k) > 0;
      until.delete(k);
      return was;
    },
    async remaining(c, u) {
      return left(key(c, u));
    },
  };
}

const tKey = (c: string, u: string) => `charla:typing:${c}:${u}`;

export function createRedisTyping(redis: RedisClientType): TypingStore {
  return {
    async start(c, u, ttlMs) {
      const previous = await redis.set(tKey(c, u), '1', { expiration: { type: 'PX', value: ttlMs }, GET: true });
      return previous === null;
    },
    async stop(c, u) {
      return (await redis.del(tKey(c, u))) > 0;
    },
    async remaining(c, u) {
      return Math.max(0, await redis.pTTL(tKey(c, u)));
    },
  };
}
