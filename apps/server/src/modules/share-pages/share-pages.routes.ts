import fs from 'node:fs';
import path from 'node:path';
import { channelWebUrl, HOME_SPACE_ID, inviteCodeSchema, inviteWebUrl } from '@charla/shared-types';
import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../app-context.ts';
import type { ConversationRecord, MediaStore } from '../../storage/ports.ts';
import { currentSpaceId, isSpaceId, runInSpace } from '../../storage/spaces/space-scope.ts';
import { inviteIsUsable } from '../invites/invites.service.ts';
import { sendMedia } from '../media/media.serve.ts';
import { ownMediaId } from '../messaging/conversations.service.ts';
import { channelCard, inviteCard, type ShareCard, type ShareLanguage, withCard } from './share-pages.meta.ts';

const conversationIdSchema = z.string().regex(/^[\w-]{1,64}$/);

/**
 * Shared links unfurl on social networks: /invite/<code> and a public channel's /channel/<id> are
 * the web client's page with Open Graph and Twitter Card tags in its <head> (crawlers do not run
 * scripts). An invite only while it is usable, a channel only while it is a live public channel;
 * otherwise, and for anything else, the request goes on to the web client unchanged. A public
 * channel's picture is served at /channel/<id>/image for the card (crawlers cannot hold tokens).
 */
export function sharePageRoutes(
  ctx: AppContext,
  distDir: string | undefined,
  mediaStore?: MediaStore,
): Router | undefined {
  const indexPath = distDir ? path.join(distDir, 'index.html') : null;
  if (!indexPath || !fs.existsSync(indexPath)) return undefined;
  const { storage, clock, config } = ctx;
  let index: string | null = null;
  const indexHtml = async () => {
    index ??= await fs.promises.readFile(indexPath, 'utf8');
    return index;
  };

  /** A live public channel (private groups never have a page of their own). */
  async function publicChannel(id: string): Promise<ConversationRecord | null> {
    const c = await storage.conversations.findById(id);
    return c && !c.deletedAt && c.kind === 'channel' ? c : null;
  }

  /** The channel's own uploaded picture, if it has one (never another address). */
  async function channelPicture(c: ConversationRecord) {
    const id = c.avatarUrl ? ownMediaId(c.avatarUrl, undefined) : null;
    const media = id ? await storage.media.findById(id) : null;
    return media?.avatarOf?.type === 'conversation' && media.avatarOf.id === c.id ? media : null;
  }
  const imageUrl = async (c: ConversationRecord) =>
    mediaStore && (await channelPicture(c)) ? `${channelWebUrl(config.webUrl, c.id)}/image` : undefined;

  async function channelCardFor(id: string, lang: ShareLanguage): Promise<ShareCard | null> {
    const c = await publicChannel(id);
    if (!c) return null;
    const [memberCount, image] = await Promise.all([storage.participants.countActive(c.id), imageUrl(c)]);
    return channelCard(c, memberCount, channelWebUrl(config.webUrl, c.id), lang, image);
  }

  async function cardFor(code: string, lang: ShareLanguage): Promise<ShareCard | null> {
    const invite = await storage.invites.findByCode(code);
    if (!invite || !inviteIsUsable(invite, clock.now())) return null;
    const [c, memberCount] = await Promise.all([
      storage.conversations.findById(invite.conversationId),
      storage.participants.countActive(invite.conversationId),
    ]);
    if (!c || c.deletedAt || c.kind === 'direct') return null;
    const image = c.kind === 'channel' ? await imageUrl(c) : undefined;
    return inviteCard(c, memberCount, inviteWebUrl(config.webUrl, code, currentSpaceId()), lang, image);
  }

  const languageOf = (req: Request): ShareLanguage => (req.acceptsLanguages('en', 'es') === 'es' ? 'es' : 'en');
  const sendCard = async (res: Response, card: ShareCard, lang: ShareLanguage) => {
    res
      .status(200)
      .set({ 'Cache-Control': 'no-cache', 'Content-Language': lang, Vary: 'Accept-Language' })
      .type('html')
      .send(withCard(await indexHtml(), card));
  };

  const router = Router();
  router.get('/invite/:code', async (req, res, next) => {
    const code = inviteCodeSchema.safeParse(req.params.code);
    if (!code.success) return next();
    const lang = languageOf(req);
    // An invite in a space (?space=) is read in the space's database; the code is the credential.
    const spaceId = typeof req.query.space === 'string' ? req.query.space : null;
    const space = spaceId && isSpaceId(spaceId) ? await storage.spaces.findById(spaceId) : null;
    if (spaceId && (!space || space.deleteAfter)) return next();
    const card = await runInSpace({ spaceId: space?.id ?? HOME_SPACE_ID, space }, () => cardFor(code.data, lang));
    if (!card) return next();
    await sendCard(res, card, lang);
  });
  router.get('/channel/:id', async (req, res, next) => {
    const id = conversationIdSchema.safeParse(req.params.id);
    if (!id.success) return next();
    const lang = languageOf(req);
    const card = await channelCardFor(id.data, lang);
    if (!card) return next();
    await sendCard(res, card, lang);
  });
  router.get('/channel/:id/image', async (req, res) => {
    const id = conversationIdSchema.safeParse(req.params.id);
    const c = id.success ? await publicChannel(id.data) : null;
    const picture = c && mediaStore ? await channelPicture(c) : null;
    if (!picture || !mediaStore) {
      res.status(404).type('text').send('Not found');
      return;
    }
    await sendMedia(res, mediaStore, picture, picture.thumbnailKey ? 'thumbnail' : 'original', undefined);
  });
  return router;
}
