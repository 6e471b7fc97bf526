import type { RequestHandler } from 'express';
import type { AppContext, AppModule } from '../../app-context.ts';
import { resolveJwtSecret } from '../auth/auth.tokens.ts';
import { discoveryRoutes } from './discovery.routes.ts';
import { createDiscoveryService, type DiscoveryService } from './discovery.service.ts';

export type DiscoveryModule = AppModule & { service: DiscoveryService };

/** Find friends by hashed email: REST under /discovery; a deleted account stops being findable. */
export function createDiscoveryModule(ctx: AppContext, deps: { lookupLimiter: RequestHandler }): DiscoveryModule {
  const service = createDiscoveryService({
    ...ctx,
    secret: resolveJwtSecret(ctx.config.JWT_SECRET, ctx.config.dataDir),
  });
  const unsubscribe = ctx.events.on('user:deleted', ({ userId }) => {
    service.forget(userId).catch((err: unknown) => ctx.logger.warn({ err, userId }, 'clearing discovery failed'));
  });
  return {
    routers: [{ prefix: '/discovery', router: discoveryRoutes(ctx, service, { lookup: deps.lookupLimiter }) }],
    service,
    close: unsubscribe,
  };
}
