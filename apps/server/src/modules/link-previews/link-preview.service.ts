import type { Message } from '@charla/shared-types';
import type { Logger } from 'pino';
import type { Clock } from '../../app-context.ts';
import { forbidden, notFound } from '../../http/errors.ts';
import type { LinkPreviewContent, MediaStore, MessageRecord, Storage } from '../../storage/ports.ts';
import type { ContentPolicy } from '../messaging/content-policy.ts';
import { requireMember, visibilityFloor } from '../messaging/conversations.access.ts';
import type { MessageWritten } from '../messaging/messages.content-events.ts';
import { toMessageDto } from '../messaging/messages.mapper.ts';
import type { Serial } from '../messaging/messages.publish.ts';
import { linksIn } from '../messaging/messages.shared.ts';
import type { Fanout } from '../realtime/realtime.fanout.ts';
import { createRateLimiter } from '../realtime/realtime.rate-limit.ts';
import { extractMetadata, mergeOembed, withFallbacks } from './link-preview.extract.ts';
import { storePreviewImage } from './link-preview.image.ts';
import { FETCH_LIMITS, type SafeFetcher } from './safe-fetch.ts';
import { SafeFetchError, type SsrfReason } from './ssrf.policy.ts';

export const LINK_PREVIEW_LIMITS = {
  /** A found preview is reused this long for every message with the same link. */
  ttlMs: 24 * 60 * 60 * 1000,
  /** "Nothing to preview" or a failed fetch is not retried before this. */
  failureTtlMs: 60 * 60 * 1000,
  /** Fetches one account may cause per minute (cache hits are free). */
  perUserPerMinute: 20,
  /** Fetches running at once in this process; more are skipped (the message stays as it is). */
  concurrency: 8,
};

export type LinkPreviewServiceDeps = {
  storage: Storage;
  store: MediaStore;
  fetcher: SafeFetcher;
  policy: ContentPolicy;
  clock: Clock;
  logger: Logger;
  fanout: Fanout;
  serial: Serial;
  limits?: Partial<typeof LINK_PREVIEW_LIMITS>;
};

export type LinkPreviewStats = {
  fetched: number;
  cacheHits: number;
  refused: Partial<Record<SsrfReason, number>>;
  rateLimited: number;
  attached: number;
};

