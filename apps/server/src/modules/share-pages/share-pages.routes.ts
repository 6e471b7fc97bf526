import fs from 'node:fs';
import path from 'node:path';
import { inviteCodeSchema, inviteWebUrl } from '@charla/shared-types';
import { Router } from 'express';
import type { AppContext } from '../../app-context.ts';
import { inviteIsUsable } from '../invites/invites.service.ts';
import { inviteCard, type ShareCard, type ShareLanguage, withCard } from './share-pages.meta.ts';

/**
 * Shared invite links unfurl on social networks: /invite/<code> is the web client's page with Open
 * Graph and Twitter Card tags in its <head> (crawlers do not run scripts). Only while the invite is
 * usable; otherwise, and for anything else, the request goes on to the web client unchanged.
 */
export function sharePageRoutes(ctx: AppContext, distDir: string | undefined): Router | undefined {
  const indexPath = distDir ? path.join(distDir, 'index.html') : null;
  if (!indexPath || !fs.existsSync(indexPath)) return undefined;
  const { storage, clock, config } = ctx;
  let index: string | null = null;
  const indexHtml = async () => {
    index ??= await fs.promises.readFile(indexPath, 'utf8');
    return index;
  };

  async function cardFor(code: string, lang: ShareLanguage): Promise<ShareCard | null> {
    const invite = await storage.invites.findByCode(code);
    if (!invite || !inviteIsUsable(invite, clock.now())) return null;
    const [c, memberCount] = await Promise.all([
      storage.conversations.findById(invite.conversationId),
      storage.participants.countActive(invite.conversationId),
    ]);
    if (!c || c.deletedAt || c.kind === 'direct') return null;
    return inviteCard(c, memberCount, inviteWebUrl(config.webUrl, code), lang);
  }

  const router = Router();
  router.get('/invite/:code', async (req, res, next) => {
    const code = inviteCodeSchema.safeParse(req.params.code);
    if (!code.success) return next();
    const lang: ShareLanguage = req.acceptsLanguages('en', 'es') === 'es' ? 'es' : 'en';
    const card = await cardFor(code.data, lang);
    if (!card) return next();
    res
      .status(200)
      .set({ 'Cache-Control': 'no-cache', 'Content-Language': lang, Vary: 'Accept-Language' })
      .type('html')
      .send(withCard(await indexHtml(), card));
  });
  return router;
}
