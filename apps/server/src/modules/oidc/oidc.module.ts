import type { RequestHandler } from 'express';
import type { AppContext, AppModule } from '../../app-context.ts';
import type { AuthService } from '../auth/auth.service.ts';
import { linkedAccountRoutes } from './linked-accounts.routes.ts';
import { createOidcAccounts } from './oidc.accounts.ts';
import { createOidcRegistry, type OidcRegistryOptions } from './oidc.registry.ts';
import { oidcRoutes } from './oidc.routes.ts';
import { createOidcService } from './oidc.service.ts';
import type { RedisCommand } from './oidc.store.ts';

export type { OidcRegistryOptions } from './oidc.registry.ts';

/**
 * Wires "Sign in with Google / OIDC / GitHub" and linked accounts: registry from config, account
 * resolution, flow, routes.
 */
export function createOidcModule(
  ctx: AppContext,
  auth: Pick<AuthService, 'startSession' | 'revokeAll'>,
  options: OidcRegistryOptions & {
    redisCommand?: RedisCommand | undefined;
    /** Per-IP limit on the routes that create pending state (/start, /nonce). */
    pendingLimiter?: RequestHandler;
  } = {},
): AppModule {
  const registry = createOidcRegistry(ctx.config, ctx.clock, options);
  const accounts = createOidcAccounts({ ...ctx, revokeAll: (userId) => auth.revokeAll(userId) });
  const service = createOidcService({
    ...ctx,
    registry,
    accounts,
    redisCommand: options.redisCommand,
    storeMax: options.storeMax,
  });
  const router = oidcRoutes(ctx, {
    service,
    startSession: auth.startSession,
    pendingLimiter: options.pendingLimiter ?? ((_req, _res, next) => next()),
  });
  return {
    routers: [
      { prefix: '/auth/oidc', router },
      { prefix: '/auth/linked-accounts', router: linkedAccountRoutes(ctx, registry) },
    ],
  };
}
