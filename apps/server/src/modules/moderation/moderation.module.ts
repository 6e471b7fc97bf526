import type { Router } from 'express';
import type { AppContext } from '../../app-context.ts';
import { adminRoutes } from '../admin/admin.routes.ts';
import { createAdminStatsService } from '../admin/admin.stats.ts';
import type { Serial } from '../messages/messages.publish.ts';
import type { Fanout } from '../realtime/realtime.fanout.ts';
import { moderationRoutes } from './moderation.routes.ts';
import { createModerationService, type ModerationService } from './moderation.service.ts';

/** Reports, group and site moderation, the audit log and admin statistics. */
export function createModerationModule(
  ctx: AppContext,
  deps: { fanout: Fanout; serial: Serial; releaseMessageMedia(messageId: string): Promise<void> },
): { service: ModerationService; routers: Router[] } {
  const service = createModerationService({
    storage: ctx.storage,
    clock: ctx.clock,
    events: ctx.events,
    fanout: deps.fanout,
    serial: deps.serial,
    releaseMessageMedia: deps.releaseMessageMedia,
  });
  const stats = createAdminStatsService({ storage: ctx.storage, clock: ctx.clock });
  return {
    service,
    routers: [moderationRoutes(ctx, service), adminRoutes(ctx, { moderation: service, stats })],
  };
}
