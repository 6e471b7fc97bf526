import {
  normaliseSocialHandle,
  paths,
  type SocialLink,
  saveSocialLinkSchema,
  socialNetworkSchema,
  socialProfileUrl,
} from '@charla/shared-types';
import { Router } from 'express';
import { z } from 'zod';
import type { AppContext, AppModule } from '../../app-context.ts';
import { sendData, sendEmpty } from '../../http/envelope.ts';
import { notFound, validationFailed } from '../../http/errors.ts';
import { below, callerId } from '../../http/request.ts';
import { parseInput } from '../../http/validate.ts';
import type { SocialLinkRecord } from '../../storage/ports.ts';
import { isProvenGithubLogin } from '../oidc/github.social.ts';

const networkParams = z.object({ network: socialNetworkSchema });
const plausibleId = (id: string) => id.length > 0 && id.length <= 100;

const toDto = (l: SocialLinkRecord): SocialLink => ({
  network: l.network,
  handle: l.handle,
  url: socialProfileUrl(l.network, l.handle),
  visibility: l.visibility,
  verified: l.verified,
});

/**
 * Social profiles on a person's profile. Mine: all of them, to edit. Someone else's: the public
 * ones, plus "shared" ones when we share a conversation, none at all across a block.
 */
export function socialLinkRoutes(ctx: AppContext): Router {
  const { storage, clock, requireAuth } = ctx;
  const router = Router();
  const p = paths.users;

  router.get(below('/users', p.mySocialLinks), requireAuth, async (req, res) => {
    sendData(res, { items: (await storage.socialLinks.list(callerId(req))).map(toDto) });
  });

  router.put('/me/social-links/:network', requireAuth, async (req, res) => {
    const { network } = parseInput(networkParams, req.params);
    const body = parseInput(saveSocialLinkSchema, req.body);
    const handle = normaliseSocialHandle(network, body.handle);
    if (!handle)
      throw validationFailed(
        { handle: [network === 'website' ? 'An http(s) address' : `Not a valid ${network} handle`] },
        'That does not look right for this network',
      );
    // Typed in, a handle is verified only when it is a GitHub login this person linked (proved by signing in there).
    const userId = callerId(req);
    const verified = network === 'github' && (await isProvenGithubLogin(ctx, userId, handle));
    const { link, created } = await storage.socialLinks.save(
      { userId, network, handle, visibility: body.visibility, verified },
      clock.now(),
    );
    sendData(res, toDto(link), created ? 201 : 200, created ? 'Link added' : 'Link updated');
  });

  router.delete('/me/social-links/:network', requireAuth, async (req, res) => {
    const { network } = parseInput(networkParams, req.params);
    if (!(await storage.socialLinks.remove(callerId(req), network))) throw notFound('Link');
    sendEmpty(res, 200, 'Link removed');
  });

  router.get('/:id/social-links', requireAuth, async (req, res) => {
    const viewer = callerId(req);
    const id = String(req.params.id);
    const user = plausibleId(id) ? await storage.users.findById(id) : null;
    if (!user || user.deletedAt) throw notFound('User');
    if (id === viewer) return sendData(res, { items: (await storage.socialLinks.list(id)).map(toDto) });
    const [links, blocked, sharing] = await Promise.all([
      storage.socialLinks.list(id),
      storage.blocks.blockedEitherWayAmong(viewer, [id]),
      storage.participants.sharingChatsWith(viewer, [id]),
    ]);
    const shared = sharing.length > 0;
    const visible = blocked.length
      ? []
      : links.filter((l) => l.visibility === 'public' || (l.visibility === 'shared' && shared));
    sendData(res, { items: visible.map(toDto) });
  });

  return router;
}

/** The routes, and a deleted account's links removed with it. */
export function createSocialLinksModule(ctx: AppContext): AppModule {
  const close = ctx.events.on('user:deleted', ({ userId }) => {
    ctx.storage.socialLinks
      .removeAll(userId)
      .catch((err: unknown) => ctx.logger.warn({ err, userId }, 'removing social links failed'));
  });
  return { routers: [{ prefix: '/users', router: socialLinkRoutes(ctx) }], close };
}
