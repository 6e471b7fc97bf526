import fs from 'node:fs';
import path from 'node:path';
import type { RequestHandler } from 'express';
import type { AppContext, AppModule } from '../../app-context.ts';
import { createCloudinaryMediaStore } from '../../media/cloudinary-media-store.ts';
import { createLocalMediaStore } from '../../media/local-media-store.ts';
import type { MediaStore } from '../../storage/ports.ts';
import { resolveJwtSecret } from '../auth/auth.tokens.ts';
import type { AttachmentHooks, ConversationAvatars } from '../messaging/messages.service.ts';
import { createUploadQuota } from './media.quota.ts';
import { createUploadReceiver, mediaRoutes, sharedMediaRoutes, userAvatarRoutes } from './media.routes.ts';
import { createMediaService, type MediaService } from './media.service.ts';
import { createMediaTokens } from './media.tokens.ts';

export const SWEEP_INTERVAL_MS = 15 * 60 * 1000;
/** Scratch files older than this belong to a crashed upload. */
const STALE_TEMP_MS = 60 * 60 * 1000;

export type MediaModule = AppModule & {
  service: MediaService;
  store: MediaStore;
  /** Passed to the messaging module: attachment checks on send, file removal on delete. */
  attachments: AttachmentHooks;
  /** Passed to the messaging module: stores a group avatar (the conversation applies it). */
  conversationAvatars: ConversationAvatars;
  /** One sweep: unattached uploads past 24 h, and stale scratch files. Returns media removed. */
  sweepOnce(): Promise<number>;
};

/** Local disk under DATA_DIR/media by default; Cloudinary when CLOUDINARY_URL is set. */
export function createMediaModule(
  ctx: AppContext,
  options: { store?: MediaStore; uploadLimiter?: RequestHandler } = {},
): MediaModule {
  const root = path.join(ctx.config.dataDir, 'media');
  const tmpDir = path.join(root, 'tmp');
  const store =
    options.store ??
    (ctx.config.CLOUDINARY_URL
      ? createCloudinaryMediaStore({ url: ctx.config.CLOUDINARY_URL, tmpDir })
      : createLocalMediaStore(root));
  fs.mkdirSync(tmpDir, { recursive: true });
  const tokens = createMediaTokens(resolveJwtSecret(ctx.config.JWT_SECRET, ctx.config.dataDir));
  const service = createMediaService({
    storage: ctx.storage,
    store,
    clock: ctx.clock,
    logger: ctx.logger,
    tokens,
    publicUrl: ctx.config.publicUrl,
    tmpDir,
  });
  const withUpload = createUploadReceiver({ maxBytes: ctx.config.MEDIA_MAX_BYTES, tmpDir });
  const uploadLimiter: RequestHandler = options.uploadLimiter ?? ((_req, _res, next) => next());
  const quota = createUploadQuota({
    storage: ctx.storage,
    maxPendingBytes: ctx.config.MEDIA_PENDING_MAX_BYTES,
    maxFileBytes: ctx.config.MEDIA_MAX_BYTES,
  });

  async function removeStaleTemp(): Promise<void> {
    const cutoff = ctx.clock.now().getTime() - STALE_TEMP_MS;
    for (const name of await fs.promises.readdir(tmpDir)) {
      const file = path.join(tmpDir, name);
      const stat = await fs.promises.stat(file).catch(() => null);
      if (stat && stat.mtimeMs < cutoff) await fs.promises.rm(file, { force: true });
    }
  }

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | null = null;
  const sweepOnce = async () => {
    // One sweep at a time: a slow store must not pile up overlapping runs.
    running ??= (async () => {
      try {
        await removeStaleTemp();
        let total = 0;
        for (let n = await service.sweep(); n > 0; n = await service.sweep()) total += n;
        return total;
      } finally {
        running = null;
      }
    })();
    return running;
  };

  return {
    routers: [
      { prefix: '/media', router: mediaRoutes(ctx, { service, store, tokens, withUpload, uploadLimiter, quota }) },
      { prefix: '/users', router: userAvatarRoutes(ctx, { service, withUpload, uploadLimiter }) },
      { prefix: '/conversations', router: sharedMediaRoutes(ctx, { service }) },
    ],
    service,
    store,
    conversationAvatars: {
      limiter: uploadLimiter,
      async upload(req, userId, conversationId, apply) {
        // Refuse before reading the body.
        await service.checkConversationAvatar(userId, conversationId);
        return withUpload(req, (file) => service.setConversationAvatar(userId, conversationId, file, apply));
      },
    },
    attachments: {
      validate: (userId, ids, clientMsgId) => service.validateAttachments(userId, ids, clientMsgId),
      attach: (userId, ids, message) => service.attach(userId, ids, message),
      release: (messageId) => service.releaseMessage(messageId),
    },
    sweepOnce,
    /** Periodic sweeping (unref'd timer). */
    start() {
      if (timer) return;
      timer = setInterval(() => {
        sweepOnce().catch((err) => ctx.logger.warn({ err }, 'media sweep failed'));
      }, SWEEP_INTERVAL_MS);
      timer.unref();
    },
    close() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}
