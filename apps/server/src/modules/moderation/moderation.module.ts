import type { AppContext, AppModule } from '../../app-context.ts';
import { createSerial } from '../messaging/messages.publish.ts';
import { groupReportsRoutes, reportsRoutes } from './moderation.routes.ts';
import { createModerationService, type ModerationService } from './moderation.service.ts';

/** Reports, group and site moderation and the audit log (site admins reach it through modules/admin). */
export function createModerationModule(
  ctx: AppContext,
  deps: { deleteMessage(actorId: string, messageId: string): Promise<void> },
): AppModule & { service: ModerationService } {
  const service = createModerationService({ ...ctx, deleteMessage: deps.deleteMessage, serial: createSerial() });
  return {
    service,
    routers: [
      { prefix: '/reports', router: reportsRoutes(ctx, service) },
      { prefix: '/conversations', router: groupReportsRoutes(ctx, service) },
    ],
  };
}
