import type { AppContext, AppModule } from '../../app-context.ts';
import type { ModerationService } from '../moderation/moderation.service.ts';
import { adminRoutes } from './admin.routes.ts';
import { createAdminStatsService } from './admin.stats.ts';

/** Site administration: the reports queue, users, suspensions, the audit log and statistics. */
export function createAdminModule(ctx: AppContext, deps: { moderation: ModerationService }): AppModule {
  const stats = createAdminStatsService({ storage: ctx.storage, clock: ctx.clock });
  return { routers: [{ prefix: '/admin', router: adminRoutes(ctx, { moderation: deps.moderation, stats }) }] };
}
