import type { ConversationSummary, Message, Participant, ServerToClientEvents } from '@charla/shared-types';
import type { QueryClient } from '@tanstack/react-query';
import {
  applyReceipt,
  bumpConversation,
  bumpEncrypted,
  hideMessage,
  type MessagesState,
  patchPreview,
  patchReactions,
  replaceMessage,
  senderReadUpTo,
  sortConversations,
  upsertMessage,
} from './cache.ts';
import { ChangeFeeds, mergeConversation, movesPermissions } from './change-feed.ts';
import type { ApiClient } from './client.ts';
import { keys } from './query-keys.ts';

/** Events that change cached chat state; feature events (points toasts, space badges) have their own listeners. */
type SyncedEvent = Exclude<keyof ServerToClientEvents, 'points:achievement' | 'space:activity'>;
type AllHandlers = { [E in SyncedEvent]: ServerToClientEvents[E] };

export type SyncContext = {
  qc: QueryClient;
  meId: string;
  activeConversationId: () => string | null;
  /** Where a jump in changeSeq is fetched from; without it (tests) gaps are only applied, never pulled. */
  api?: ApiClient;
  /** Shared with catchUp; created from the other fields when omitted. */
  feeds?: ChangeFeeds;
  onIncoming?: (m: Message, event: { notifyEvenIfMuted: string[] }) => void;
  onTyping?: (conversationId: string, userId: string, typing: boolean) => void;
  /** Something happened in an encrypted conversation's MLS log (the E2EE client syncs it). */
  onE2ee?: (e: { type: 'message' | 'welcome' | 'roster'; conversationId: string }) => void;
  onPresence?: (userId: string, status: string, lastSeenAt: string | null) => void;
};

function setMessages(qc: QueryClient, conversationId: string, fn: (s: MessagesState) => MessagesState) {
  qc.setQueryData<MessagesState>(keys.messages(conversationId), (s) => (s ? fn(s) : s));
}
function setList(qc: QueryClient, fn: (l: ConversationSummary[]) => ConversationSummary[]) {
  qc.setQueryData<ConversationSummary[]>(keys.conversations, (l) => (l ? fn(l) : l));
}
function setMembers(qc: QueryClient, conversationId: string, fn: (p: Participant[]) => Participant[]) {
  qc.setQueryData<Participant[]>(keys.participants(conversationId), (p) => (p ? fn(p) : p));
}

/** memberCount is derived: the cached member list when there is one, else +/- one per join/leave. */
function setMemberCount(qc: QueryClient, conversationId: string, delta: number) {
  const members = qc.getQueryData<Participant[]>(keys.participants(conversationId));
  setList(qc, (l) =>
    l.map((c) =>
      c.id === conversationId
        ? { ...c, memberCount: members ? members.length : Math.max(0, c.memberCount + delta) }
        : c,
    ),
  );
}

/** The conversation as the list cache holds it, if it does. */
const cachedSummary = (qc: QueryClient, id: string) =>
  qc.getQueryData<ConversationSummary[]>(keys.conversations)?.find((c) => c.id === id);

/** Applies one event under the cursor rule; false when it was stale (already applied through the feed). */
type Track = (conversationId: string, changeSeq: number, patch: () => void) => boolean;
type Handlers<E extends SyncedEvent> = Pick<AllHandlers, E>;

