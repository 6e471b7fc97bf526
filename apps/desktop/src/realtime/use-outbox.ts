import { type ConversationSummary, HOME_SPACE_ID, type Message, type Participant } from '@charla/shared-types';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { addSentMessage, bumpConversation, type MessagesState, senderReadUpTo } from '../api/cache.ts';
import { newClientMsgId, Outbox, type OutboxEntry, outboxName } from '../api/outbox.ts';
import { keys } from '../api/query-keys.ts';
import { type ChatSocket, request } from '../api/socket.ts';

export type Draft = { text: string; replyToId?: string; mentions: string[]; attachments?: string[] };

export type OutboxHandle = {
  /** Entries not acknowledged yet (shown under the history, with retry/discard when failed). */
  pending: OutboxEntry[];
  /** Queues a message and sends it at once when connected; otherwise on the next connect. */
  send(conversationId: string, draft: Draft): Promise<void>;
  retry(clientMsgId: string): void;
  discard(clientMsgId: string): void;
  /** Sends what is queued (after a connect and its catch-up). */
  flush(): Promise<void>;
};

/**
 * Sending, exactly once: drafts go to a persistent outbox (IndexedDB, per user and space) and out over the
 * socket with their clientMsgId, so a retry after a lost ack is idempotent on the server. The ack
 * (the stored message) goes straight into the cache.
 */
export function useOutbox(
  socket: ChatSocket,
  meId: string,
  activeConversationId: () => string | null,
  spaceId: string = HOME_SPACE_ID,
): OutboxHandle {
  const qc = useQueryClient();
  const active = useRef(activeConversationId);
  active.current = activeConversationId;
  // One outbox per space: what was queued in a space is only ever sent on that space's socket.
  const outbox = useMemo(() => new Outbox(outboxName(meId, spaceId)), [meId, spaceId]);
  const [pending, setPending] = useState<OutboxEntry[]>([]);

  const onSent = useCallback(
    (_e: OutboxEntry, m: Message) => {
      qc.setQueryData<MessagesState>(keys.messages(m.conversationId), (s) => (s ? addSentMessage(s, m) : s));
      // Sending means I have read up to my message (no receipt comes for it).
      qc.setQueryData<Participant[]>(keys.participants(m.conversationId), (p) => (p ? senderReadUpTo(p, m) : p));
      qc.setQueryData<ConversationSummary[]>(keys.conversations, (l) =>
        l ? bumpConversation(l, m, meId, active.current()) : l,
      );
    },
    [qc, meId],
  );
  const flush = useCallback(
    () =>
      outbox.flush(
        (e) =>
          request(socket, 'message:send', {
            conversationId: e.conversationId,
            clientMsgId: e.clientMsgId,
            text: e.text,
            attachments: e.attachments,
            mentions: e.mentions,
            ...(e.replyToId ? { replyToId: e.replyToId } : {}),
          }),
        onSent,
      ),
    [outbox, socket, onSent],
  );

  useEffect(() => {
    const unsubscribe = outbox.subscribe(setPending);
    const onOnline = () => {
      if (socket.connected) void flush();
    };
    window.addEventListener('online', onOnline);
    return () => {
      unsubscribe();
      window.removeEventListener('online', onOnline);
      void outbox.close();
    };
  }, [outbox, socket, flush]);

  const send = useCallback(
    async (conversationId: string, draft: Draft) => {
      await outbox.add({
        clientMsgId: newClientMsgId(),
        conversationId,
        text: draft.text,
        mentions: draft.mentions,
        attachments: draft.attachments ?? [],
        ...(draft.replyToId ? { replyToId: draft.replyToId } : {}),
      });
      if (socket.connected && navigator.onLine) await flush();
    },
    [outbox, socket, flush],
  );
  const retry = useCallback(
    (id: string) => void outbox.retry(id).then(() => (socket.connected ? flush() : undefined)),
    [outbox, socket, flush],
  );
  const discard = useCallback((id: string) => void outbox.remove(id), [outbox]);
  return useMemo(() => ({ pending, send, retry, discard, flush }), [pending, send, retry, discard, flush]);
}
