import { decodeCursor, encodeCursor } from '../cursor.ts';
import { type MessagesRepo, SEARCH_CANDIDATES, type SearchHit } from '../ports.ts';
import type { MessageRow, MessagingCore } from './sqlite-messaging-core.ts';

type MatchParams = { u: string; q: string; c: string | null };

/** Search terms: letters/digits runs, at most 16 of them. */
export const searchTerms = (q: string): string[] => (q.match(/[\p{L}\p{N}_]+/gu) ?? []).slice(0, 16);

/**
 * Builds an FTS5 MATCH expression from user text: every term quoted (so no FTS syntax from the user
 * gets interpreted), all required, the last one as a prefix for search-as-you-type.
 */
export function ftsQuery(terms: string[]): string {
  return terms.map((t, i) => `"${t.replaceAll('"', '""')}"${i === terms.length - 1 ? '*' : ''}`).join(' ');
}

/** Cursor: [offset] (older cursors) or [offset, floor rid] so later pages rank the same window. */
const isCursor = (v: unknown): v is [number] | [number, number] =>
  Array.isArray(v) && (v.length === 1 || v.length === 2) && v.every((n) => Number.isInteger(n) && (n as number) >= 0);

// The visibility rules of history, applied inside the queries so the cap, ranking and paging only
// see what the caller may read.
const visibleMatches = `FROM messages_fts
     JOIN messages m ON m.rid = messages_fts.rowid
     JOIN participants p ON p.conversation_id = m.conversation_id AND p.user_id = @u AND p.left_at IS NULL
     JOIN conversations c ON c.id = m.conversation_id AND c.deleted_at IS NULL
     WHERE messages_fts MATCH @q
       AND (@c IS NULL OR m.conversation_id = @c)
       AND m.deleted_at IS NULL
       AND (c.history_for_newcomers = 1 OR m.seq > p.joined_seq)
       AND NOT EXISTS (SELECT 1 FROM hidden_messages h WHERE h.user_id = @u AND h.conversation_id = m.conversation_id AND h.seq = m.seq)`;

/** Exported for the query-plan test. */
export const SEARCH_SQL = {
  // The rid of the cap-th newest visible match: FTS5 walks the doclist newest first and stops there.
  floor: `SELECT messages_fts.rowid ${visibleMatches}
     ORDER BY messages_fts.rowid DESC LIMIT 1 OFFSET @cap`,
  // bm25() is lower-is-better; the rowid bound is a range FTS5 applies while reading the doclist.
  page: `SELECT m.*, snippet(messages_fts, 0, char(2), char(3), '…', 16) AS snip ${visibleMatches}
       AND messages_fts.rowid >= @floor
     ORDER BY bm25(messages_fts), m.created_at DESC, m.rid DESC
     LIMIT @limit OFFSET @offset`,
};

export function createSqliteMessageSearch(core: MessagingCore): MessagesRepo['search'] {
  const { db } = core;
  const floorStmt = db.prepare<MatchParams & { cap: number }, number>(SEARCH_SQL.floor).pluck();
  const pageStmt = db.prepare<
    MatchParams & { floor: number; limit: number; offset: number },
    MessageRow & { snip: string }
  >(SEARCH_SQL.page);

  return async (userId, q, options) => {
    const terms = searchTerms(q);
    if (terms.length === 0) return { items: [], nextCursor: null };
    const limit = Math.max(1, Math.min(options.limit, 50));
    const cursor = decodeCursor(options.cursor, isCursor);
    const offset = cursor?.[0] ?? 0;
    const match = { u: userId, q: ftsQuery(terms), c: options.conversationId ?? null };
    // Messages sent in the last moments are still queued for the index: index them first.
    core.searchQueue.flush();
    return db.transaction(() => {
      // Rows below the floor are older than the newest SEARCH_CANDIDATES visible matches (0 = fewer).
      const floor = cursor?.[1] ?? floorStmt.get({ ...match, cap: SEARCH_CANDIDATES - 1 }) ?? 0;
      const rows = pageStmt.all({ ...match, floor, limit: limit + 1, offset });
      const page = rows.slice(0, limit);
      const messages = core.hydrate(page);
      const items: SearchHit[] = messages.map((message, i) => ({ message, snippet: page[i]?.snip ?? '' }));
      return { items, nextCursor: rows.length > limit ? encodeCursor([offset + limit, floor]) : null };
    })();
  };
}