function messageHandlers(
  ctx: SyncContext,
  track: Track,
): Handlers<'message:created' | 'message:updated' | 'message:deleted' | 'reaction:updated'> {
  const { qc } = ctx;
  return {
    'message:created': (e) => {
      const message = e.message;
      const fresh = track(message.conversationId, e.changeSeq, () => {
        // A window that does not reach the latest message (opened around a search hit) must not get a gap.
        setMessages(qc, message.conversationId, (s) => (s.hasMoreAfter ? s : upsertMessage(s, message)));
        setMembers(qc, message.conversationId, (p) => senderReadUpTo(p, message));
        const list = qc.getQueryData<ConversationSummary[]>(keys.conversations);
        if (list && !list.some((c) => c.id === message.conversationId)) {
          void qc.invalidateQueries({ queryKey: keys.conversations });
        } else {
          setList(qc, (l) => bumpConversation(l, message, ctx.meId, ctx.activeConversationId()));
        }
      });
      if (fresh && message.senderId !== ctx.meId) ctx.onIncoming?.(message, { notifyEvenIfMuted: e.notifyEvenIfMuted });
    },
    'message:updated': (e) =>
      track(e.message.conversationId, e.changeSeq, () => {
        const s = qc.getQueryData<MessagesState>(keys.messages(e.message.conversationId));
        if (s?.hidden?.includes(e.message.id)) return;
        setMessages(qc, e.message.conversationId, (st) => replaceMessage(st, e.message));
        setList(qc, (l) => patchPreview(l, e.message));
      }),
    'message:deleted': (e) =>
      track(e.conversationId, e.changeSeq, () => {
        if (e.scope === 'me' || !e.message) {
          setMessages(qc, e.conversationId, (s) => hideMessage(s, e.messageId));
          return;
        }
        const tomb = e.message;
        if (qc.getQueryData<MessagesState>(keys.messages(e.conversationId))?.hidden?.includes(tomb.id)) return;
        setMessages(qc, e.conversationId, (s) => replaceMessage(s, tomb));
        setList(qc, (l) => patchPreview(l, tomb));
      }),
    'reaction:updated': (e) =>
      track(e.conversationId, e.changeSeq, () =>
        setMessages(qc, e.conversationId, (s) =>
          s.hidden?.includes(e.messageId) ? s : patchReactions(s, e.messageId, e.reactions),
        ),
      ),
  };
}

function conversationHandlers(
  ctx: SyncContext,
  track: Track,
): Handlers<'receipt:updated' | 'conversation:created' | 'conversation:updated' | 'conversation:removed'> {
  const { qc } = ctx;
  return {
    'receipt:updated': (e) =>
      track(e.conversationId, e.changeSeq, () => {
        setMembers(qc, e.conversationId, (p) => applyReceipt(p, e));
        if (e.userId === ctx.meId) {
          setList(qc, (l) =>
            l.map((c) =>
              c.id === e.conversationId && e.lastReadSeq >= c.lastSeq
                ? { ...c, unreadCount: 0, unreadMentions: 0, me: { ...c.me, lastReadSeq: e.lastReadSeq } }
                : c,
            ),
          );
        }
      }),
    'conversation:created': (e) =>
      setList(qc, (l) => (l.some((c) => c.id === e.conversation.id) ? l : sortConversations([e.conversation, ...l]))),
    'conversation:updated': (e) =>
      track(e.conversationId, e.changeSeq, () => {
        if (movesPermissions(cachedSummary(qc, e.conversationId), ctx.meId, { conversation: e.conversation }))
          void qc.invalidateQueries({ queryKey: keys.conversations });
        setList(qc, (l) =>
          sortConversations(
            l.map((c) => {
              if (c.id !== e.conversationId) return c;
              const merged = e.conversation ? mergeConversation(c, e.conversation) : c;
              if (!e.me) return merged;
              const read = e.me.lastReadSeq >= merged.lastSeq;
              return { ...merged, me: e.me, ...(read ? { unreadCount: 0, unreadMentions: 0 } : {}) };
            }),
          ),
        );
      }),
    'conversation:removed': (e) => {
      setList(qc, (l) => l.filter((c) => c.id !== e.conversationId));
      qc.removeQueries({ queryKey: keys.messages(e.conversationId) });
    },
  };
}

