import type { RequestHandler } from 'express';
import { rateLimit, type Store } from 'express-rate-limit';
import type { Logger } from 'pino';
import { RedisStore } from 'rate-limit-redis';
import { createClient } from 'redis';
import { rateLimited } from './errors.ts';

export type RateLimitRule = { name: string; windowMs: number; limit: number };

/** Per-IP budgets. Generous for people, tight enough to make scripted guessing and mail bombing slow. */
export const AUTH_PER_IP: RateLimitRule = { name: 'auth', windowMs: 60_000, limit: 60 };
export const AUTH_SENSITIVE_PER_IP: RateLimitRule = { name: 'auth-sensitive', windowMs: 15 * 60_000, limit: 20 };

export type RateLimits = {
  /** Builds a limiter for one rule (each rule has its own counters). */
  limiter(rule: RateLimitRule): RequestHandler;
  /** Raw Redis command runner when REDIS_URL is set (the login throttle shares the connection). */
  redisCommand: ((args: string[]) => Promise<unknown>) | undefined;
  close(): Promise<void>;
};

const passThrough: RequestHandler = (_req, _res, next) => next();

/**
 * express-rate-limit, counting in Redis when `redisUrl` is set (so limits hold across server nodes)
 * and in memory otherwise. Over-limit requests become the 429 envelope with Retry-After.
 */
export function createRateLimits(options: { redisUrl?: string; disabled?: boolean; logger: Logger }): RateLimits {
  if (options.disabled) return { limiter: () => passThrough, redisCommand: undefined, close: async () => {} };
  const redis = options.redisUrl ? createClient({ url: options.redisUrl }) : undefined;
  if (redis) {
    redis.on('error', (err: unknown) => options.logger.warn({ err }, 'rate-limit redis error'));
    redis.connect().catch((err: unknown) => options.logger.error({ err }, 'rate-limit redis: cannot connect'));
  }
  const storeFor = (rule: RateLimitRule): Store | undefined =>
    redis
      ? new RedisStore({
          prefix: `charla:rl:${rule.name}:`,
          sendCommand: (...args: string[]) => redis.sendCommand(args),
        })
      : undefined;
  return {
    redisCommand: redis ? (args) => redis.sendCommand(args) : undefined,
    limiter(rule) {
      const store = storeFor(rule);
      return rateLimit({
        windowMs: rule.windowMs,
        limit: rule.limit,
        standardHeaders: 'draft-8',
        legacyHeaders: false,
        identifier: rule.name,
        ...(store ? { store } : {}),
        // With Redis down, let traffic through rather than lock everyone out.
        passOnStoreError: true,
        // TRUST_PROXY=true is warned about once at start-up (app.ts), not on every limiter.
        validate: { trustProxy: false },
        handler: (req, _res, next) => {
          const resetTime = (req as { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
          const seconds = resetTime ? (resetTime.getTime() - Date.now()) / 1000 : rule.windowMs / 1000;
          next(rateLimited(seconds));
        },
      });
    },
    async close() {
      if (redis?.isOpen) await redis.quit().catch(() => undefined);
    },
  };
}
