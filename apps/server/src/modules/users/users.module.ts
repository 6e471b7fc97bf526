import type { AppContext, AppModule } from '../../app-context.ts';
import { usersRoutes } from './users.routes.ts';
import { createUsersService, type PasswordCheck } from './users.service.ts';

/** Profiles, search, blocking and deleting one's account. */
export function createUsersModule(ctx: AppContext, deps: { hasher: PasswordCheck }): AppModule {
  const service = createUsersService({ ...ctx, hasher: deps.hasher });
  return { routers: [{ prefix: '/users', router: usersRoutes(ctx, service) }] };
}
