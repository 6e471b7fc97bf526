import fs from 'node:fs';
import path from 'node:path';
import { API_PREFIX, AVATAR_SIZE, MEDIA_TOKEN_PARAM, type Media, SPACE_QUERY } from '@charla/shared-types';
import type { Logger } from 'pino';
import type { Clock } from '../../app-context.ts';
import { AppError, forbidden, notFound, validationFailed } from '../../http/errors.ts';
import type { AvatarTarget, MediaRecord, MediaStore, Storage } from '../../storage/ports.ts';
import { currentSpaceId, isHomeSpace } from '../../storage/spaces/space-scope.ts';
import { oggDuration } from './media.duration.ts';
import { processAvatar, processImage } from './media.image.ts';
import { type Sniffed, sniffFile } from './media.sniff.ts';
import type { MediaGrant, MediaTokens, MediaVariant } from './media.tokens.ts';
import type { ReceivedFile } from './media.upload.ts';
import { inspectWebm } from './media.webm.ts';

export type MediaServiceDeps = {
  storage: Storage;
  store: MediaStore;
  clock: Clock;
  logger: Logger;
  tokens: MediaTokens;
  publicUrl: string;
  /** Scratch space for uploads and re-encoding (same file system as a local store). */
  tmpDir: string;
};

/** Unattached uploads older than this are removed by the sweeper. */
export const UNATTACHED_TTL_MS = 24 * 60 * 60 * 1000;

const tempPath = (dir: string, suffix: string) =>
  path.join(dir, `work-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}${suffix}`);

/**
 * Kind, type and length from the content. A WebM with only audio (a browser's voice note,
 * audio/webm;codecs=opus) is audio, not video; lengths come from the container (Ogg granule, WebM blocks).
 */
async function sniffWithDuration(file: string): Promise<{ sniffed: Sniffed; duration: number | null }> {
  const sniffed = await sniffFile(file);
  if (sniffed.mime === 'audio/ogg') return { sniffed, duration: await oggDuration(file).catch(() => null) };
  if (sniffed.mime !== 'video/webm') return { sniffed, duration: null };
  const webm = await inspectWebm(file).catch(() => null);
  const audioOnly = Boolean(webm?.hasAudio && !webm.hasVideo);
  return {
    sniffed: audioOnly ? { kind: 'audio', mime: 'audio/webm' } : sniffed,
    duration: webm?.duration ?? null,
  };
}