function participantHandlers(
  ctx: SyncContext,
  track: Track,
): Handlers<'participant:joined' | 'participant:updated' | 'participant:left' | 'typing' | 'presence'> {
  const { qc } = ctx;
  return {
    'participant:joined': (e) =>
      track(e.conversationId, e.changeSeq, () => {
        const known = qc
          .getQueryData<Participant[]>(keys.participants(e.conversationId))
          ?.some((p) => p.userId === e.participant.userId);
        setMembers(qc, e.conversationId, (p) => [...p.filter((x) => x.userId !== e.participant.userId), e.participant]);
        if (!known) setMemberCount(qc, e.conversationId, 1);
      }),
    'participant:updated': (e) =>
      track(e.conversationId, e.changeSeq, () => {
        if (movesPermissions(cachedSummary(qc, e.conversationId), ctx.meId, { participant: e.participant }))
          void qc.invalidateQueries({ queryKey: keys.conversations });
        setMembers(qc, e.conversationId, (p) => p.map((x) => (x.userId === e.participant.userId ? e.participant : x)));
      }),
    'participant:left': (e) =>
      track(e.conversationId, e.changeSeq, () => {
        const members = qc.getQueryData<Participant[]>(keys.participants(e.conversationId));
        if (members && !members.some((p) => p.userId === e.userId)) return;
        setMembers(qc, e.conversationId, (p) => p.filter((x) => x.userId !== e.userId));
        setMemberCount(qc, e.conversationId, -1);
      }),
    typing: (e) => {
      if (e.userId !== ctx.meId) ctx.onTyping?.(e.conversationId, e.userId, e.typing);
    },
    presence: (e) => ctx.onPresence?.(e.userId, e.status, e.lastSeenAt),
  };
}

/** Encrypted conversations: the events move the cursor and the list; the E2EE client decrypts itself. */
function e2eeHandlers(ctx: SyncContext, track: Track): Handlers<'e2ee:message' | 'e2ee:welcome' | 'e2ee:roster_stale'> {
  const { qc } = ctx;
  return {
    'e2ee:message': (e) => {
      track(e.conversationId, e.changeSeq, () => setList(qc, (l) => bumpEncrypted(l, e.message)));
      ctx.onE2ee?.({ type: 'message', conversationId: e.conversationId });
    },
    'e2ee:welcome': (e) => {
      track(e.conversationId, e.changeSeq, () => undefined);
      ctx.onE2ee?.({ type: 'welcome', conversationId: e.conversationId });
    },
    'e2ee:roster_stale': (e) => ctx.onE2ee?.({ type: 'roster', conversationId: e.conversationId }),
  };
}

/**
 * Socket events patch the cache directly: no refetches except for a conversation we have never seen,
 * and a change-feed pull when an event's changeSeq jumps past the cursor (see ChangeFeeds).
 */
export function socketHandlers(ctx: SyncContext): AllHandlers {
  const feeds =
    ctx.feeds ??
    new ChangeFeeds({
      qc: ctx.qc,
      meId: ctx.meId,
      activeConversationId: ctx.activeConversationId,
      ...(ctx.api ? { api: ctx.api } : {}),
    });
  const track: Track = (conversationId, changeSeq, patch) => {
    const verdict = feeds.observe(conversationId, changeSeq);
    if (verdict === 'stale') return false;
    patch();
    if (verdict === 'apply') feeds.advance(conversationId, changeSeq);
    else if (verdict === 'gap') void feeds.pull(conversationId).catch(() => undefined);
    return true;
  };
  return {
    ...messageHandlers(ctx, track),
    ...conversationHandlers(ctx, track),
    ...participantHandlers(ctx, track),
    ...e2eeHandlers(ctx, track),
  };
}

/**
 * After a reconnect: ask each conversation whose messages are cached for what changed since its
 * cursor, and patch. One request per open conversation, plus one for the list.
 */
export async function catchUp(qc: QueryClient, api: ApiClient, feeds?: ChangeFeeds, meId = ''): Promise<void> {
  const f = feeds ?? new ChangeFeeds({ qc, api, meId, activeConversationId: () => null });
  const cached = qc.getQueriesData<MessagesState>({ queryKey: ['messages'] });
  await Promise.all(cached.map(([key, state]) => (state ? f.pull(key[1] as string) : undefined)));
  await qc.invalidateQueries({ queryKey: keys.conversations });
}
