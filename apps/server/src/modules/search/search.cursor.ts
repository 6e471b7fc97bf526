import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { badRequest } from '../../http/errors.ts';

/**
 * Search cursors are opaque to clients and signed by the server. A storage cursor carries the
 * ranking window (the SQLite adapter keeps its floor so later pages rank the same candidates); left
 * unsigned, a client could lower the floor and have every match ranked, past SEARCH_CANDIDATES.
 * The MAC binds the cursor to the caller and the query, so it only continues the search it came
 * from. The key is derived from the JWT secret, so every server node accepts every node's cursors.
 */
export type SearchCursors = {
  sign(scope: string, storageCursor: string): string;
  /** The storage cursor inside, or a 400 when it was not issued for this scope. */
  open(scope: string, cursor: string): string;
};

export function createSearchCursors(secret: Uint8Array): SearchCursors {
  const key = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'charla search cursor v1', 32));
  const mac = (scope: string, inner: string) =>
    createHmac('sha256', key).update(`${scope}\n${inner}`).digest().subarray(0, 16).toString('base64url');
  const invalid = () => badRequest('This search cursor is not valid here; start the search again');
  return {
    sign: (scope, inner) => `${inner}.${mac(scope, inner)}`,
    open(scope, cursor) {
      // base64url has no '.', so the last one separates the MAC.
      const dot = cursor.lastIndexOf('.');
      if (dot <= 0) throw invalid();
      const inner = cursor.slice(0, dot);
      const given = Buffer.from(cursor.slice(dot + 1));
      const expected = Buffer.from(mac(scope, inner));
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
      return inner;
    },
  };
}

/** What a cursor is valid for: one user's search for one text, in one conversation or all. */
export const searchScope = (userId: string, q: { q: string; conversationId?: string | undefined }) =>
  JSON.stringify([userId, q.conversationId ?? null, q.q]);
