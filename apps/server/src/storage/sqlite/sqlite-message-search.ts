import type { MessagesRepo, SearchHit } from '../ports.ts';
import { decodeCursor, encodeCursor, type MessageRow, type MessagingCore } from './sqlite-messaging-core.ts';

/** Search terms: letters/digits runs, at most 16 of them. */
export const searchTerms = (q: string): string[] => (q.match(/[\p{L}\p{N}_]+/gu) ?? []).slice(0, 16);

/**
 * Builds an FTS5 MATCH expression from user text: every term quoted (so no FTS syntax from the user
 * gets interpreted), all required, the last one as a prefix for search-as-you-type.
 */
export function ftsQuery(terms: string[]): string {
  return terms.map((t, i) => `"${t.replaceAll('"', '""')}"${i === terms.length - 1 ? '*' : ''}`).join(' ');
}

const isOffset = (v: unknown): v is [number] =>
  Array.isArray(v) && v.length === 1 && Number.isInteger(v[0]) && (v[0] as number) >= 0;

export function createSqliteMessageSearch(core: MessagingCore): MessagesRepo['search'] {
  const { db } = core;
  // The visibility rules of history, applied inside the query so ranking and paging only see
  // what the caller may read. bm25() is lower-is-better.
  const stmt = db.prepare(
    `SELECT m.*, snippet(messages_fts, 0, char(2), char(3), '…', 16) AS snip
     FROM messages_fts
     JOIN messages m ON m.rid = messages_fts.rowid
     JOIN participants p ON p.conversation_id = m.conversation_id AND p.user_id = @u AND p.left_at IS NULL
     JOIN conversations c ON c.id = m.conversation_id AND c.deleted_at IS NULL
     WHERE messages_fts MATCH @q
       AND (@c IS NULL OR m.conversation_id = @c)
       AND m.deleted_at IS NULL
       AND (c.history_for_newcomers = 1 OR m.seq > p.joined_seq)
       AND NOT EXISTS (SELECT 1 FROM hidden_messages h WHERE h.user_id = @u AND h.conversation_id = m.conversation_id AND h.seq = m.seq)
     ORDER BY bm25(messages_fts), m.created_at DESC, m.rid DESC
     LIMIT @limit OFFSET @offset`,
  );

  return async (userId, q, options) => {
    const terms = searchTerms(q);
    if (terms.length === 0) return { items: [], nextCursor: null };
    const limit = Math.max(1, Math.min(options.limit, 50));
    const offset = decodeCursor(options.cursor, isOffset)?.[0] ?? 0;
    const rows = stmt.all({
      u: userId,
      q: ftsQuery(terms),
      c: options.conversationId ?? null,
      limit: limit + 1,
      offset,
    }) as (MessageRow & { snip: string })[];
    const page = rows.slice(0, limit);
    const messages = core.hydrate(page);
    const items: SearchHit[] = messages.map((message, i) => ({ message, snippet: page[i]?.snip ?? '' }));
    return { items, nextCursor: rows.length > limit ? encodeCursor([offset + limit]) : null };
  };
}