export function createLinkPreviewService(deps: LinkPreviewServiceDeps) {
  const { storage, fetcher, policy, clock, logger, fanout, serial } = deps;
  const limits = { ...LINK_PREVIEW_LIMITS, ...deps.limits };
  const perUser = createRateLimiter(limits.perUserPerMinute, limits.perUserPerMinute / 60, () => clock.now().getTime());
  const inFlight = new Map<string, Promise<LinkPreviewContent | null>>();
  const jobs = new Set<Promise<void>>();
  let running = 0;
  const stats: LinkPreviewStats = { fetched: 0, cacheHits: 0, refused: {}, rateLimited: 0, attached: 0 };

  /** Page, then oEmbed, then image, under one deadline; any refusal or failure means no preview. */
  async function build(url: string): Promise<LinkPreviewContent | null> {
    const signal = AbortSignal.timeout(FETCH_LIMITS.timeoutMs);
    const page = await fetcher.fetch(url, 'html', { signal });
    let meta = await extractMetadata(page);
    if (meta.oembedUrl) {
      const endpoint = new URL(meta.oembedUrl);
      const json = await fetcher.fetch(endpoint, 'json', { signal }).catch(() => null);
      if (json) meta = mergeOembed(meta, json.body, json.url);
    }
    meta = withFallbacks(meta);
    let image: LinkPreviewContent['image'] = null;
    if (meta.imageUrl) {
      try {
        const fetched = await fetcher.fetch(meta.imageUrl, 'image', { signal });
        const stored = await storePreviewImage(fetched.body, { store: deps.store, storage, now: clock.now() });
        image = { id: stored.id, width: stored.width, height: stored.height };
      } catch (err) {
        // A preview without its picture is still a preview.
        count(err);
      }
    }
    if (!meta.title && !meta.description && !image) return null;
    return { url, title: meta.title, description: meta.description, siteName: meta.siteName, image };
  }

  function count(err: unknown): void {
    if (err instanceof SafeFetchError) stats.refused[err.reason] = (stats.refused[err.reason] ?? 0) + 1;
  }

  /** The cached preview, or a fresh one when this user may cause a fetch now; null for none. */
  async function previewFor(url: string, userId: string): Promise<LinkPreviewContent | null> {
    const cached = await storage.linkPreviews.getCached(url, clock.now());
    if (cached) {
      stats.cacheHits++;
      return cached.preview;
    }
    const pending = inFlight.get(url);
    if (pending) return pending;
    if (running >= limits.concurrency) return null;
    if (!perUser.take(userId)) {
      stats.rateLimited++;
      return null;
    }
    const job = (async () => {
      running++;
      let preview: LinkPreviewContent | null = null;
      try {
        preview = await build(url);
        stats.fetched++;
      } catch (err) {
        count(err);
        if (!(err instanceof SafeFetchError)) logger.warn({ err, url }, 'link preview failed');
      } finally {
        running--;
      }
      const now = clock.now();
      await storage.linkPreviews.putCached({
        url,
        preview,
        fetchedAt: now,
        expiresAt: new Date(now.getTime() + (preview ? limits.ttlMs : limits.failureTtlMs)),
      });
      return preview;
    })().finally(() => inFlight.delete(url));
    inFlight.set(url, job);
    return job;
  }

  /** Applies a change to the message's preview and tells every member, in the conversation's order. */
  async function publish(
    message: MessageRecord,
    decide: (current: MessageRecord) => MessageRecord['linkPreview'] | undefined,
  ): Promise<MessageRecord | null> {
    return serial(message.conversationId, async () => {
      const current = await storage.messages.findById(message.id);
      if (!current || current.deletedAt) return null;
      const next = decide(current);
      if (next === undefined) return null;
      const updated = await storage.linkPreviews.setForMessage(message.id, next, message.senderId, clock.now());
      if (!updated) return null;
      fanout.toUsers(updated.memberIds, 'message:updated', {
        message: toMessageDto(updated.message),
        changeSeq: updated.changeSeq,
      });
      return updated.message;
    });
  }

  async function handle({ message, how }: MessageWritten): Promise<void> {
    if (message.kind === 'system' || message.deletedAt) return;
    // The one content check: an encrypted conversation's text is never read here.
    if (!(await policy.mayRead(message.conversationId))) return;
    const url = linksIn(message.text)[0] ?? null;
    const current = message.linkPreview ?? null;
    if (how === 'edited' && current?.url === url) return;
    if (current && current.url !== url)
      await publish(message, (m) => (m.linkPreview && m.linkPreview.url !== url ? null : undefined));
    if (!url) return;
    const preview = await previewFor(url, message.senderId);
    if (!preview) return;
    // Attach only if the message still links there and nobody set or removed a preview meanwhile.
    const done = await publish(message, (m) =>
      linksIn(m.text)[0] === url && !m.linkPreview ? { ...preview, removed: false } : undefined,
    );
    if (done) stats.attached++;
  }

  return {
    stats,
    /** Schedules the preview work for a written message; never throws, never blocks the writer. */
    onWritten(event: MessageWritten): void {
      const job = handle(event).catch((err: unknown) => logger.warn({ err }, 'link preview job failed'));
      jobs.add(job);
      void job.finally(() => jobs.delete(job));
    },
    /** Resolves when every scheduled job has finished (tests, shutdown). */
    async idle(): Promise<void> {
      while (jobs.size) await Promise.all([...jobs]);
    },
    /** The sender takes the preview off their message (kept as removed, so an edit does not bring it back). */
    async remove(userId: string, messageId: string): Promise<Message> {
      const message = await storage.messages.findById(messageId);
      if (!message) throw notFound('Message');
      const m = await requireMember(storage, message.conversationId, userId).catch(() => {
        throw notFound('Message');
      });
      if (message.seq <= visibilityFloor(m.conversation, m.me) || message.deletedAt) throw notFound('Message');
      if (message.senderId !== userId) throw forbidden('Only the sender can remove a link preview');
      if (!message.linkPreview || message.linkPreview.removed) throw notFound('Link preview');
      const updated = await publish(message, (cur) =>
        cur.linkPreview && !cur.linkPreview.removed ? { ...cur.linkPreview, removed: true } : undefined,
      );
      return toMessageDto(updated ?? (await storage.messages.findById(messageId)) ?? message);
    },
  };
}

export type LinkPreviewService = ReturnType<typeof createLinkPreviewService>;
