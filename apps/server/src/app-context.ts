import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import type { Mailer } from './mail/mailer.ts';
import type { AccountEvents } from './modules/auth/account-events.ts';
import type { AuthContext } from './modules/auth/auth.middleware.ts';
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
};
