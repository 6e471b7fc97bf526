import fs from 'node:fs';
import { MEDIA_TOKEN_PARAM, MEDIA_UPLOAD_FIELD, mediaIdParamsSchema, sharedQuerySchema } from '@charla/shared-types';
import { type Request, type RequestHandler, Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../app-context.ts';
import { sendData, sendEmpty } from '../../http/envelope.ts';
import { notFound, unauthenticated } from '../../http/errors.ts';
import { callerId, idParam } from '../../http/request.ts';
import { parseInput } from '../../http/validate.ts';
import type { MediaStore } from '../../storage/ports.ts';
import { bearerToken } from '../auth/auth.middleware.ts';
import type { UploadAllowance, UploadQuota } from './media.quota.ts';
import { sendMedia } from './media.serve.ts';
import type { MediaService } from './media.service.ts';
import { listShared } from './media.shared.ts';
import { MEDIA_TOKEN_MAX_LENGTH, type MediaTokens, type MediaVariant } from './media.tokens.ts';
import { type ReceivedFile, receiveUpload } from './media.upload.ts';

const idParams = mediaIdParamsSchema;
const describeQuery = z.object({ via: z.string().min(1).max(64).optional() });
const tokenQuery = z.object({ [MEDIA_TOKEN_PARAM]: z.string().max(MEDIA_TOKEN_MAX_LENGTH).optional() });

/**
 * Runs `fn` with the request's uploaded temp file, which is always removed afterwards. With an
 * allowance (message uploads) its bytes count against the account's quota until `fn` has stored the row.
 */
export type WithUpload = <T>(
  req: Request,
  fn: (file: ReceivedFile) => Promise<T>,
  allowance?: UploadAllowance,
) => Promise<T>;

export function createUploadReceiver(limits: { maxBytes: number; tmpDir: string }): WithUpload {
  return async (req, fn, allowance) => {
    try {
      const file = await receiveUpload(req, {
        maxBytes: limits.maxBytes,
        tmpDir: limits.tmpDir,
        field: MEDIA_UPLOAD_FIELD,
        ...(allowance ? { allowance } : {}),
      });
      try {
        return await fn(file);
      } finally {
        await fs.promises.rm(file.path, { force: true });
      }
    } finally {
      allowance?.release();
    }
  };
}

export type MediaRouteDeps = {
  service: MediaService;
  store: MediaStore;
  tokens: MediaTokens;
  withUpload: WithUpload;
  /** Per-account upload rate (runs after requireAuth). */
  uploadLimiter: RequestHandler;
  quota: UploadQuota;
};

/** Uploads and the bytes of stored media. Mounted at /media. */
export function mediaRoutes(ctx: AppContext, deps: MediaRouteDeps): Router {
  const { service, store, tokens, withUpload } = deps;
  const router = Router();

  router.post('/', ctx.requireAuth, deps.uploadLimiter, async (req, res) => {
    const userId = callerId(req);
    // Refused before the body is read when the account's unsent uploads already fill its quota.
    const allowance = await deps.quota.open(userId);
    sendData(res, await withUpload(req, (file) => service.ingest(userId, file), allowance), 201, 'Uploaded');
  });

  router.get('/:id/meta', ctx.requireAuth, async (req, res) => {
    const { id } = parseInput(idParams, req.params);
    const { via } = parseInput(describeQuery, req.query);
    sendData(res, await service.describe(callerId(req), id, via));
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
      const checked = media && token ? tokens.check(token, media.id, variant, ctx.clock.now()) : false;
      if (media && checked) {
        // A message-media URL works only while the one it was issued to may still see the media
        // (left or removed: 404 at once, not when the URL expires). Grant-less tokens are for avatars.
        allowed = checked.grant
          ? await service.canView(checked.grant.viewerId, media, checked.grant.via ?? undefined)
          : media.avatarOf !== null;
      }
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

/** What a conversation shared (media, files, links). Mounted at /conversations. */
export function sharedMediaRoutes(ctx: AppContext, deps: Pick<MediaRouteDeps, 'service'>): Router {
  const router = Router();
  router.get('/:id/shared', ctx.requireAuth, async (req, res) => {
    const id = idParam(req, 'id', 'Conversation');
    const q = parseInput(sharedQuerySchema, req.query);
    sendData(res, await listShared(ctx.storage, deps.service, callerId(req), id, q));
  });
  return router;
}

/** The caller's own avatar. Mounted at /users. */
export function userAvatarRoutes(
  ctx: AppContext,
  deps: Pick<MediaRouteDeps, 'service' | 'withUpload' | 'uploadLimiter'>,
): Router {
  const { service, withUpload } = deps;
  const router = Router();

  router.put('/me/avatar', ctx.requireAuth, deps.uploadLimiter, async (req, res) => {
    const userId = callerId(req);
    const result = await withUpload(req, (file) => service.setUserAvatar(userId, file));
    ctx.events.emit('user:updated', { userId });
    sendData(res, result);
  });
  router.delete('/me/avatar', ctx.requireAuth, async (req, res) => {
    const userId = callerId(req);
    await service.removeUserAvatar(userId);
    ctx.events.emit('user:updated', { userId });
    sendEmpty(res);
  });

  return router;
}
