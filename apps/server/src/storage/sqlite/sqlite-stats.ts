import type { Database } from 'better-sqlite3';
import { DAY_MS, dayKey, dayRange, type StatsDayRecord, type StatsRepo } from '../ports.ts';
import type { CountRow } from './sqlite-util.ts';

type Since = { since: number };
type DayCount = { d: number; n: number };

/**
 * Admin statistics as range scans over indexes added in 0006 (users_created, users_last_seen,
 * sessions_last_used, messages_created_sender, conversations_kind) and media_created (0005);
 * each aggregate reads only the window's index entries, never the rows.
 */
export const STATS_SQL = {
  users: 'SELECT COUNT(*) AS n FROM users INDEXED BY users_live WHERE deleted_at IS NULL',
  // UNION ALL + COUNT(DISTINCT): each branch stays an index range scan (a plain UNION makes
  // SQLite merge-sort whole tables).
  active: `SELECT COUNT(DISTINCT u) AS n FROM (
       SELECT id AS u FROM users WHERE last_seen_at >= @since
       UNION ALL SELECT user_id FROM sessions WHERE last_used_at >= @since
       UNION ALL SELECT sender_id FROM messages WHERE created_at >= @since AND kind <> 'system')`,
  conversations: 'SELECT kind, COUNT(*) AS n FROM conversations WHERE deleted_at IS NULL GROUP BY kind',
  messages:
    "SELECT COUNT(*) AS n FROM messages INDEXED BY messages_created_sender WHERE created_at >= 0 AND kind <> 'system'",
  media:
    'SELECT COUNT(*) AS n, COALESCE(SUM(size), 0) AS bytes FROM media INDEXED BY media_created WHERE created_at >= 0',
  signups: `SELECT created_at / ${DAY_MS} AS d, COUNT(*) AS n FROM users WHERE created_at >= @since GROUP BY d`,
  sent: `SELECT created_at / ${DAY_MS} AS d, COUNT(*) AS n, COUNT(DISTINCT sender_id) AS senders
     FROM messages WHERE created_at >= @since AND kind <> 'system' GROUP BY d`,
  uploads: `SELECT created_at / ${DAY_MS} AS d, COUNT(*) AS n, COALESCE(SUM(size), 0) AS bytes
     FROM media WHERE created_at >= @since GROUP BY d`,
} as const;

export function createSqliteStatsRepo(db: Database): StatsRepo {
  const users = db.prepare<[], CountRow>(STATS_SQL.users);
  const active = db.prepare<Since, CountRow>(STATS_SQL.active);
  const conversations = db.prepare<[], { kind: 'direct' | 'group' | 'channel'; n: number }>(STATS_SQL.conversations);
  const messages = db.prepare<[], CountRow>(STATS_SQL.messages);
  const media = db.prepare<[], CountRow & { bytes: number }>(STATS_SQL.media);
  const signups = db.prepare<Since, DayCount>(STATS_SQL.signups);
  const sent = db.prepare<Since, DayCount & { senders: number }>(STATS_SQL.sent);
  const uploads = db.prepare<Since, DayCount & { bytes: number }>(STATS_SQL.uploads);

  return {
    async overview(now, days) {
      const t = now.getTime();
      const { start, keys } = dayRange(now, days);
      const daily = new Map<string, StatsDayRecord>(
        keys.map((date) => [date, { date, signups: 0, activeUsers: 0, messages: 0, mediaUploads: 0, mediaBytes: 0 }]),
      );
      const at = (d: number) => daily.get(dayKey(d * DAY_MS));
      for (const r of signups.all({ since: start })) {
        const day = at(r.d);
        if (day) day.signups = r.n;
      }
      for (const r of sent.all({ since: start })) {
        const day = at(r.d);
        if (day) Object.assign(day, { messages: r.n, activeUsers: r.senders });
      }
      for (const r of uploads.all({ since: start })) {
        const day = at(r.d);
        if (day) Object.assign(day, { mediaUploads: r.n, mediaBytes: r.bytes });
      }
      const byKind = { direct: 0, group: 0, channel: 0 };
      for (const r of conversations.all()) byKind[r.kind] = r.n;
      const m = media.get();
      return {
        users: users.get()?.n ?? 0,
        active24h: active.get({ since: t - DAY_MS })?.n ?? 0,
        active7d: active.get({ since: t - 7 * DAY_MS })?.n ?? 0,
        conversations: byKind,
        messages: messages.get()?.n ?? 0,
        mediaCount: m?.n ?? 0,
        mediaBytes: m?.bytes ?? 0,
        daily: [...daily.values()],
      };
    },
  };
}