export function createMediaService(deps: MediaServiceDeps) {
  const { storage, store, clock, logger, tokens } = deps;
  fs.mkdirSync(deps.tmpDir, { recursive: true });

  /**
   * Avatars: a grant-less URL that never expires. Anything else: bound to `grant` (whom the URL is for,
   * through which message), re-checked when served; there is deliberately no default grant.
   */
  const urlOf = (m: MediaRecord, variant: MediaVariant, now: Date, grant?: MediaGrant) => {
    const base = `${deps.publicUrl}${API_PREFIX}/media/${encodeURIComponent(m.id)}${variant === 'thumbnail' ? '/thumbnail' : ''}`;
    if (!m.avatarOf && !grant) throw new Error('a message media URL needs a grant (whom it is for)');
    const token = m.avatarOf
      ? tokens.sign(m.id, variant, null)
      : tokens.sign(m.id, variant, tokens.expiryFor(now), grant);
    // A space's media is found in the space's database: the URL says which (the browser loads it itself).
    const spaceId = currentSpaceId();
    const space = isHomeSpace(spaceId) ? '' : `&${SPACE_QUERY}=${encodeURIComponent(spaceId)}`;
    return `${base}?${MEDIA_TOKEN_PARAM}=${token}${space}`;
  };

  /** `grant`: who will use the URLs (and through which message); avatars ignore it. */
  function toDto(m: MediaRecord, grant: MediaGrant): Media {
    const now = clock.now();
    return {
      id: m.id,
      kind: m.kind,
      mime: m.mime,
      size: m.size,
      width: m.width,
      height: m.height,
      duration: m.duration,
      fileName: m.fileName,
      url: urlOf(m, 'original', now, grant),
      thumbnailUrl: m.thumbnailKey ? urlOf(m, 'thumbnail', now, grant) : null,
      createdAt: m.createdAt.toISOString(),
    };
  }

  const putFile = async (file: string, mime: string) => store.put(fs.createReadStream(file), { mime });

  /** Drops a blob once no row references it any more (blobs are shared by content). */
  async function releaseKey(key: string | null): Promise<void> {
    if (!key) return;
    try {
      if ((await storage.media.countByKey(key)) === 0) await store.delete(key);
    } catch (err) {
      // An orphaned blob costs space, not correctness; the row is already gone.
      logger.warn({ err, key }, 'could not delete a media blob');
    }
  }

  async function remove(id: string): Promise<void> {
    const row = await storage.media.delete(id);
    if (!row) return;
    await releaseKey(row.storageKey);
    await releaseKey(row.thumbnailKey);
  }

  /** May `userId` read this media? Message media: only if they may see the message (or `viaMessageId`). */
  async function canView(userId: string, m: MediaRecord, viaMessageId?: string): Promise<boolean> {
    if (m.avatarOf || m.uploaderId === userId) return true;
    if (!m.messageId) return false;
    const message = await storage.messages.findById(viaMessageId ?? m.messageId);
    // A forwarded copy references the same media ids from another message.
    if (!message || message.deletedAt || !message.attachments.includes(m.id)) return false;
    const [conversation, me] = await Promise.all([
      storage.conversations.findById(message.conversationId),
      storage.participants.find(message.conversationId, userId),
    ]);
    if (!conversation || conversation.deletedAt) return false;
    const member = me && !me.leftAt ? me : null;
    if (!member) return conversation.kind === 'channel';
    const floor = conversation.historyForNewcomers ? 0 : member.joinedSeq;
    return message.seq > floor;
  }

  async function ingestAvatar(userId: string, file: ReceivedFile, target: AvatarTarget): Promise<MediaRecord> {
    const sniffed = await sniffFile(file.path);
    if (sniffed.kind !== 'image')
      throw new AppError(415, 'unsupported_media_type', 'An avatar must be a JPEG, PNG, WebP or GIF image');
    const out = tempPath(deps.tmpDir, '.webp');
    try {
      try {
        await processAvatar(file.path, AVATAR_SIZE, out);
      } catch {
        throw validationFailed({ file: ['The image could not be decoded'] });
      }
      const blob = await putFile(out, 'image/webp');
      const now = clock.now();
      const media = await storage.media.create({
        uploaderId: userId,
        kind: 'image',
        mime: 'image/webp',
        size: blob.size,
        width: AVATAR_SIZE,
        height: AVATAR_SIZE,
        duration: null,
        fileName: 'avatar.webp',
        sha256: blob.sha256,
        storageKey: blob.key,
        thumbnailKey: null,
        createdAt: now,
      });
      await storage.media.attachAsAvatar(media.id, userId, target, now);
      return { ...media, attachedAt: now, avatarOf: target };
    } finally {
      await fs.promises.rm(out, { force: true });
    }
  }

  /** Group/channel owners and admins only; 404 for non-members. */
  async function checkConversationAvatar(userId: string, conversationId: string): Promise<void> {
    const [conversation, me] = await Promise.all([
      storage.conversations.findById(conversationId),
      storage.participants.find(conversationId, userId),
    ]);
    if (!conversation || conversation.deletedAt || !me || me.leftAt) throw notFound('Conversation');
    if (conversation.kind === 'direct') throw forbidden('Direct chats have no avatar of their own');
    if (me.role === 'member') throw forbidden('Only a group owner or admin can change its avatar');
  }

  return {
    toDto,
    canView,
    remove,

    /** Turns a received temp file into stored media; the temp file is the caller's to remove. */
    async ingest(userId: string, file: ReceivedFile): Promise<Media> {
      const { sniffed, duration } = await sniffWithDuration(file.path);
      let source = file.path;
      let width: number | null = null;
      let height: number | null = null;
      let thumbKey: string | null = null;
      const cleanPath = tempPath(deps.tmpDir, '.img');
      const thumbPath = tempPath(deps.tmpDir, '.webp');
      try {
        if (sniffed.kind === 'image') {
          try {
            ({ width, height } = await processImage(file.path, sniffed.mime, cleanPath, thumbPath));
          } catch {
            throw validationFailed({ file: ['The image could not be decoded'] });
          }
          source = cleanPath;
          thumbKey = (await putFile(thumbPath, 'image/webp')).key;
        }
        const blob = await putFile(source, sniffed.mime);
        const media = await storage.media.create({
          uploaderId: userId,
          kind: sniffed.kind,
          mime: sniffed.mime,
          size: blob.size,
          width,
          height,
          duration,
          fileName: file.fileName,
          sha256: blob.sha256,
          storageKey: blob.key,
          thumbnailKey: thumbKey,
          createdAt: clock.now(),
        });
        return toDto(media, { viewerId: userId, via: null });
      } finally {
        await Promise.all([fs.promises.rm(cleanPath, { force: true }), fs.promises.rm(thumbPath, { force: true })]);
      }
    },

    /** The DTO (fresh signed URLs) when the caller may see it; 404 otherwise (no existence leak). */
    async describe(userId: string, id: string, viaMessageId?: string): Promise<Media> {
      const m = await storage.media.findById(id);
      if (!m || !(await canView(userId, m, viaMessageId))) throw notFound('Media');
      return toDto(m, { viewerId: userId, via: viaMessageId ?? null });
    },

    /**
     * Before a message is stored: every id must be the sender's own upload, not attached yet — or
     * already attached to the sender's message with this clientMsgId (an idempotent retry).
     */
    async validateAttachments(userId: string, ids: string[], clientMsgId: string | null): Promise<void> {
      if (!ids.length) return;
      const unique = [...new Set(ids)];
      if (unique.length !== ids.length) throw validationFailed({ attachments: ['The same file is attached twice'] });
      const found = new Map((await storage.media.findByIds(unique)).map((m) => [m.id, m]));
      for (const id of unique) {
        const m = found.get(id);
        if (!m || m.uploaderId !== userId || m.avatarOf)
          throw validationFailed({ attachments: [`Unknown media ${id}: upload it first`] });
        if (m.attachedAt) {
          const original = m.messageId ? await storage.messages.findById(m.messageId) : null;
          if (!original || original.senderId !== userId || !clientMsgId || original.clientMsgId !== clientMsgId)
            throw validationFailed({ attachments: [`Media ${id} is already attached to another message`] });
        }
      }
    },

    /** After the message was stored (created: true). */
    async attach(userId: string, ids: string[], message: { id: string; conversationId: string }): Promise<void> {
      if (!ids.length) return;
      const ok = await storage.media.attachToMessage(
        ids,
        userId,
        { messageId: message.id, conversationId: message.conversationId },
        clock.now(),
      );
      if (!ok) logger.warn({ messageId: message.id }, 'attachments changed between validation and send');
    },

    /** A message was deleted for everyone: its files go too (rows, then unreferenced blobs). */
    async releaseMessage(messageId: string): Promise<void> {
      for (const m of await storage.media.listByMessage(messageId)) await remove(m.id);
    },

    async setUserAvatar(userId: string, file: ReceivedFile): Promise<{ avatarUrl: string }> {
      const previous = await storage.media.findAvatarOf({ type: 'user', id: userId });
      const media = await ingestAvatar(userId, file, { type: 'user', id: userId });
      const avatarUrl = urlOf(media, 'original', clock.now());
      await storage.users.update(userId, { avatarUrl });
      if (previous) await remove(previous.id);
      return { avatarUrl };
    },

    async removeUserAvatar(userId: string): Promise<void> {
      const previous = await storage.media.findAvatarOf({ type: 'user', id: userId });
      await storage.users.update(userId, { avatarUrl: null });
      if (previous) await remove(previous.id);
    },

    checkConversationAvatar,

    /** Stores a group avatar; `apply` makes it the conversation's (messaging: checks, system message, event). */
    async setConversationAvatar(
      userId: string,
      conversationId: string,
      file: ReceivedFile,
      apply: (avatarUrl: string) => Promise<void>,
    ): Promise<{ avatarUrl: string }> {
      await checkConversationAvatar(userId, conversationId);
      const target: AvatarTarget = { type: 'conversation', id: conversationId };
      const previous = await storage.media.findAvatarOf(target);
      const media = await ingestAvatar(userId, file, target);
      const avatarUrl = urlOf(media, 'original', clock.now());
      try {
        await apply(avatarUrl);
      } catch (err) {
        await remove(media.id);
        throw err;
      }
      if (previous) await remove(previous.id);
      return { avatarUrl };
    },

    /** Removes uploads never attached within 24 h. Returns how many. */
    async sweep(limit = 500): Promise<number> {
      const cutoff = new Date(clock.now().getTime() - UNATTACHED_TTL_MS);
      const stale = await storage.media.listUnattachedBefore(cutoff, limit);
      for (const m of stale) await remove(m.id);
      return stale.length;
    },
  };
}

export type MediaService = ReturnType<typeof createMediaService>;
