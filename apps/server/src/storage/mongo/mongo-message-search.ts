import type { Connection } from 'mongoose';
import { trusted } from 'mongoose';
import { cursorOf, decodeCursor, encodeCursor } from '../cursor.ts';
import { type MessagesRepo, SEARCH_CANDIDATES, type SearchHit, SNIPPET_END, SNIPPET_START } from '../ports.ts';
import type { MongoMessagingCore } from './mongo-messaging-core.ts';
import {
  type ConversationDoc,
  type MessageDoc,
  type ParticipantDoc,
  SEARCH_INDEX,
  toMessage,
} from './mongo-messaging-models.ts';

/*
 * Full-text search on MongoDB without $text: every message carries `terms`, its distinct tokens
 * normalised the way SQLite's FTS5 tokenizer (unicode61, remove_diacritics 2) does it: runs of
 * letters and digits, lower-cased, accents stripped. A query matches like FTS5 there: every term
 * must be a token of the message, the last one as a prefix ("kiwi an" finds "kiwi and…", not
 * "kiwi banana"). The index (conversationId, terms, createdAt) lets the query start from the
 * caller's own conversations instead of every conversation on the server.
 */

/** Distinct tokens a message is found by. */
const MAX_TERMS = 512;
const foldToken = (s: string): string =>
  s
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();

export function termsOf(text: string): string[] {
  const out = new Set<string>();
  for (const raw of text.match(/[\p{L}\p{N}\p{M}]+/gu) ?? []) {
    const token = foldToken(raw);
    if (token) out.add(token);
    if (out.size >= MAX_TERMS) break;
  }
  return [...out];
}

/** Query terms: same rule as the SQLite adapter (letter/digit runs, at most 16), then tokenised like text. */
export const queryTerms = (q: string): string[] =>
  (q.match(/[\p{L}\p{N}_]+/gu) ?? []).slice(0, 16).flatMap((t) => termsOf(t.replaceAll('_', ' ')));

const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * MongoDB has no snippet function: mark every term occurrence and cut a window of about `radius`
 * words around the first one, like FTS5's snippet().
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

/** The filter on `terms` for a query: all terms exact, the last one as an anchored prefix. */
export function termsFilter(terms: string[]): Record<string, unknown>[] {
  return terms.map((t, i) =>
    i === terms.length - 1 ? { terms: trusted({ $regex: `^${escapeRegex(t)}` }) } : { terms: t },
  );
}

const tokensOf = (text: string): string[] => (text.match(/[\p{L}\p{N}\p{M}]+/gu) ?? []).map(foldToken);

/** BM25-like score: term frequency saturating, shorter messages first among equals. */
function score(tokens: string[], terms: string[], avgLength: number): number {
  const len = tokens.length || 1;
  let total = 0;
  terms.forEach((t, i) => {
    const last = i === terms.length - 1;
    const tf = tokens.filter((tok) => (last ? tok.startsWith(t) : tok === t)).length;
    total += (tf * 2.2) / (tf + 1.2 * (0.25 + (0.75 * len) / avgLength));
  });
  return total;
}

type Candidate = Pick<MessageDoc, '_id' | 'conversationId' | 'seq' | 'text' | 'createdAt'>;

