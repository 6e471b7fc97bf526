import {
  type ConversationSummary,
  changeFeedSchema,
  type Message,
  type Participant,
  paths,
  type ServerToClientEvents,
} from '@charla/shared-types';
import type { QueryClient } from '@tanstack/react-query';
import {
  applyChanges,
  applyReceipt,
  bumpConversation,
  type MessagesState,
  patchPreview,
  patchReactions,
  removeMessage,
  sortConversations,
  upsertMessage,
} from './cache.ts';
import type { ApiClient } from './client.ts';
import { keys } from './query-keys.ts';

type Handlers = { [E in keyof ServerToClientEvents]: ServerToClientEvents[E] };

export type SyncContext = {
  qc: QueryClient;
  meId: string;
  activeConversationId: () => string | null;
  onIncoming?: (m: Message) => void;
  onTyping?: (conversationId: string, userId: string, typing: boolean) => void;
  onPresence?: (userId: string, status: string) => void;
};

function setMessages(qc: QueryClient, conversationId: string, fn: (s: MessagesState) => MessagesState) {
  qc.setQueryData<MessagesState>(keys.messages(conversationId), (s) => (s ? fn(s) : s));
}
function setList(qc: QueryClient, fn: (l: ConversationSummary[]) => ConversationSummary[]) {
  qc.setQueryData<ConversationSummary[]>(keys.conversations, (l) => (l ? fn(l) : l));
}

/** Socket events patch the cache directly: no refetches except for a conversation we have never seen. */
export function socketHandlers(ctx: SyncContext): Handlers {
  const { qc } = ctx;
  const messageArrived = (message: Message, changeSeq: number) => {
    // A window that does not reach the latest message (opened around a search hit) must not get a gap.
    setMessages(qc, message.conversationId, (s) =>
      s.hasMoreAfter ? { ...s, changeSeq: Math.max(s.changeSeq, changeSeq) } : upsertMessage(s, message, changeSeq),
    );
    const list = qc.getQueryData<ConversationSummary[]>(keys.conversations);
    if (list && !list.some((c) => c.id === message.conversationId)) {
      void qc.invalidateQueries({ queryKey: keys.conversations });
    } else {
      setList(qc, (l) => bumpConversation(l, message, ctx.meId, ctx.activeConversationId()));
    }
  };
  return {
    'message:created': (e) => {
      messageArrived(e.message, e.changeSeq);
      if (e.message.senderId !== ctx.meId) ctx.onIncoming?.(e.message);
    },
    'message:updated': (e) => {
      setMessages(qc, e.message.conversationId, (s) => upsertMessage(s, e.message, e.changeSeq));
      setList(qc, (l) => patchPreview(l, e.message));
    },
    'message:deleted': (e) => {
      if (e.scope === 'me' || !e.message)
        setMessages(qc, e.conversationId, (s) => removeMessage(s, e.messageId, e.changeSeq));
      else {
        const tomb = e.message;
        setMessages(qc, e.conversationId, (s) => upsertMessage(s, tomb, e.changeSeq));
        setList(qc, (l) => patchPreview(l, tomb));
      }
    },
    'reaction:updated': (e) =>
      setMessages(qc, e.conversationId, (s) => patchReactions(s, e.messageId, e.reactions, e.changeSeq)),
    'receipt:updated': (e) => {
      qc.setQueryData<Participant[]>(keys.participants(e.conversationId), (p) => (p ? applyReceipt(p, e) : p));
      if (e.userId === ctx.meId) {
        setList(qc, (l) =>
          l.map((c) =>
            c.id === e.conversationId && e.lastReadSeq >= c.lastSeq
              ? { ...c, unreadCount: 0, unreadMentions: 0, me: { ...c.me, lastReadSeq: e.lastReadSeq } }
              : c,
          ),
        );
      }
    },
    typing: (e) => {
      if (e.userId !== ctx.meId) ctx.onTyping?.(e.conversationId, e.userId, e.typing);
    },
    presence: (e) => ctx.onPresence?.(e.userId, e.status),
    'conversation:created': (e) =>
      setList(qc, (l) => (l.some((c) => c.id === e.conversation.id) ? l : sortConversations([e.conversation, ...l]))),
    'conversation:updated': (e) =>
      setList(qc, (l) =>
        sortConversations(
          l.map((c) =>
            c.id === e.conversationId
              ? {
                  ...c,
                  ...(e.conversation ?? {}),
                  me: e.me ?? c.me,
                  lastMessage: c.lastMessage,
                  unreadCount: c.unreadCount,
                }
              : c,
          ),
        ),
      ),
    'conversation:removed': (e) => {
      setList(qc, (l) => l.filter((c) => c.id !== e.conversationId));
      qc.removeQueries({ queryKey: keys.messages(e.conversationId) });
    },
    'participant:joined': (e) =>
      qc.setQueryData<Participant[]>(keys.participants(e.conversationId), (p) =>
        p ? [...p.filter((x) => x.userId !== e.participant.userId), e.participant] : p,
      ),
    'participant:updated': (e) =>
      qc.setQueryData<Participant[]>(keys.participants(e.conversationId), (p) =>
        p ? p.map((x) => (x.userId === e.participant.userId ? e.participant : x)) : p,
      ),
    'participant:left': (e) =>
      qc.setQueryData<Participant[]>(keys.participants(e.conversationId), (p) =>
        p ? p.filter((x) => x.userId !== e.userId) : p,
      ),
  };
}

/**
 * After a reconnect: ask each conversation whose messages are cached for what changed since our
 * cursor, and patch. One request per open conversation, plus one for the list.
 */
export async function catchUp(qc: QueryClient, api: ApiClient): Promise<void> {
  const cached = qc.getQueriesData<MessagesState>({ queryKey: ['messages'] });
  await Promise.all(
    cached.map(async ([key, state]) => {
      const conversationId = key[1] as string;
      if (!state) return;
      let after = state.changeSeq;
      for (let round = 0; round < 20; round++) {
        const feed = await api.get(`${paths.conversations.changes(conversationId)}?after=${after}`, changeFeedSchema);
        const current = qc.getQueryData<MessagesState>(keys.messages(conversationId));
        const members = qc.getQueryData<Participant[]>(keys.participants(conversationId));
        const next = applyChanges(current, members, feed.entries);
        if (next.messages) qc.setQueryData(keys.messages(conversationId), { ...next.messages, changeSeq: feed.cursor });
        if (next.participants) qc.setQueryData(keys.participants(conversationId), next.participants);
        after = feed.cursor;
        if (!feed.hasMore) break;
      }
    }),
  );
  await qc.invalidateQueries({ queryKey: keys.conversations });
}
