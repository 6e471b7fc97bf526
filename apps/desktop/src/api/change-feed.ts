import {
  type ChangeEntry,
  type Conversation,
  type ConversationSummary,
  changeFeedSchema,
  type Participant,
  paths,
} from '@charla/shared-types';
import type { QueryClient } from '@tanstack/react-query';
import { applyChanges, bumpConversation, type MessagesState, sortConversations } from './cache.ts';
import type { ApiClient } from './client.ts';
import { keys } from './query-keys.ts';

/** What to do with a socket event that carries a conversation's changeSeq. */
export type Verdict =
  /** Exactly cursor + 1: apply it and advance the cursor. */
  | 'apply'
  /** Already applied (the feed got there first): a snapshot older than ours, ignore it. */
  | 'stale'
  /** A jump (a change lost while disconnected, or one not meant for us): apply for liveness, then pull the feed. */
  | 'gap'
  /** No cursor here (messages never loaded): patch what is cached; the page fetched on open is current. */
  | 'untracked';

const MAX_PAGES = 20;
const MAX_REPULLS = 5;

/** The later of two ISO timestamps. */
function later(a: string, b: string): string {
  return a > b ? a : b;
}

/**
 * A conversation's own fields from a `conversation` entry or event. Counters are derived by the client
 * from messages (doc on changeEntrySchema), so never move them backwards.
 */
export function mergeConversation(c: ConversationSummary, conv: Conversation): ConversationSummary {
  return {
    ...c,
    ...conv,
    lastSeq: Math.max(c.lastSeq, conv.lastSeq),
    lastActivityAt: later(c.lastActivityAt, conv.lastActivityAt),
    changeSeq: Math.max(c.changeSeq, conv.changeSeq),
  };
}

/**
 * Whether a change moves the server-computed `permissions` of a cached conversation: my role changed,
 * or its posting setting did. The client never derives them itself, so it asks the server again.
 */
export function movesPermissions(
  cached: ConversationSummary | undefined,
  meId: string,
  change: { participant?: Participant; conversation?: Conversation | null },
): boolean {
  if (!cached) return false;
  if (change.participant) return change.participant.userId === meId && change.participant.role !== cached.me.role;
  return Boolean(change.conversation && change.conversation.onlyAdminsPost !== cached.onlyAdminsPost);
}

/**
 * The change-feed cursor of each conversation whose messages are cached (MessagesState.changeSeq).
 * Rule from the server (packages/shared-types dto/conversation.ts): advance from an event only when it
 * is exactly cursor + 1; on any jump fetch `/changes?after=cursor` and apply the entries in order.
 * Taking the highest counter seen instead would skip a change lost during a disconnect forever.
 */
export class ChangeFeeds {
  readonly #qc: QueryClient;
  readonly #api: ApiClient | undefined;
  readonly #meId: string;
  readonly #active: () => string | null;
  readonly #pulling = new Map<string, Promise<void>>();
  readonly #again = new Set<string>();
  /** Highest changeSeq seen in an event, per conversation: a pull repeats until the cursor reaches it. */
  readonly #seen = new Map<string, number>();

  constructor(opts: { qc: QueryClient; api?: ApiClient; meId: string; activeConversationId: () => string | null }) {
    this.#qc = opts.qc;
    this.#api = opts.api;
    this.#meId = opts.meId;
    this.#active = opts.activeConversationId;
  }

  cursor(conversationId: string): number | undefined {
    return this.#qc.getQueryData<MessagesState>(keys.messages(conversationId))?.changeSeq;
  }

  observe(conversationId: string, changeSeq: number): Verdict {
    const cursor = this.cursor(conversationId);
    if (cursor === undefined) return 'untracked';
    if (changeSeq <= cursor) return 'stale';
    this.#seen.set(conversationId, Math.max(this.#seen.get(conversationId) ?? 0, changeSeq));
    // While a pull runs its answer may predate this event: treat it as a jump so the pull repeats.
    if (changeSeq === cursor + 1 && !this.#pulling.has(conversationId)) return 'apply';
    return 'gap';
  }

  advance(conversationId: string, changeSeq: number): void {
    this.#qc.setQueryData<MessagesState>(keys.messages(conversationId), (s) =>
      s && changeSeq === s.changeSeq + 1 ? { ...s, changeSeq } : s,
    );
  }

