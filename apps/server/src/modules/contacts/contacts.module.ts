import type { AppContext, AppModule } from '../../app-context.ts';
import { contactsRoutes } from './contacts.routes.ts';
import { type ContactsService, createContactsService } from './contacts.service.ts';

export type ContactsModule = AppModule & { service: ContactsService };

/** Personal contacts: REST under /contacts; an account's deletion removes its list. */
export function createContactsModule(ctx: AppContext): ContactsModule {
  const service = createContactsService(ctx);
  const unsubscribe = ctx.events.on('user:deleted', ({ userId }) => {
    service.forgetOwner(userId).catch((err: unknown) => ctx.logger.warn({ err, userId }, 'removing contacts failed'));
  });
  return { routers: [{ prefix: '/contacts', router: contactsRoutes(ctx, service) }], service, close: unsubscribe };
}
