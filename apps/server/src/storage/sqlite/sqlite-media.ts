import { randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { MediaKind, MediaRecord, MediaRepo, NewMedia } from '../ports.ts';
import { type CountRow, date, dateOf, required } from './sqlite-util.ts';

type MediaRow = {
  id: string;
  uploader_id: string;
  kind: MediaKind;
  mime: string;
  size: number;
  width: number | null;
  height: number | null;
  duration: number | null;
  file_name: string;
  sha256: string;
  storage_key: string;
  thumbnail_key: string | null;
  created_at: number;
  attached_at: number | null;
  message_id: string | null;
  conversation_id: string | null;
  avatar_type: 'user' | 'conversation' | null;
  avatar_id: string | null;
};

const toMedia = (r: MediaRow): MediaRecord => ({
  id: r.id,
  uploaderId: r.uploader_id,
  kind: r.kind,
  mime: r.mime,
  size: r.size,
  width: r.width,
  height: r.height,
  duration: r.duration,
  fileName: r.file_name,
  sha256: r.sha256,
  storageKey: r.storage_key,
  thumbnailKey: r.thumbnail_key,
  createdAt: dateOf(r.created_at),
  attachedAt: date(r.attached_at),
  messageId: r.message_id,
  conversationId: r.conversation_id,
  avatarOf: r.avatar_type && r.avatar_id ? { type: r.avatar_type, id: r.avatar_id } : null,
});

export function createSqliteMediaRepo(db: Database): MediaRepo {
  const insert = db.prepare<Omit<NewMedia, 'createdAt'> & { id: string; createdAt: number }>(
    `INSERT INTO media (id, uploader_id, kind, mime, size, width, height, duration, file_name, sha256,
       storage_key, thumbnail_key, created_at)
     VALUES (@id, @uploaderId, @kind, @mime, @size, @width, @height, @duration, @fileName, @sha256,
       @storageKey, @thumbnailKey, @createdAt)`,
  );
  const byId = db.prepare<[string], MediaRow>('SELECT * FROM media WHERE id = ?');
  const attachOne = db.prepare<[number, string, string, string, string]>(
    `UPDATE media SET attached_at = ?, message_id = ?, conversation_id = ?
     WHERE id = ? AND uploader_id = ? AND attached_at IS NULL`,
  );
  const avatarOne = db.prepare<[number, 'user' | 'conversation', string, string, string]>(
    `UPDATE media SET attached_at = ?, avatar_type = ?, avatar_id = ?
     WHERE id = ? AND uploader_id = ? AND attached_at IS NULL`,
  );
  const byMessage = db.prepare<[string], MediaRow>('SELECT * FROM media WHERE message_id = ? ORDER BY created_at, id');
  const avatarOf = db.prepare<['user' | 'conversation', string], MediaRow>(
    'SELECT * FROM media WHERE avatar_type = ? AND avatar_id = ? ORDER BY attached_at DESC, id LIMIT 1',
  );
  const unattached = db.prepare<[number, number], MediaRow>(
    'SELECT * FROM media WHERE attached_at IS NULL AND created_at < ? ORDER BY created_at LIMIT ?',
  );
  const remove = db.prepare<[string], MediaRow>('DELETE FROM media WHERE id = ? RETURNING *');
  const pending = db
    .prepare<[string], number>('SELECT COALESCE(SUM(size), 0) FROM media WHERE uploader_id = ? AND attached_at IS NULL')
    .pluck();
  const countKey = db.prepare<{ key: string }, CountRow>(
    `SELECT (SELECT COUNT(*) FROM media WHERE storage_key = @key)
          + (SELECT COUNT(*) FROM media WHERE thumbnail_key = @key) AS n`,
  );

  const attachAll = db.transaction(
    (ids: string[], uploaderId: string, messageId: string, conversationId: string, at: number): boolean => {
      let changed = 0;
      for (const id of ids) changed += attachOne.run(at, messageId, conversationId, id, uploaderId).changes;
      if (changed !== ids.length) throw new RollbackSignal();
      return true;
    },
  );

  return {
    async create(m) {
      const id = randomUUID();
      insert.run({ ...m, id, createdAt: m.createdAt.getTime() });
      return toMedia(required(byId.get(id), 'media just created'));
    },
    async findById(id) {
      const row = byId.get(id);
      return row ? toMedia(row) : null;
    },
    async findByIds(ids) {
      if (!ids.length) return [];
      const unique = [...new Set(ids)];
      const rows = db
        .prepare<string[], MediaRow>(`SELECT * FROM media WHERE id IN (${unique.map(() => '?').join(',')})`)
        .all(...unique);
      return rows.map(toMedia);
    },
    async attachToMessage(ids, uploaderId, target, now) {
      const unique = [...new Set(ids)];
      if (!unique.length) return true;
      try {
        return attachAll(unique, uploaderId, target.messageId, target.conversationId, now.getTime());
      } catch (err) {
        if (err instanceof RollbackSignal) return false;
        throw err;
      }
    },
    async attachAsAvatar(id, uploaderId, target, now) {
      return avatarOne.run(now.getTime(), target.type, target.id, id, uploaderId).changes === 1;
    },
    async listByMessage(messageId) {
      return byMessage.all(messageId).map(toMedia);
    },
    async findAvatarOf(target) {
      const row = avatarOf.get(target.type, target.id);
      return row ? toMedia(row) : null;
    },
    async pendingBytes(uploaderId) {
      return Number(pending.get(uploaderId) ?? 0);
    },
    async listUnattachedBefore(cutoff, limit) {
      return unattached.all(cutoff.getTime(), limit).map(toMedia);
    },
    async delete(id) {
      const row = remove.get(id);
      return row ? toMedia(row) : null;
    },
    async countByKey(key) {
      return countKey.get({ key })?.n ?? 0;
    },
  };
}

/** Thrown inside a transaction to roll it back without it being an error. */
class RollbackSignal extends Error {}
