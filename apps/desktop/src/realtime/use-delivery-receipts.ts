import type { Message } from '@charla/shared-types';
import { useCallback, useEffect, useMemo, useRef } from 'react';
import { useConversations } from '../api/queries.ts';
import type { ChatSocket } from '../api/socket.ts';

/**
 * "Delivered" receipts: for each message that reaches this device live, and, once connected, for
 * what arrived while it was away (the conversation list knows each conversation's latest seq).
 * Each conversation is acknowledged at most once per seq.
 */
export function useDeliveryReceipts(socket: ChatSocket, connected: boolean, meId: string): (m: Message) => void {
  const sent = useRef(new Map<string, number>());
  const list = useConversations().data;
  const behind = useMemo(
    () =>
      (list ?? [])
        .filter((c) => c.lastMessage && c.lastMessage.senderId !== meId && c.lastSeq > c.me.lastDeliveredSeq)
        .map((c) => [c.id, c.lastSeq] as const),
    [list, meId],
  );
  const ack = useCallback(
    (conversationId: string, seq: number) => {
      if ((sent.current.get(conversationId) ?? 0) >= seq) return;
      sent.current.set(conversationId, seq);
      socket.emit('message:delivered', { conversationId, seq });
    },
    [socket],
  );

  useEffect(() => {
    if (!connected) return;
    for (const [id, seq] of behind) ack(id, seq);
  }, [connected, behind, ack]);

  return useCallback((m: Message) => ack(m.conversationId, m.seq), [ack]);
}
