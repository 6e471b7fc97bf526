import type { AppContext, AppModule } from '../../app-context.ts';
import { resolveJwtSecret } from '../auth/auth.tokens.ts';
import { createSearchCursors } from './search.cursor.ts';
import { searchRoutes } from './search.routes.ts';
import { createSearchService } from './search.service.ts';

/** Full-text search over the messages the caller may read. */
export function createSearchModule(ctx: AppContext): AppModule {
  const search = createSearchService({
    storage: ctx.storage,
    cursors: createSearchCursors(resolveJwtSecret(ctx.config.JWT_SECRET, ctx.config.dataDir)),
  });
  return { routers: [{ prefix: '/search', router: searchRoutes({ requireAuth: ctx.requireAuth, search }) }] };
}
