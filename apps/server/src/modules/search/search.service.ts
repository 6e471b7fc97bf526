import type { SearchHit, SearchResult } from '@charla/shared-types';
import { notFound } from '../../http/errors.ts';
import { SNIPPET_END, SNIPPET_START, type Storage } from '../../storage/ports.ts';
import { requireMember } from '../messaging/conversations.access.ts';
import { toMessageDto } from '../messaging/messages.mapper.ts';
import { type SearchCursors, searchScope } from './search.cursor.ts';

/** Storage marks matches with control characters; clients get plain text plus [start, end) ranges. */
export function splitSnippet(marked: string): Pick<SearchHit, 'snippet' | 'highlights'> {
  let snippet = '';
  const highlights: SearchHit['highlights'] = [];
  let start = -1;
  for (const ch of marked) {
    if (ch === SNIPPET_START) start = snippet.length;
    else if (ch === SNIPPET_END) {
      if (start >= 0 && snippet.length > start) highlights.push({ start, end: snippet.length });
      start = -1;
    } else snippet += ch;
  }
  return { snippet, highlights };
}

export type SearchService = ReturnType<typeof createSearchService>;

export function createSearchService(deps: { storage: Storage; cursors: SearchCursors }) {
  const { storage, cursors } = deps;
  return {
    async messages(
      userId: string,
      q: { q: string; conversationId?: string; cursor?: string; limit: number },
    ): Promise<SearchResult> {
      if (q.conversationId) {
        try {
          await requireMember(storage, q.conversationId, userId);
        } catch {
          throw notFound('Conversation');
        }
      }
      const scope = searchScope(userId, q);
      const page = await storage.messages.search(userId, q.q, {
        limit: q.limit,
        ...(q.conversationId ? { conversationId: q.conversationId } : {}),
        ...(q.cursor ? { cursor: cursors.open(scope, q.cursor) } : {}),
      });
      return {
        items: page.items.map((hit, i) => ({
          message: toMessageDto(hit.message),
          ...splitSnippet(hit.snippet),
          // Storage returns best first; expose the order as a score clients can merge pages by.
          rank: page.items.length - i,
        })),
        nextCursor: page.nextCursor === null ? null : cursors.sign(scope, page.nextCursor),
      };
    },
  };
}
