import type { RequestHandler, Router } from 'express';
import type { Logger } from 'pino';
import type { RedisClientType } from 'redis';
import type { Config } from './config.ts';
import type { AuthContext } from './http/request.ts';
import type { Mailer } from './mail/mailer.ts';
import type { AccountEvents } from './modules/auth/account-events.ts';
import type { Fanout } from './modules/realtime/realtime.fanout.ts';
import type { SocketFeature } from './modules/realtime/realtime.types.ts';
import type { Storage } from './storage/ports.ts';

/** Injectable time source, so tests can move past expiries without sleeping. */
export type Clock = { now(): Date };
export const systemClock: Clock = { now: () => new Date() };

/**
 * What createApp hands to every feature module's router factory. Add fields here (not globals)
 * when a module needs a shared dependency.
 */
export type AppContext = {
  config: Config;
  storage: Storage;
  logger: Logger;
  clock: Clock;
  mailer: Mailer;
  events: AccountEvents;
  /** Browser origins allowed by CORS and by the CSRF origin check. */
  allowedOrigins: ReadonlySet<string>;
  /** Bearer access-token check; sets `req.auth`. */
  requireAuth: RequestHandler;
  /** For the Socket.IO handshake: throws AppError 401 (`token_expired`, `unauthenticated`, `session_revoked`). */
  verifyAccessToken(token: string): Promise<AuthContext>;
  /** Publishes facts to sockets (the realtime transport exists before any module). */
  fanout: Fanout;
  /** Shared socket state (presence, typing) lives here with REDIS_URL; null without. */
  redis: RedisClientType | null;
};

/** A router and the prefix under /api/v1 it is mounted at: a router declares paths below its prefix. */
export type MountedRouter = { prefix: `/${string}`; router: Router };

/**
 * The one shape of a feature module. createApp mounts every module's routers, hands every
 * module's socket features to the realtime transport in one list, starts them, reports their
 * degraded backends on /readyz and closes them in reverse order.
 */
export type AppModule = {
  routers: MountedRouter[];
  sockets?: SocketFeature[];
  start?(): void;
  close?(): Promise<void> | void;
  degraded?(): string[];
};
