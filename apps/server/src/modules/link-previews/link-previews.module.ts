import { pipeline } from 'node:stream/promises';
import { Router } from 'express';
import { z } from 'zod';
import type { AppContext, AppModule } from '../../app-context.ts';
import { sendData } from '../../http/envelope.ts';
import { notFound } from '../../http/errors.ts';
import { callerId } from '../../http/request.ts';
import { parseInput } from '../../http/validate.ts';
import type { MediaStore } from '../../storage/ports.ts';
import { createContentPolicy } from '../messaging/content-policy.ts';
import type { MessageContentEvents } from '../messaging/messages.content-events.ts';
import type { Serial } from '../messaging/messages.publish.ts';
import { createLinkPreviewService, type LINK_PREVIEW_LIMITS, type LinkPreviewService } from './link-preview.service.ts';
import { createSafeFetcher, type Resolver } from './safe-fetch.ts';
import { createSsrfPolicy } from './ssrf.policy.ts';

export const SWEEP_INTERVAL_MS = 30 * 60 * 1000;
/** An image younger than this may be about to be attached: the sweeper leaves it alone. */
const SWEEP_GRACE_MS = 60 * 60 * 1000;

export type LinkPreviewOptions = {
  /** Test hook: DNS answers (the reliability suite points names at private addresses). */
  resolver?: Resolver;
  /** Test-only `address:port` pairs that may be fetched (honoured only with NODE_ENV=test). */
  allow?: string[];
  limits?: Partial<typeof LINK_PREVIEW_LIMITS>;
};

export type LinkPreviewsModule = AppModule & {
  service: LinkPreviewService;
  /** Expired cache entries and images nothing shows any more (their blobs too). */
  sweepOnce(): Promise<number>;
  start(intervalMs?: number): void;
  close(): Promise<void>;
};

const idParams = z.object({ id: z.string().min(1).max(64) });

export function createLinkPreviewsModule(
  ctx: AppContext,
  deps: { store: MediaStore; serial: Serial; contentEvents: MessageContentEvents },
  options: LinkPreviewOptions = {},
): LinkPreviewsModule {
  const { storage, clock, logger, config, fanout } = ctx;
  const testMode = config.NODE_ENV === 'test';
  const allow = [...(options.allow ?? []), ...config.LINK_PREVIEW_TEST_ALLOW];
  if (allow.length && !testMode) logger.warn('LINK_PREVIEW_TEST_ALLOW is ignored outside NODE_ENV=test');
  const fetcher = createSafeFetcher({
    ...(options.resolver ? { resolver: options.resolver } : {}),
    policy: createSsrfPolicy({ allow, testMode }),
  });
  const service = createLinkPreviewService({
    storage,
    store: deps.store,
    fetcher,
    policy: createContentPolicy(storage),
    clock,
    logger,
    fanout,
    serial: deps.serial,
    ...(options.limits ? { limits: options.limits } : {}),
  });
  const unsubscribe = config.LINK_PREVIEWS ? deps.contentEvents.on((e) => service.onWritten(e)) : () => {};

  // The sender takes the preview off their message (under /messages).
  const messageRouter = Router();
  messageRouter.delete('/:id/link-preview', ctx.requireAuth, async (req, res) => {
    const { id } = parseInput(idParams, req.params);
    sendData(res, await service.remove(callerId(req), id), 200, 'Link preview removed');
  });
  // No bearer token: <img> tags cannot send one. The image id is random (122 bits) and reaches only
  // those who may read the message; the bytes are a re-encoded copy of a public web image.
  const imageRouter = Router();
  imageRouter.get('/images/:id', async (req, res) => {
    const { id } = parseInput(idParams, req.params);
    const image = await storage.linkPreviews.findImage(id);
    const body = image ? await deps.store.get(image.storageKey) : null;
    if (!image || !body) throw notFound('Image');
    res.set({
      'Content-Type': image.mime,
      'Content-Length': String(image.size),
      'Cache-Control': 'private, max-age=86400, immutable',
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'; sandbox",
    });
    try {
      await pipeline(body, res);
    } catch (err) {
      if (!res.destroyed && !res.writableEnded) throw err;
    }
  });

  async function freeBlob(key: string): Promise<void> {
    // Blobs are content-addressed and shared with uploads: free one only when nothing names it.
    const [previews, media] = await Promise.all([
      storage.linkPreviews.countImagesByKey(key),
      storage.media.countByKey(key),
    ]);
    if (previews === 0 && media === 0) await deps.store.delete(key);
  }

  let timer: NodeJS.Timeout | undefined;
  const sweepOnce = async () => {
    const now = clock.now();
    await storage.linkPreviews.pruneCache(now);
    let removed = 0;
    for (;;) {
      const batch = await storage.linkPreviews.sweepImages(new Date(now.getTime() - SWEEP_GRACE_MS), now, 100);
      for (const image of batch) await freeBlob(image.storageKey);
      removed += batch.length;
      if (batch.length < 100) return removed;
    }
  };

  return {
    routers: [
      { prefix: '/messages', router: messageRouter },
      { prefix: '/link-previews', router: imageRouter },
    ],
    service,
    sweepOnce,
    start(intervalMs: number = SWEEP_INTERVAL_MS) {
      if (timer) return;
      timer = setInterval(() => {
        sweepOnce().catch((err: unknown) => logger.warn({ err }, 'link preview sweep failed'));
      }, intervalMs);
      timer.unref();
    },
    async close() {
      if (timer) clearInterval(timer);
      timer = undefined;
      unsubscribe();
      await service.idle();
    },
  };
}
