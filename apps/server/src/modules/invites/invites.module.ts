import type { AppContext, AppModule } from '../../app-context.ts';
import type { MessagingModule } from '../messaging/messaging.module.ts';
import { conversationInvitesRoutes, invitesRoutes } from './invites.routes.ts';
import { createInvitesService } from './invites.service.ts';

/** Invite links into groups and channels: created by admins, previewed and accepted by anyone signed in. */
export function createInvitesModule(ctx: AppContext, deps: { messaging: MessagingModule }): AppModule {
  const { storage, clock, fanout, requireAuth } = ctx;
  const invites = createInvitesService(
    { storage, clock, fanout, serial: deps.messaging.serial, webUrl: ctx.config.webUrl },
    deps.messaging.services.conversations,
  );
  return {
    routers: [
      { prefix: '/conversations', router: conversationInvitesRoutes({ requireAuth, invites }) },
      { prefix: '/invites', router: invitesRoutes({ requireAuth, invites }) },
    ],
  };
}