  /** Fetches and applies the feed after the cursor; concurrent calls share one run that repeats if needed. */
  pull(conversationId: string): Promise<void> {
    const running = this.#pulling.get(conversationId);
    if (running) {
      this.#again.add(conversationId);
      return running;
    }
    const run = (async () => {
      try {
        for (let round = 0; round < MAX_REPULLS; round++) {
          this.#again.delete(conversationId);
          try {
            await this.#pullOnce(conversationId);
          } catch (err) {
            // An event that came in meanwhile asked for another try; otherwise the next event will.
            if (!this.#again.has(conversationId)) throw err;
            continue;
          }
          const cursor = this.cursor(conversationId);
          const behind = cursor !== undefined && (this.#seen.get(conversationId) ?? 0) > cursor;
          if (!this.#again.has(conversationId) && !behind) break;
        }
      } finally {
        this.#pulling.delete(conversationId);
      }
    })();
    this.#pulling.set(conversationId, run);
    return run;
  }

  async #pullOnce(conversationId: string): Promise<void> {
    if (!this.#api) return;
    let after = this.cursor(conversationId);
    for (let page = 0; after !== undefined && page < MAX_PAGES; page++) {
      const feed = await this.#api.get(
        `${paths.conversations.changes(conversationId)}?after=${after}`,
        changeFeedSchema,
      );
      this.applyFeed(conversationId, feed.entries, feed.cursor);
      after = feed.cursor;
      if (!feed.hasMore) break;
    }
  }

  /** Applies feed entries to messages, participants and the list (whose counters are derived here). */
  applyFeed(conversationId: string, entries: ChangeEntry[], cursor: number): void {
    const qc = this.#qc;
    const current = qc.getQueryData<MessagesState>(keys.messages(conversationId));
    const members = qc.getQueryData<Participant[]>(keys.participants(conversationId));
    const next = applyChanges(current, members, entries);
    if (next.messages)
      qc.setQueryData<MessagesState>(keys.messages(conversationId), {
        ...next.messages,
        changeSeq: Math.max(current?.changeSeq ?? 0, cursor),
      });
    if (next.participants) qc.setQueryData(keys.participants(conversationId), next.participants);
    const membersChanged = entries.some((e) => e.type === 'participant' || e.type === 'participant_left');
    const cached = qc.getQueryData<ConversationSummary[]>(keys.conversations)?.find((c) => c.id === conversationId);
    const flagsMoved = entries.some(
      (e) =>
        (e.type === 'participant' && movesPermissions(cached, this.#meId, { participant: e.participant })) ||
        (e.type === 'conversation' && movesPermissions(cached, this.#meId, { conversation: e.conversation })),
    );
    if ((membersChanged && !next.participants) || flagsMoved)
      void qc.invalidateQueries({ queryKey: keys.conversations });
    qc.setQueryData<ConversationSummary[]>(keys.conversations, (list) => {
      if (!list) return list;
      let l = list;
      for (const e of entries) {
        if (e.type === 'message') l = bumpConversation(l, e.message, this.#meId, this.#active());
        else if (e.type === 'conversation')
          l = l.map((c) => (c.id === conversationId ? mergeConversation(c, e.conversation) : c));
        else if (e.type === 'me')
          l = l.map((c) =>
            c.id === conversationId
              ? {
                  ...c,
                  me: e.me,
                  ...(e.me.lastReadSeq >= c.lastSeq ? { unreadCount: 0, unreadMentions: 0 } : {}),
                }
              : c,
          );
      }
      return sortConversations(
        l.map((c) =>
          c.id === conversationId
            ? {
                ...c,
                changeSeq: Math.max(c.changeSeq, cursor),
                ...(next.participants && membersChanged ? { memberCount: next.participants.length } : {}),
              }
            : c,
        ),
      );
    });
  }
}
