import { type ProfileLinks, paths, profileAppUrl, profileWebUrl, usernameSchema } from '@charla/shared-types';
import { Router } from 'express';
import { z } from 'zod';
import type { AppContext, AppModule } from '../../app-context.ts';
import { sendData } from '../../http/envelope.ts';
import { notFound } from '../../http/errors.ts';
import { below, callerId } from '../../http/request.ts';
import { parseInput } from '../../http/validate.ts';
import { toPublicProfile } from '../users/users.mapper.ts';

const params = z.object({ username: usernameSchema });

/**
 * Profile links (`/u/<username>` on the web client, `charla://u/<username>` in the app) open a
 * chat with that person: the client resolves the username here, then opens the direct chat.
 */
export function profileLinkRoutes(ctx: AppContext): Router {
  const { storage, requireAuth, config } = ctx;
  const router = Router();

  // Before /profiles/:username: "me" is too short to be a username, but keep the order explicit.
  router.get(below('/profiles', paths.profiles.me), requireAuth, async (req, res) => {
    const me = await storage.users.findById(callerId(req));
    if (!me || me.deletedAt) throw notFound('User');
    const links: ProfileLinks = {
      username: me.username,
      webUrl: profileWebUrl(config.webUrl, me.username),
      appUrl: profileAppUrl(me.username),
    };
    sendData(res, links);
  });

  router.get('/:username', requireAuth, async (req, res) => {
    const { username } = parseInput(params, req.params);
    const user = await storage.users.findByUsername(username);
    // Suspended and deleted accounts are not reachable through a link.
    if (!user || user.deletedAt || user.suspendedAt) throw notFound('User');
    sendData(res, toPublicProfile(user));
  });

  return router;
}

export function createProfileLinksModule(ctx: AppContext): AppModule {
  return { routers: [{ prefix: '/profiles', router: profileLinkRoutes(ctx) }] };
}
