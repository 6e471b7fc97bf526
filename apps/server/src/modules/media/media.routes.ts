import fs from 'node:fs';
import { MEDIA_TOKEN_PARAM, MEDIA_UPLOAD_FIELD, mediaIdParamsSchema } from '@charla/shared-types';
import { type Request, type RequestHandler, Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../app-context.ts';
import { sendData, sendEmpty } from '../../http/envelope.ts';
import { notFound, unauthenticated } from '../../http/errors.ts';
import { callerId } from '../../http/request.ts';
import { parseInput } from '../../http/validate.ts';
import type { MediaStore } from '../../storage/ports.ts';
import { bearerToken } from '../auth/auth.middleware.ts';
import { sendMedia } from './media.serve.ts';
import type { MediaService } from './media.service.ts';
import type { MediaTokens, MediaVariant } from './media.tokens.ts';
import { type ReceivedFile, receiveUpload } from './media.upload.ts';

const idParams = mediaIdParamsSchema;
const describeQuery = z.object({ via: z.string().min(1).max(64).optional() });
const tokenQuery = z.object({ [MEDIA_TOKEN_PARAM]: z.string().max(64).optional() });

export type MediaRouteDeps = {
  service: MediaService;
  store: MediaStore;
  tokens: MediaTokens;
  withUpload: WithUpload;
};

/** Runs `fn` with the request's uploaded temp file, which is always removed afterwards. */
export type WithUpload = <T>(req: Request, fn: (file: ReceivedFile) => Promise<T>) => Promise<T>;

export function createUploadReceiver(limits: { maxBytes: number; tmpDir: string }): WithUpload {
  return async (req, fn) => {
    const file = await receiveUpload(req, {
      maxBytes: limits.maxBytes,
      tmpDir: limits.tmpDir,
      field: MEDIA_UPLOAD_FIELD,
    });
    try {
      return await fn(file);
    } finally {
      await fs.promises.rm(file.path, { force: true });
    }
  };
}

/** Uploads and the bytes of stored media. Mounted at /media. */
export function mediaRoutes(ctx: AppContext, deps: MediaRouteDeps): Router {
  const { service, store, tokens, withUpload } = deps;
  const router = Router();
  const userOf = callerId;

  router.post('/', ctx.requireAuth, async (req, res) => {
    const userId = userOf(req);
    sendData(res, await withUpload(req, (file) => service.ingest(userId, file)), 201, 'Uploaded');
  });

  router.get('/:id/meta', ctx.requireAuth, async (req, res) => {
    const { id } = parseInput(idParams, req.params);
    const { via } = parseInput(describeQuery, req.query);
    sendData(res, await service.describe(userOf(req), id, via));
  });

  /**
   * Bytes: either a signed `?t=` token from a DTO url (for tags that cannot send headers), or a
   * Bearer access token plus the same access check as /meta. Unknown, foreign and bad-token ids are
   * all the same 404.
   */
  const serve =
    (variant: MediaVariant): RequestHandler =>
    async (req, res) => {
      const { id } = parseInput(idParams, req.params);
      const token = parseInput(tokenQuery, req.query)[MEDIA_TOKEN_PARAM];
      const bearer = bearerToken(req);
      if (!token && !bearer) throw unauthenticated();
      const media = await ctx.storage.media.findById(id);
      let allowed = false;
      if (media && token) allowed = tokens.verify(token, media.id, variant, ctx.clock.now());
      if (media && !allowed && bearer) {
        const auth = await ctx.verifyAccessToken(bearer);
        allowed = await service.canView(auth.userId, media, undefined);
      }
      if (!media || !allowed) throw notFound('Media');
      await sendMedia(res, store, media, variant, req.get('range'));
    };
  router.get('/:id', serve('original'));
  router.get('/:id/thumbnail', serve('thumbnail'));
  return router;
}

/** The caller's own avatar. Mounted at /users. */
export function userAvatarRoutes(ctx: AppContext, deps: Pick<MediaRouteDeps, 'service' | 'withUpload'>): Router {
  const { service, withUpload } = deps;
  const router = Router();
  const userOf = callerId;

  router.put('/me/avatar', ctx.requireAuth, async (req, res) => {
    const userId = userOf(req);
    const result = await withUpload(req, (file) => service.setUserAvatar(userId, file));
    ctx.events.emit('user:updated', { userId });
    sendData(res, result);
  });
  router.delete('/me/avatar', ctx.requireAuth, async (req, res) => {
    const userId = userOf(req);
    await service.removeUserAvatar(userId);
    ctx.events.emit('user:updated', { userId });
    sendEmpty(res);
  });
  return router;
}
