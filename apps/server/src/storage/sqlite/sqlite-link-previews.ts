import { createHash, randomUUID } from 'node:crypto';
import type {
  LinkPreviewCacheEntry,
  LinkPreviewContent,
  LinkPreviewImageRecord,
  LinkPreviewRecord,
  LinkPreviewsRepo,
} from '../ports.ts';
import type { MessageRow, MessagingCore } from './sqlite-messaging-core.ts';
import { dateOf } from './sqlite-util.ts';

type CacheRow = { url: string; preview: string | null; fetched_at: number; expires_at: number };
type ImageRow = {
  id: string;
  storage_key: string;
  mime: string;
  width: number;
  height: number;
  size: number;
  created_at: number;
};

const urlKey = (url: string) => createHash('sha256').update(url).digest('hex');
const toImage = (r: ImageRow): LinkPreviewImageRecord => ({
  id: r.id,
  storageKey: r.storage_key,
  mime: r.mime,
  width: r.width,
  height: r.height,
  size: r.size,
  createdAt: dateOf(r.created_at),
});

export function createSqliteLinkPreviewsRepo(core: MessagingCore): LinkPreviewsRepo {
  const { db } = core;
  const setStmt = db.prepare('UPDATE messages SET link_preview = ? WHERE id = ? AND deleted_at IS NULL');
  const msgRow = db.prepare('SELECT * FROM messages WHERE id = ?');
  const getCache = db.prepare('SELECT * FROM link_preview_cache WHERE url_key = ? AND expires_at > ?');
  const putCache = db.prepare(
    `INSERT INTO link_preview_cache (url_key, url, preview, image_id, fetched_at, expires_at)
     VALUES (@key, @url, @preview, @imageId, @fetchedAt, @expiresAt)
     ON CONFLICT (url_key) DO UPDATE SET url = @url, preview = @preview, image_id = @imageId,
       fetched_at = @fetchedAt, expires_at = @expiresAt`,
  );
  const prune = db.prepare('DELETE FROM link_preview_cache WHERE expires_at <= ?');
  const insertImage = db.prepare(
    `INSERT INTO link_preview_images (id, storage_key, mime, width, height, size, created_at)
     VALUES (@id, @storageKey, @mime, @width, @height, @size, @createdAt)`,
  );
  const imageById = db.prepare('SELECT * FROM link_preview_images WHERE id = ?');
  const unreferenced = db.prepare(
    `SELECT i.* FROM link_preview_images i
     WHERE i.created_at < @cutoff
       AND NOT EXISTS (SELECT 1 FROM link_preview_cache c WHERE c.image_id = i.id AND c.expires_at > @now)
       AND NOT EXISTS (SELECT 1 FROM messages m
                       WHERE m.link_preview IS NOT NULL AND json_extract(m.link_preview, '$.image.id') = i.id)
     ORDER BY i.created_at LIMIT @limit`,
  );
  const deleteImage = db.prepare('DELETE FROM link_preview_images WHERE id = ?');
  const countByKey = db.prepare('SELECT COUNT(*) FROM link_preview_images WHERE storage_key = ?').pluck();

  const setTx = db.transaction((messageId: string, preview: LinkPreviewRecord | null, actorId: string, now: Date) => {
    if (setStmt.run(preview ? JSON.stringify(preview) : null, messageId).changes === 0) return null;
    const m = msgRow.get(messageId) as MessageRow;
    core.appendChange({
      conversationId: m.conversation_id,
      type: 'message.updated',
      entityId: messageId,
      messageSeq: m.seq,
      actorId,
      data: { linkPreview: true },
      now,
    });
    const message = core.message(messageId);
    return message ? { message, ...core.committed(m.conversation_id) } : null;
  });

  const sweepTx = db.transaction((cutoff: Date, now: Date, limit: number) => {
    const rows = unreferenced.all({
      cutoff: cutoff.getTime(),
      now: now.getTime(),
      limit: Math.max(1, Math.min(limit, 1000)),
    }) as ImageRow[];
    for (const r of rows) deleteImage.run(r.id);
    return rows.map(toImage);
  });

  return {
    setForMessage: async (messageId, preview, actorId, now) => setTx.immediate(messageId, preview, actorId, now),
    getCached: async (url, now) => {
      const r = getCache.get(urlKey(url), now.getTime()) as CacheRow | undefined;
      if (!r) return null;
      return {
        url: r.url,
        preview: r.preview ? (JSON.parse(r.preview) as LinkPreviewContent) : null,
        fetchedAt: dateOf(r.fetched_at),
        expiresAt: dateOf(r.expires_at),
      };
    },
    putCached: async (entry: LinkPreviewCacheEntry) => {
      putCache.run({
        key: urlKey(entry.url),
        url: entry.url,
        preview: entry.preview ? JSON.stringify(entry.preview) : null,
        imageId: entry.preview?.image?.id ?? null,
        fetchedAt: entry.fetchedAt.getTime(),
        expiresAt: entry.expiresAt.getTime(),
      });
    },
    pruneCache: async (now) => prune.run(now.getTime()).changes,
    createImage: async (image) => {
      const id = randomUUID();
      insertImage.run({ ...image, id, createdAt: image.createdAt.getTime() });
      return { ...image, id };
    },
    findImage: async (id) => {
      const r = imageById.get(id) as ImageRow | undefined;
      return r ? toImage(r) : null;
    },
    sweepImages: async (cutoff, now, limit) => sweepTx.immediate(cutoff, now, limit),
    countImagesByKey: async (key) => countByKey.get(key) as number,
  };
}
