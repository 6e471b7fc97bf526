import type { Database } from 'better-sqlite3';
import { cursorOf, decodeCursor, encodeCursor } from '../cursor.ts';
import type { HistoricMessage, LeaderboardsRepo, PointsHistoryRepo } from '../ports.ts';

export function createSqliteLeaderboardsRepo(db: Database): LeaderboardsRepo {
  const enabled = db
    .prepare<[string], number>('SELECT enabled FROM points_leaderboards WHERE conversation_id = ?')
    .pluck();
  const set = db.prepare<[string, number, string, number]>(
    `INSERT INTO points_leaderboards (conversation_id, enabled, updated_by, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (conversation_id) DO UPDATE SET enabled = excluded.enabled, updated_by = excluded.updated_by,
       updated_at = excluded.updated_at`,
  );
  // CROSS JOIN keeps points_boards the outer loop: the board index is walked in order (most points
  // first) and each row costs one primary-key probe into participants, whatever the member count.
  const top = db.prepare<[string, string, number], { user_id: string; points: number }>(
    `SELECT b.user_id, b.points FROM points_boards b
     CROSS JOIN participants p ON p.conversation_id = b.conversation_id AND p.user_id = b.user_id
     WHERE b.conversation_id = ? AND b.period = ? AND b.hidden = 0 AND b.points > 0 AND p.left_at IS NULL
     ORDER BY b.points DESC, b.user_id
     LIMIT ?`,
  );
  return {
    async isEnabled(conversationId) {
      return enabled.get(conversationId) === 1;
    },
    async setEnabled(conversationId, on, actorId, now) {
      set.run(conversationId, on ? 1 : 0, actorId, now.getTime());
    },
    async top(conversationId, period, limit) {
      return top
        .all(conversationId, period, Math.max(1, Math.min(limit, 100)))
        .map((r) => ({ userId: r.user_id, points: r.points }));
    },
  };
}

/** The messages table has a `language` column only once translation landed; older files read null. */
function hasColumn(db: Database, table: string, column: string): boolean {
  return db
    .prepare<[], { name: string }>(`PRAGMA table_info(${table})`)
    .all()
    .some((c) => c.name === column);
}

type MessageRow = {
  rid: number;
  id: string;
  conversation_id: string;
  conversation_kind: HistoricMessage['conversationKind'];
  sender_id: string;
  kind: HistoricMessage['kind'];
  created_at: number;
  deleted_at: number | null;
  forwarded: number;
  reply_id: string | null;
  reply_sender: string | null;
  language: string | null;
};

const ridCursor = cursorOf('number');
const changeCursor = cursorOf('string', 'number');

export function createSqlitePointsHistoryRepo(db: Database): PointsHistoryRepo {
  const language = hasColumn(db, 'messages', 'language') ? 'm.language' : 'NULL';
  const messages = db.prepare<[number, number], MessageRow>(
    `SELECT m.rid, m.id, m.conversation_id, c.kind AS conversation_kind, m.sender_id, m.kind, m.created_at,
       m.deleted_at, m.forwarded_from IS NOT NULL AS forwarded,
       json_extract(m.reply_to, '$.id') AS reply_id, json_extract(m.reply_to, '$.senderId') AS reply_sender,
       ${language} AS language
     FROM messages m JOIN conversations c ON c.id = m.conversation_id
     WHERE m.rid > ? ORDER BY m.rid LIMIT ?`,
  );
  const joins = db.prepare<
    [string, number, number],
    { conversation_id: string; change_seq: number; joiner: string; inviter: string; created_at: number }
  >(
    `SELECT c.conversation_id, c.change_seq, c.entity_id AS joiner, i.created_by AS inviter, c.created_at
     FROM changes c JOIN invites i ON i.code = json_extract(c.data, '$.code')
     WHERE (c.conversation_id, c.change_seq) > (?, ?) AND c.type = 'participant.joined'
       AND json_extract(c.data, '$.via') = 'invite'
     ORDER BY c.conversation_id, c.change_seq LIMIT ?`,
  );
  return {
    async messages(cursor, limit) {
      const after = decodeCursor(cursor, ridCursor)?.[0] ?? 0;
      const rows = messages.all(after, limit);
      const reactions = new Map<string, { userId: string; at: Date }[]>();
      if (rows.length) {
        const ids = rows.map((r) => r.id);
        const found = db
          .prepare<string[], { message_id: string; user_id: string; at: number }>(
            `SELECT message_id, user_id, min(created_at) AS at FROM reactions
             WHERE message_id IN (${ids.map(() => '?').join(',')}) GROUP BY message_id, user_id ORDER BY at`,
          )
          .all(...ids);
        for (const r of found) {
          const list = reactions.get(r.message_id) ?? [];
          list.push({ userId: r.user_id, at: new Date(r.at) });
          reactions.set(r.message_id, list);
        }
      }
      const last = rows.at(-1);
      return {
        items: rows.map((r) => ({
          id: r.id,
          conversationId: r.conversation_id,
          conversationKind: r.conversation_kind,
          senderId: r.sender_id,
          kind: r.kind,
          createdAt: new Date(r.created_at),
          deleted: r.deleted_at !== null,
          forwarded: r.forwarded === 1,
          replyTo: r.reply_id && r.reply_sender ? { id: r.reply_id, senderId: r.reply_sender } : null,
          language: r.language,
          reactions: reactions.get(r.id) ?? [],
        })),
        cursor: last ? encodeCursor([last.rid]) : cursor,
      };
    },
    async inviteJoins(cursor, limit) {
      const after = decodeCursor(cursor, changeCursor) ?? ['', 0];
      const rows = joins.all(after[0], after[1], limit);
      const last = rows.at(-1);
      return {
        items: rows.map((r) => ({
          conversationId: r.conversation_id,
          inviterId: r.inviter,
          joinerId: r.joiner,
          joinedAt: new Date(r.created_at),
        })),
        cursor: last ? encodeCursor([last.conversation_id, last.change_seq]) : cursor,
      };
    },
  };
}
