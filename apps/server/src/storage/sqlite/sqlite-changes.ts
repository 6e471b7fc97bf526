import { cursorOf, decodeCursor, encodeCursor } from '../cursor.ts';
import type { ChangeRecord, ChangeType, ConversationsRepo } from '../ports.ts';
import type { MessagingCore } from './sqlite-messaging-core.ts';
import { dateOf } from './sqlite-util.ts';

/**
 * `changedSince` compares change times, which come from the writers' clocks. Re-reporting this much
 * of the past absorbs skew between server processes and late commits; reporting twice is harmless
 * because the client compares `changeSeq` with what it holds.
 */
export const CHANGED_SINCE_OVERLAP_MS = 10_000;

type ChangeRow = {
  conversation_id: string;
  change_seq: number;
  type: ChangeType;
  entity_id: string;
  message_seq: number | null;
  actor_id: string | null;
  audience: string | null;
  data: string | null;
  created_at: number;
};

const toChange = (r: ChangeRow): ChangeRecord => ({
  conversationId: r.conversation_id,
  changeSeq: r.change_seq,
  type: r.type,
  entityId: r.entity_id,
  messageSeq: r.message_seq,
  actorId: r.actor_id,
  audience: r.audience,
  data: r.data === null ? null : (JSON.parse(r.data) as Record<string, unknown>),
  createdAt: dateOf(r.created_at),
});

const isSinceCursor = cursorOf('number');

type ChangedRow = {
  id: string;
  change_seq: number;
  last_change_at: number;
  deleted_at: number | null;
  left_at: number | null;
};

export function createSqliteChangeFeed(core: MessagingCore): Pick<ConversationsRepo, 'changedSince' | 'changesAfter'> {
  const { db } = core;
  const changed = db.prepare<{ u: string; since: number }, ChangedRow>(
    `SELECT c.id, c.change_seq, c.last_change_at, c.deleted_at, p.left_at
     FROM participants p JOIN conversations c ON c.id = p.conversation_id
     WHERE p.user_id = @u AND (p.left_at IS NULL OR p.left_at >= @since) AND c.last_change_at >= @since`,
  );
  const rowsAfter = db.prepare<{ c: string; after: number; viewer: string; floor: number; limit: number }, ChangeRow>(
    `SELECT * FROM changes WHERE conversation_id = @c AND change_seq > @after
       AND (audience IS NULL OR audience = @viewer) AND (message_seq IS NULL OR message_seq > @floor)
     ORDER BY change_seq LIMIT @limit`,
  );

  return {
    changedSince: async (userId, cursor) => {
      const since = decodeCursor(cursor, isSinceCursor)?.[0] ?? null;
      const rows = changed.all({ u: userId, since: since === null ? 0 : since - CHANGED_SINCE_OVERLAP_MS });
      const high = rows.reduce((m, r) => Math.max(m, r.last_change_at), since ?? 0);
      return {
        items: rows.map((r) => ({
          conversationId: r.id,
          changeSeq: r.change_seq,
          membership: r.left_at === null && r.deleted_at === null ? ('active' as const) : ('left' as const),
        })),
        cursor: encodeCursor([high]),
      };
    },
    changesAfter: async (conversationId, after, { viewerId, limit }) =>
      db.transaction(() => {
        const conv = core.conversation(conversationId);
        if (!conv) return { items: [], changeSeq: 0, hasMore: false };
        const max = Math.max(1, Math.min(limit, 1000));
        const rows = rowsAfter.all({
          c: conversationId,
          after,
          viewer: viewerId,
          floor: core.visibilityFloor(conv, viewerId),
          limit: max + 1,
        });
        const items = rows.slice(0, max).map(toChange);
        const hasMore = rows.length > max;
        // SQLite commits whole transactions, so nothing is ever in flight: no gap handling needed.
        const reached = hasMore ? (items.at(-1)?.changeSeq ?? after) : Math.max(after, conv.change_seq);
        return { items, changeSeq: reached, hasMore };
      })(),
  };
}
