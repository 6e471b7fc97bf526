import type { AppContext, AppModule } from '../../app-context.ts';
import { clientConfigRoutes } from './client-config.routes.ts';

/** The public limits clients check before sending (GET /config). */
export function createClientConfigModule(ctx: Pick<AppContext, 'config'>): AppModule {
  return { routers: [{ prefix: '/config', router: clientConfigRoutes(ctx) }] };
}
