import { type PipelineStage, trusted } from 'mongoose';
import { cursorOf, decodeCursor, encodeCursor } from '../cursor.ts';
import { type MessagesRepo, SEARCH_CANDIDATES, type SearchHit, SNIPPET_END, SNIPPET_START } from '../ports.ts';
import type { MongoMessagingCore } from './mongo-messaging-core.ts';
import { type ConversationDoc, type MessageDoc, type ParticipantDoc, toMessage } from './mongo-messaging-models.ts';

/** Same term rules as the SQLite adapter: letter/digit runs, at most 16. */
const searchTerms = (q: string): string[] => (q.match(/[\p{L}\p{N}_]+/gu) ?? []).slice(0, 16);
const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * MongoDB's text index has no snippet function: mark every term occurrence and cut a window
 * of about `radius` words around the first one, like FTS5's snippet().
 */
export function makeSnippet(text: string, terms: string[], radius = 8): string {
  const alternatives = terms.map(escapeRegex).join('|');
  const re = new RegExp(`(${alternatives})`, 'giu');
  const hit = new RegExp(alternatives, 'iu');
  const words = text.split(/(\s+)/);
  const first = words.findIndex((w) => hit.test(w));
  const from = Math.max(0, first < 0 ? 0 : first - radius * 2);
  const to = Math.min(words.length, Math.max(first, 0) + radius * 2 + 1);
  const body = words.slice(from, to).join('').replace(re, `${SNIPPET_START}$1${SNIPPET_END}`);
  return `${from > 0 ? '…' : ''}${body}${to < words.length ? '…' : ''}`;
}

export function createMongoMessageSearch(core: MongoMessagingCore): MessagesRepo['search'] {
  const { Participant, Conversation, Message } = core.models;

  return async (userId, q, options) => {
    const terms = searchTerms(q);
    if (terms.length === 0) return { items: [], nextCursor: null };
    const limit = Math.max(1, Math.min(options.limit, 50));
    const at = decodeCursor(options.cursor, cursorOf('number'))?.[0] ?? 0;
    const offset = Number.isInteger(at) && at >= 0 ? at : 0;

    // Visibility: active memberships of live conversations, each with its own seq floor.
    const memberships = await Participant.find({
      userId: String(userId),
      leftAt: null,
      ...(options.conversationId ? { conversationId: String(options.conversationId) } : {}),
    }).lean<ParticipantDoc[]>();
    if (memberships.length === 0) return { items: [], nextCursor: null };
    const convs = await Conversation.find(
      { _id: trusted({ $in: memberships.map((p) => p.conversationId) }), deletedAt: null },
      { _id: 1, historyForNewcomers: 1 },
    ).lean<Pick<ConversationDoc, '_id' | 'historyForNewcomers'>[]>();
    if (convs.length === 0) return { items: [], nextCursor: null };
    const floorOf = new Map(memberships.map((p) => [p.conversationId, p.joinedSeq]));
    const hidden = await core.models.Hidden.find({ userId: String(userId) }, { messageId: 1 }).lean<
      { messageId: string }[]
    >();

    // Every term quoted: MongoDB ANDs phrases, and nothing in the user's text acts as syntax.
    const search = terms.map((t) => `"${t}"`).join(' ');
    const pipeline: PipelineStage[] = [
      { $match: { $text: { $search: search }, conversationId: { $in: convs.map((c) => c._id) }, deletedAt: null } },
      {
        $match: {
          $or: convs.map((c) => ({
            conversationId: c._id,
            seq: { $gt: c.historyForNewcomers ? 0 : (floorOf.get(c._id) ?? 0) },
          })),
          _id: { $nin: hidden.map((h) => h.messageId) },
        },
      },
      // Rank only the newest SEARCH_CANDIDATES visible matches (the port's cap): scoring and sorting
      // every match of a frequent word is O(matches).
      { $sort: { createdAt: -1, _id: -1 } },
      { $limit: SEARCH_CANDIDATES },
      { $addFields: { score: { $meta: 'textScore' } } },
      { $sort: { score: -1, createdAt: -1, _id: -1 } },
      { $skip: offset },
      { $limit: limit + 1 },
      { $project: { score: 0 } },
    ];
    const docs = await Message.aggregate<MessageDoc>(pipeline);
    const page = docs.slice(0, limit);
    const items: SearchHit[] = page.map((d) => ({ message: toMessage(d), snippet: makeSnippet(d.text, terms) }));
    return {
      items,
      nextCursor: docs.length > limit ? encodeCursor([offset + limit]) : null,
    };
  };
}
