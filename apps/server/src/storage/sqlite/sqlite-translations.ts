import type { Database } from 'better-sqlite3';
import type { CachedTranslation, QuotaReservation, TranslationsRepo } from '../ports.ts';

type TranslationRow = {
  message_id: string;
  version: number;
  target: string;
  source: string | null;
  text: string;
  created_at: number;
};

const GLOBAL = '*';

export function createSqliteTranslationsRepo(db: Database): TranslationsRepo {
  const findStmt = db.prepare(
    `SELECT t.* FROM json_each(@keys) k
     JOIN message_translations t
       ON t.message_id = json_extract(k.value, '$[0]') AND t.target = @target AND t.version = json_extract(k.value, '$[1]')`,
  );
  // Only for a live message still at that version: an edit or delete that raced the provider call wins.
  const saveStmt = db.prepare(
    `INSERT INTO message_translations (message_id, version, target, source, text, created_at)
     SELECT @messageId, @version, @target, @source, @text, @createdAt FROM messages
     WHERE id = @messageId AND deleted_at IS NULL AND COALESCE(edited_at, 0) = @version
     ON CONFLICT (message_id, target, version) DO UPDATE SET source = excluded.source, text = excluded.text,
       created_at = excluded.created_at`,
  );
  const setAutoStmt = db.prepare(
    'INSERT OR IGNORE INTO translation_auto (user_id, conversation_id, created_at) VALUES (?, ?, ?)',
  );
  const clearAutoStmt = db.prepare('DELETE FROM translation_auto WHERE user_id = ? AND conversation_id = ?');
  const isAutoStmt = db.prepare('SELECT 1 FROM translation_auto WHERE user_id = ? AND conversation_id = ?').pluck();
  const usageStmt = db.prepare('SELECT chars FROM translation_usage WHERE day = ? AND subject = ?').pluck();
  const addStmt = db.prepare(
    `INSERT INTO translation_usage (day, subject, chars) VALUES (?, ?, ?)
     ON CONFLICT (day, subject) DO UPDATE SET chars = MAX(0, chars + excluded.chars)`,
  );
  const used = (day: string, subject: string): number => (usageStmt.get(day, subject) as number | undefined) ?? 0;

  const saveTx = db.transaction((items: CachedTranslation[]) => {
    for (const i of items)
      saveStmt.run({
        messageId: i.messageId,
        version: i.version,
        target: i.target,
        source: i.source,
        text: i.text,
        createdAt: i.createdAt.getTime(),
      });
  });
  const reserveTx = db.transaction(
    (input: {
      userId: string;
      day: string;
      chars: number;
      userLimit: number;
      globalLimit: number;
    }): QuotaReservation => {
      if (used(input.day, input.userId) + input.chars > input.userLimit) return { ok: false, exceeded: 'user' };
      if (used(input.day, GLOBAL) + input.chars > input.globalLimit) return { ok: false, exceeded: 'global' };
      addStmt.run(input.day, input.userId, input.chars);
      addStmt.run(input.day, GLOBAL, input.chars);
      return { ok: true };
    },
  );
  const releaseTx = db.transaction((input: { userId: string; day: string; chars: number }) => {
    addStmt.run(input.day, input.userId, -input.chars);
    addStmt.run(input.day, GLOBAL, -input.chars);
  });

  return {
    async find(keys, target) {
      if (keys.length === 0) return [];
      const rows = findStmt.all({
        keys: JSON.stringify(keys.map((k) => [k.messageId, k.version])),
        target,
      }) as TranslationRow[];
      return rows.map((r) => ({
        messageId: r.message_id,
        version: r.version,
        target: r.target,
        source: r.source,
        text: r.text,
        createdAt: new Date(r.created_at),
      }));
    },
    async save(items) {
      if (items.length) saveTx.immediate(items);
    },
    async setAuto(userId, conversationId, on, now) {
      if (on) setAutoStmt.run(userId, conversationId, now.getTime());
      else clearAutoStmt.run(userId, conversationId);
    },
    async isAuto(userId, conversationId) {
      return isAutoStmt.get(userId, conversationId) !== undefined;
    },
    reserve: async (input) => reserveTx.immediate(input),
    release: async (input) => releaseTx.immediate(input),
    async usage(userId, day) {
      return { user: used(day, userId), global: used(day, GLOBAL) };
    },
  };
}
