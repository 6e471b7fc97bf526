import type { Router } from 'express';
import type { AppContext } from '../../app-context.ts';
import type { Serial } from '../messaging/messages.publish.ts';
import type { Fanout } from '../realtime/realtime.fanout.ts';
import { moderationRoutes } from './moderation.routes.ts';
import { createModerationService, type ModerationService } from './moderation.service.ts';

/** Reports, group and site moderation and the audit log (site admins reach it through modules/admin). */
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
  return { service, routers: [moderationRoutes(ctx, service)] };
}
