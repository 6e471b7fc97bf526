import type { Database } from 'better-sqlite3';
import type { DigestSettingsRecord, EmailDigestRepo, MissedMessageRecord } from '../ports.ts';
import { date, dateOf } from './sqlite-util.ts';

type SettingsRow = {
  user_id: string;
  enabled: number;
  delay_minutes: number;
  hide_content: number;
  locale: string;
  last_sent_at: number | null;
  updated_at: number;
};

type MissedRow = {
  user_id: string;
  space_id: string;
  message_id: string;
  conversation_id: string;
  seq: number;
  mention: number;
  created_at: number;
};

const toSettings = (r: SettingsRow): DigestSettingsRecord => ({
  userId: r.user_id,
  enabled: r.enabled === 1,
  delayMinutes: r.delay_minutes,
  hideContent: r.hide_content === 1,
  locale: r.locale === 'es' ? 'es' : 'en',
  lastSentAt: date(r.last_sent_at),
  updatedAt: dateOf(r.updated_at),
});

const toMissed = (r: MissedRow): MissedMessageRecord => ({
  userId: r.user_id,
  spaceId: r.space_id,
  conversationId: r.conversation_id,
  messageId: r.message_id,
  seq: r.seq,
  mention: r.mention === 1,
  createdAt: dateOf(r.created_at),
});

export function createSqliteEmailDigestRepo(db: Database): EmailDigestRepo {
  const find = db.prepare<[string], SettingsRow>('SELECT * FROM email_digest_settings WHERE user_id = ?');
  const save = db.prepare(
    `INSERT INTO email_digest_settings (user_id, enabled, delay_minutes, hide_content, locale, updated_at)
     VALUES (@userId, @enabled, @delay, @hide, @locale, @now)
     ON CONFLICT (user_id) DO UPDATE SET enabled = @enabled, delay_minutes = @delay, hide_content = @hide,
       locale = @locale, updated_at = @now`,
  );
  const off = db.prepare<[number, string]>(
    'UPDATE email_digest_settings SET enabled = 0, updated_at = ? WHERE user_id = ?',
  );
  const clearAll = db.prepare<[string]>('DELETE FROM email_digest_missed WHERE user_id = ?');
  const insertMissed = db.prepare(
    `INSERT OR IGNORE INTO email_digest_missed (user_id, space_id, message_id, conversation_id, seq, mention, created_at)
     VALUES (@userId, @spaceId, @messageId, @conversationId, @seq, @mention, @createdAt)`,
  );
  const list = db.prepare<[string], MissedRow>(
    'SELECT * FROM email_digest_missed WHERE user_id = ? ORDER BY created_at, seq',
  );
  const clearRead = db.prepare<[string, string, number]>(
    'DELETE FROM email_digest_missed WHERE user_id = ? AND conversation_id = ? AND seq <= ?',
  );
  const clearUntil = db.prepare<[string, number]>(
    'DELETE FROM email_digest_missed WHERE user_id = ? AND created_at <= ?',
  );
  const due = db.prepare<{ now: number; gap: number; limit: number }, { user_id: string }>(
    `SELECT s.user_id FROM email_digest_settings s
     JOIN email_digest_missed m ON m.user_id = s.user_id
     WHERE s.enabled = 1 AND (s.last_sent_at IS NULL OR s.last_sent_at <= @now - @gap)
     GROUP BY s.user_id
     HAVING MIN(m.created_at) <= @now - MAX(s.delay_minutes) * 60000
     ORDER BY MIN(m.created_at) LIMIT @limit`,
  );
  const claim = db.prepare(
    `UPDATE email_digest_settings SET last_sent_at = @next
     WHERE user_id = @userId AND enabled = 1 AND last_sent_at IS @previous`,
  );
  const insertToken = db.prepare(
    `INSERT INTO email_digest_tokens (token_hash, user_id, expires_at, created_at) VALUES (?, ?, ?, ?)`,
  );
  const consume = db.prepare<{ hash: string; now: number }, { user_id: string }>(
    `UPDATE email_digest_tokens SET used_at = @now
     WHERE token_hash = @hash AND used_at IS NULL AND expires_at > @now RETURNING user_id`,
  );
  const purgeTokens = db.prepare<[number]>('DELETE FROM email_digest_tokens WHERE expires_at <= ?');

  const record = db.transaction((entries: MissedMessageRecord[]) => {
    for (const e of entries)
      insertMissed.run({
        userId: e.userId,
        spaceId: e.spaceId,
        messageId: e.messageId,
        conversationId: e.conversationId,
        seq: e.seq,
        mention: e.mention ? 1 : 0,
        createdAt: e.createdAt.getTime(),
      });
  });
  const disable = db.transaction((userId: string, now: number) => {
    off.run(now, userId);
    clearAll.run(userId);
  });

  return {
    async findSettings(userId) {
      const r = find.get(userId);
      return r ? toSettings(r) : null;
    },
    async saveSettings(userId, s, now) {
      save.run({
        userId,
        enabled: s.enabled ? 1 : 0,
        delay: s.delayMinutes,
        hide: s.hideContent ? 1 : 0,
        locale: s.locale,
        now: now.getTime(),
      });
      if (!s.enabled) clearAll.run(userId);
      return toSettings(find.get(userId) as SettingsRow);
    },
    async disable(userId, now) {
      disable(userId, now.getTime());
    },
    async recordMissed(entries) {
      if (entries.length) record(entries);
    },
    async listMissed(userId) {
      return list.all(userId).map(toMissed);
    },
    async clearRead(userId, conversationId, seq) {
      return clearRead.run(userId, conversationId, seq).changes;
    },
    async clearUntil(userId, until) {
      return clearUntil.run(userId, until.getTime()).changes;
    },
    async dueUsers(now, minGapMs, limit) {
      return due.all({ now: now.getTime(), gap: minGapMs, limit }).map((r) => r.user_id);
    },
    async claimSend(userId, previous, next) {
      return (
        claim.run({ userId, previous: previous ? previous.getTime() : null, next: next ? next.getTime() : null })
          .changes > 0
      );
    },
    async createUnsubscribeToken(userId, tokenHash, expiresAt, now) {
      purgeTokens.run(now.getTime());
      insertToken.run(tokenHash, userId, expiresAt.getTime(), now.getTime());
    },
    async consumeUnsubscribeToken(tokenHash, now) {
      return consume.get({ hash: tokenHash, now: now.getTime() })?.user_id ?? null;
    },
  };
}