export function createMongoMessageSearch(core: MongoMessagingCore): MessagesRepo['search'] {
  const { Participant, Conversation, Message, Hidden } = core.models;

  return async (userId, q, options) => {
    const terms = queryTerms(q);
    if (terms.length === 0) return { items: [], nextCursor: null };
    const limit = Math.max(1, Math.min(options.limit, 50));
    const at = decodeCursor(options.cursor, cursorOf('number'))?.[0] ?? 0;
    const offset = Number.isInteger(at) && at >= 0 ? at : 0;

    // The caller's conversations first: active memberships of live conversations, each with its floor.
    const memberships = await Participant.find(
      {
        userId: String(userId),
        leftAt: null,
        ...(options.conversationId ? { conversationId: String(options.conversationId) } : {}),
      },
      { conversationId: 1, joinedSeq: 1 },
    ).lean<Pick<ParticipantDoc, 'conversationId' | 'joinedSeq'>[]>();
    if (memberships.length === 0) return { items: [], nextCursor: null };
    const convs = await Conversation.find(
      { _id: trusted({ $in: memberships.map((p) => p.conversationId) }), deletedAt: null },
      { _id: 1, historyForNewcomers: 1 },
    ).lean<Pick<ConversationDoc, '_id' | 'historyForNewcomers'>[]>();
    if (convs.length === 0) return { items: [], nextCursor: null };
    const joined = new Map(memberships.map((p) => [p.conversationId, p.joinedSeq]));
    const floorOf = new Map(convs.map((c) => [c._id, c.historyForNewcomers ? 0 : (joined.get(c._id) ?? 0)]));
    const hidden = new Set(
      (
        await Hidden.find(
          { userId: String(userId), conversationId: trusted({ $in: convs.map((c) => c._id) }) },
          {
            messageId: 1,
          },
        ).lean<{ messageId: string }[]>()
      ).map((h) => h.messageId),
    );

    // Newest matches first, visibility applied as they stream, until the cap (the port's rule).
    const cursor = Message.find(
      {
        conversationId: trusted({ $in: convs.map((c) => c._id) }),
        $and: termsFilter(terms),
        deletedAt: null,
      },
      { _id: 1, conversationId: 1, seq: 1, text: 1, createdAt: 1 },
    )
      .sort({ createdAt: -1, _id: -1 })
      // Never (conversationId, seq): that would read every message of the caller's conversations.
      .hint(SEARCH_INDEX)
      .lean<Candidate[]>()
      .cursor({ batchSize: 500 });
    const candidates: Candidate[] = [];
    for await (const m of cursor) {
      if (typeof m.seq !== 'number' || m.seq <= (floorOf.get(m.conversationId) ?? 0) || hidden.has(m._id)) continue;
      candidates.push(m);
      if (candidates.length >= SEARCH_CANDIDATES) break;
    }
    await cursor.close();

    const tokenized = candidates.map((c) => ({ c, tokens: tokensOf(c.text) }));
    const avg = tokenized.reduce((n, t) => n + t.tokens.length, 0) / Math.max(1, tokenized.length) || 1;
    const ranked = tokenized
      .map(({ c, tokens }) => ({ c, s: score(tokens, terms, avg) }))
      .sort(
        (a, b) =>
          b.s - a.s ||
          b.c.createdAt.getTime() - a.c.createdAt.getTime() ||
          (a.c._id < b.c._id ? 1 : a.c._id > b.c._id ? -1 : 0),
      );
    const window = ranked.slice(offset, offset + limit + 1);
    const pageIds = window.slice(0, limit).map((r) => r.c._id);
    const docs = pageIds.length ? await Message.find({ _id: trusted({ $in: pageIds }) }).lean<MessageDoc[]>() : [];
    const byId = new Map(docs.map((d) => [d._id, d]));
    const items: SearchHit[] = pageIds.flatMap((id) => {
      const d = byId.get(id);
      return d ? [{ message: toMessage(d), snippet: makeSnippet(d.text, terms) }] : [];
    });
    return {
      items,
      nextCursor: window.length > limit ? encodeCursor([offset + limit]) : null,
    };
  };
}

/**
 * Gives every message written before `terms` existed its terms, walking _id order once and
 * remembering where it stopped (so a restart resumes instead of starting over).
 */
export async function backfillMessageTerms(conn: Connection): Promise<number> {
  const progress = conn.collection<{ _id: string; lastId?: string }>('charla_migrations');
  const messages = conn.collection<{ _id: string; text?: string; terms?: string[] }>('messages');
  let last = (await progress.findOne({ _id: 'messages.terms.progress' }))?.lastId ?? '';
  let n = 0;
  for (;;) {
    const batch = await messages
      .find({ _id: { $gt: last } }, { projection: { text: 1, terms: 1 } })
      .sort({ _id: 1 })
      .limit(1000)
      .toArray();
    if (batch.length === 0) return n;
    const todo = batch.filter((m) => !Array.isArray(m.terms));
    if (todo.length) {
      await messages.bulkWrite(
        todo.map((m) => ({
          updateOne: { filter: { _id: m._id }, update: { $set: { terms: termsOf(String(m.text ?? '')) } } },
        })),
      );
    }
    n += todo.length;
    last = batch.at(-1)?._id ?? last;
    await progress.updateOne({ _id: 'messages.terms.progress' }, { $set: { lastId: last } }, { upsert: true });
  }
}
