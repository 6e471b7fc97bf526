import { paths, type ServerConfig } from '@charla/shared-types';
import { Router } from 'express';
import type { AppContext } from '../../app-context.ts';
import { sendData } from '../../http/envelope.ts';
import { below } from '../../http/request.ts';

/** GET /config (mounted at /config): public limits clients check before sending (the same for everyone, so cacheable). */
export function clientConfigRoutes(ctx: Pick<AppContext, 'config'>): Router {
  const router = Router();
  const body: ServerConfig = { media: { maxBytes: ctx.config.MEDIA_MAX_BYTES }, webUrl: ctx.config.webUrl };
  router.get(below('/config', paths.config), (_req, res) => {
    res.set('Cache-Control', 'public, max-age=300');
    sendData(res, body);
  });
  return router;
}
