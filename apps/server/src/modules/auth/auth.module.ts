import type { AuthProviders } from '@charla/shared-types';
import type { RequestHandler } from 'express';
import type { AppContext, AppModule, Clock } from '../../app-context.ts';
import type { Config } from '../../config.ts';
import type { Storage } from '../../storage/ports.ts';
import { type AuthContext, createAccessTokenVerifier, createRequireAuth } from './auth.middleware.ts';
import { createPasswordHasher, type PasswordHasher } from './auth.password.ts';
import { type AuthRouteLimits, authRoutes } from './auth.routes.ts';
import { type AuthService, createAuthService } from './auth.service.ts';
import type { LoginThrottle } from './auth.throttle.ts';
import { type AccessTokens, createAccessTokens, resolveJwtSecret } from './auth.tokens.ts';

export type AuthCore = {
  tokens: AccessTokens;
  /** The server secret (JWT_SECRET or the generated one), for other keyed hashes and signatures. */
  secret: Uint8Array;
  hasher: PasswordHasher;
  verifyAccessToken(token: string): Promise<AuthContext>;
  requireAuth: RequestHandler;
};

/** The pieces every module needs to know who calls; built once by createApp. */
export function createAuthCore(deps: { config: Config; storage: Storage; clock: Clock }): AuthCore {
  const { config, storage, clock } = deps;
  const secret = resolveJwtSecret(config.JWT_SECRET, config.dataDir);
  const tokens = createAccessTokens(secret, config.ACCESS_TOKEN_TTL_SECONDS, clock);
  const verifyAccessToken = createAccessTokenVerifier({ tokens, storage, clock });
  return {
    tokens,
    secret,
    hasher: createPasswordHasher(config.BCRYPT_COST),
    verifyAccessToken,
    requireAuth: createRequireAuth(verifyAccessToken),
  };
}

/**
 * Accounts and sessions: register, sign in, refresh, sign out, mail flows. It also carries out
 * account facts: a suspended or deleted user's sessions are revoked, and a revoked session loses
 * its sockets at once (on every node: the room-based disconnect goes through the adapter).
 */
export function createAuthModule(
  ctx: AppContext,
  deps: { core: AuthCore; throttle: LoginThrottle; limits: AuthRouteLimits; providers: AuthProviders },
): AppModule & { service: AuthService } {
  const service = createAuthService({
    ...ctx,
    tokens: deps.core.tokens,
    hasher: deps.core.hasher,
    signingKey: deps.core.secret,
    throttle: deps.throttle,
  });
  let unsubscribe: (() => void)[] = [];
  return {
    service,
    routers: [{ prefix: '/auth', router: authRoutes(ctx, service, deps.limits, deps.providers) }],
    start() {
      const { events, fanout, logger } = ctx;
      unsubscribe = [
        ...(['user:suspended', 'user:deleted'] as const).map((event) =>
          events.on(event, ({ userId }) => {
            fanout.disconnectUser(userId);
            // Ending their sessions emits session:revoked for each in turn.
            service
              .revokeAll(userId)
              .catch((err: unknown) => logger.error({ err, userId }, `revoke on ${event} failed`));
          }),
        ),
        events.on('session:revoked', ({ sessionId }) => fanout.disconnectSession(sessionId)),
      ];
    },
    close() {
      for (const off of unsubscribe) off();
      unsubscribe = [];
    },
  };
}
