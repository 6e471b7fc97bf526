import type { Request, RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit, type Store } from 'express-rate-limit';
import type { Logger } from 'pino';
import { RedisStore } from 'rate-limit-redis';
import { createClient } from 'redis';
import { rateLimited } from './errors.ts';

export type RateLimitRule = {
  name: string;
  windowMs: number;
  limit: number;
  /** Counts per this key instead of per client IP (e.g. the signed-in user); undefined falls back to the IP. */
  key?: (req: Request) => string | undefined;
  /** Human-readable 429 message. */
  message?: string;
};

/** Per-IP budgets. Generous for people, tight enough to make scripted guessing and mail bombing slow. */
export const AUTH_PER_IP: RateLimitRule = { name: 'auth', windowMs: 60_000, limit: 60 };
export const AUTH_SENSITIVE_PER_IP: RateLimitRule = { name: 'auth-sensitive', windowMs: 15 * 60_000, limit: 20 };
/** Verification mail resends per account (after requireAuth): one a minute, five an hour, whatever the IP. */
const perAccount = (req: Request) => (req.auth ? `user:${req.auth.userId}` : undefined);
export const RESEND_VERIFICATION_PER_MINUTE: RateLimitRule = {
  name: 'resend-verify-1m',
  windowMs: 60_000,
  limit: 1,
  key: perAccount,
};
export const RESEND_VERIFICATION_PER_HOUR: RateLimitRule = {
  name: 'resend-verify-1h',
  windowMs: 3_600_000,
  limit: 5,
  key: perAccount,
};
/** People search per signed-in account (after requireAuth): plenty for a picker, slow for scraping. */
export const USER_SEARCH_PER_USER: RateLimitRule = {
  name: 'user-search',
  windowMs: 60_000,
  limit: 60,
  key: perAccount,
  message: 'Too many searches: wait a moment and try again',
};

/**
 * Per IP on the OIDC routes that park state server-side (`/start`, `/nonce`): pending sign-ins live
 * 10 minutes in a bounded store, so one address can hold at most ~100 of its 10,000 slots and a
 * flood cannot evict other people's sign-ins in progress.
 */
export const OIDC_PENDING_PER_IP: RateLimitRule = {
  name: 'oidc-pending',
  windowMs: 60_000,
  limit: 10,
  message: 'Too many sign-in attempts from this network; wait a minute and try again',
};

/** Uploads per signed-in account (runs after requireAuth; MEDIA_UPLOADS_PER_MINUTE). */
export const mediaUploadsPerUser = (perMinute: number): RateLimitRule => ({
  name: 'media-upload',
  windowMs: 60_000,
  limit: perMinute,
  key: (req) => (req.auth ? `user:${req.auth.userId}` : undefined),
  message: `Too many uploads: at most ${perMinute} a minute. Wait a moment and try again`,
});

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
        ...(rule.key
          ? { keyGenerator: (req: Request) => rule.key?.(req) ?? `ip:${ipKeyGenerator(req.ip ?? '')}` }
          : {}),
        // With Redis down, let traffic through rather than lock everyone out.
        passOnStoreError: true,
        // TRUST_PROXY=true is warned about once at start-up (app.ts), not on every limiter.
        validate: { trustProxy: false },
        handler: (req, _res, next) => {
          const resetTime = (req as { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
          const seconds = resetTime ? (resetTime.getTime() - Date.now()) / 1000 : rule.windowMs / 1000;
          next(rateLimited(seconds, rule.message));
        },
      });
    },
    async close() {
      if (redis?.isOpen) await redis.quit().catch(() => undefined);
    },
  };
}
