import type { RequestHandler } from 'express';
import type { AppContext, AppModule } from '../../app-context.ts';
import { usersRoutes } from './users.routes.ts';
import { createUsersService, type PasswordCheck } from './users.service.ts';

/** Profiles, search, blocking and deleting one's account. */
export function createUsersModule(
  ctx: AppContext,
  deps: { hasher: PasswordCheck /** Per-account limit on user search. */; search: RequestHandler },
): AppModule {
  const service = createUsersService({ ...ctx, hasher: deps.hasher });
  return { routers: [{ prefix: '/users', router: usersRoutes(ctx, service, { search: deps.search }) }] };
}
