/**
 * A minimal client model for catch-up tests: what a client keeps of one conversation and how it applies
 * change-feed entries (the rules documented on `changeEntrySchema` in shared-types).
 */
import type {
  ChangeEntry,
  ChangeFeed,
  Conversation,
  ConversationDetails,
  HistoryPage,
  Message,
  MyConversationState,
  Page,
  Participant,
} from '@charla/shared-types';
import type { ClientSocket, Rest } from './chat.ts';

/** What a client keeps of one conversation, fed only by the change feed. */
export type Local = {
  cursor: number;
  conversation: Conversation | null;
  me: MyConversationState | null;
  messages: Map<string, Message>;
  participants: Map<string, Participant>;
  /** Messages deleted for me. */
  hidden?: Set<string>;
};

export function apply(local: Local, entries: ChangeEntry[]): void {
  for (const e of entries) {
    applyOne(local, e);
    // Counters that move with every change are derived, not re-sent.
    const c = local.conversation;
    if (c) {
      c.changeSeq = Math.max(c.changeSeq, e.changeSeq);
      if (e.type === 'message' && e.message.seq > c.lastSeq) {
        c.lastSeq = e.message.seq;
        c.lastActivityAt = e.message.createdAt;
      }
      if (e.type === 'participant' || e.type === 'participant_left') c.memberCount = local.participants.size;
    }
  }
}

function applyOne(local: Local, e: ChangeEntry): void {
  if (e.type === 'message') {
    // Deleted for me stays deleted for me, whatever later events say about the message.
    if (local.hidden?.has(e.message.id)) return;
    local.messages.set(e.message.id, e.message);
    // Sending implies the sender has read (and received) everything up to their message.
    const sender = e.message.senderId ? local.participants.get(e.message.senderId) : undefined;
    if (sender)
      local.participants.set(sender.userId, {
        ...sender,
        lastReadSeq: Math.max(sender.lastReadSeq, e.message.seq),
        lastDeliveredSeq: Math.max(sender.lastDeliveredSeq, e.message.seq),
      });
  } else if (e.type === 'message_hidden') {
    local.messages.delete(e.messageId);
    local.hidden ??= new Set();
    local.hidden.add(e.messageId);
  } else if (e.type === 'participant') local.participants.set(e.participant.userId, e.participant);
  else if (e.type === 'participant_left') local.participants.delete(e.userId);
  else if (e.type === 'conversation') local.conversation = e.conversation;
  else if (e.type === 'me') local.me = e.me;
  else if (e.type === 'receipt') {
    const p = local.participants.get(e.receipt.userId);
    if (p)
      local.participants.set(p.userId, {
        ...p,
        lastReadSeq: e.receipt.lastReadSeq,
        lastDeliveredSeq: e.receipt.lastDeliveredSeq,
      });
  }
}

export async function catchUp(r: Rest, id: string, local: Local, pageSize: number): Promise<number> {
  let calls = 0;
  for (;;) {
    const feed = (await r.get<ChangeFeed>(`/conversations/${id}/changes?after=${local.cursor}&limit=${pageSize}`)).body
      .data;
    calls++;
    apply(local, feed.entries);
    local.cursor = feed.cursor;
    if (!feed.hasMore) return calls;
  }
}

/** The server's truth as the same user sees it, fetched the slow way. */
export async function serverState(r: Rest, id: string) {
  const messages = new Map<string, Message>();
  let after = 0;
  for (;;) {
    const page = (await r.get<HistoryPage>(`/conversations/${id}/messages?after=${after}&limit=100`)).body.data;
    for (const m of page.items) messages.set(m.id, m);
    const last = page.items.at(-1);
    if (!page.hasMoreAfter || !last) break;
    after = last.seq;
  }
  const participants = (await r.get<Page<Participant>>(`/conversations/${id}/participants?limit=100`)).body.data.items;
  const details = (await r.get<ConversationDetails>(`/conversations/${id}`)).body.data;
  return { messages, participants, details };
}

/**
 * The client rule for live events: apply an event only when its changeSeq is exactly cursor + 1;
 * ignore older ones (the feed already gave something at least as new); on a jump, fetch the feed.
 * Returns a function that attaches the rule to a (re)connected socket.
 */
export function liveSync(r: Rest, conversationId: string, local: Local) {
  let fetching: Promise<void> | null = null;
  let again = false;
  let fetches = 0;
  const fetchFeed = (): Promise<void> => {
    if (fetching) {
      again = true;
      return fetching;
    }
    fetching = (async () => {
      do {
        again = false;
        fetches++;
        await catchUp(r, conversationId, local, 200);
      } while (again);
      fetching = null;
    })();
    return fetching;
  };
  const take = (changeSeq: number, entries: () => ChangeEntry[]) => {
    if (fetching || changeSeq > local.cursor + 1) {
      void fetchFeed();
      return;
    }
    if (changeSeq <= local.cursor) return;
    apply(local, entries());
    local.cursor = changeSeq;
  };
  return {
    fetchFeed,
    get fetches() {
      return fetches;
    },
    attach(socket: ClientSocket) {
      socket.on('message:created', (e) => {
        if (e.message.conversationId === conversationId)
          take(e.changeSeq, () => [{ type: 'message', changeSeq: e.changeSeq, message: e.message }]);
      });
      socket.on('message:updated', (e) => {
        if (e.message.conversationId === conversationId)
          take(e.changeSeq, () => [{ type: 'message', changeSeq: e.changeSeq, message: e.message }]);
      });
      socket.on('message:deleted', (e) => {
        if (e.conversationId !== conversationId) return;
        take(e.changeSeq, () =>
          e.scope === 'me' || !e.message
            ? [{ type: 'message_hidden', changeSeq: e.changeSeq, messageId: e.messageId }]
            : [{ type: 'message', changeSeq: e.changeSeq, message: e.message }],
        );
      });
      socket.on('reaction:updated', (e) => {
        if (e.conversationId !== conversationId) return;
        take(e.changeSeq, () => {
          const m = local.messages.get(e.messageId);
          return m ? [{ type: 'message', changeSeq: e.changeSeq, message: { ...m, reactions: e.reactions } }] : [];
        });
      });
      socket.on('receipt:updated', (e) => {
        if (e.conversationId !== conversationId) return;
        const { changeSeq, ...receipt } = e;
        take(changeSeq, () => [{ type: 'receipt', changeSeq, receipt }]);
      });
      socket.on('participant:joined', (e) => {
        if (e.conversationId === conversationId)
          take(e.changeSeq, () => [{ type: 'participant', changeSeq: e.changeSeq, participant: e.participant }]);
      });
      socket.on('participant:updated', (e) => {
        if (e.conversationId === conversationId)
          take(e.changeSeq, () => [{ type: 'participant', changeSeq: e.changeSeq, participant: e.participant }]);
      });
      socket.on('participant:left', (e) => {
        if (e.conversationId === conversationId)
          take(e.changeSeq, () => [{ type: 'participant_left', changeSeq: e.changeSeq, userId: e.userId }]);
      });
      socket.on('conversation:updated', (e) => {
        if (e.conversationId !== conversationId) return;
        take(e.changeSeq, () => {
          const out: ChangeEntry[] = [];
          if (e.conversation) out.push({ type: 'conversation', changeSeq: e.changeSeq, conversation: e.conversation });
          if (e.me) out.push({ type: 'me', changeSeq: e.changeSeq, me: e.me });
          return out;
        });
      });
    },
  };
}
