import { createContext, type ReactNode, useCallback, useContext, useMemo } from 'react';
import type { OutboxEntry } from '../api/outbox.ts';
import type { ChatSocket } from '../api/socket.ts';
import { useApp } from '../app-context.tsx';
import { useChatSocket } from './chat-socket.ts';
import { useLiveSync } from './live-sync.ts';
import { useActiveConversation } from './use-active-conversation.ts';
import { useDeliveryReceipts } from './use-delivery-receipts.ts';
import { useIncomingNotifications } from './use-incoming-notifications.ts';
import { type Draft, useOutbox } from './use-outbox.ts';
import { usePresence } from './use-presence.ts';
import { useTyping } from './use-typing.ts';
import { useUnreadBadge } from './use-unread-badge.ts';

export type { Draft } from './use-outbox.ts';

type RealtimeValue = {
  socket: ChatSocket;
  connected: boolean;
  pending: OutboxEntry[];
  send: (conversationId: string, draft: Draft) => Promise<void>;
  retry: (clientMsgId: string) => void;
  discard: (clientMsgId: string) => void;
  typing: Record<string, string[]>;
  presence: Record<string, string>;
  /** When people were last seen (null when hidden by their privacy setting). */
  lastSeen: Record<string, string | null>;
  emitTyping: (conversationId: string) => void;
  setActive: (conversationId: string | null) => void;
};

const RealtimeContext = createContext<RealtimeValue | null>(null);

/**
 * The live side of a signed-in session, composed from hooks with one job each: the socket, server
 * facts into the cache, the outbox, delivery receipts, notifications, typing, presence and the
 * unread badge. Screens read it through useRealtime().
 */
export function RealtimeProvider({ meId, children }: { meId: string; children: ReactNode }) {
  const { space } = useApp();
  const { socket, connected } = useChatSocket();
  const active = useActiveConversation();
  const outbox = useOutbox(socket, meId, active.current, space.id);
  const typing = useTyping(socket);
  const presence = usePresence(socket, connected, meId, active.activeId);
  const delivered = useDeliveryReceipts(socket, connected, meId);
  const notify = useIncomingNotifications(meId);
  useUnreadBadge();
  useLiveSync(socket, meId, active.current, {
    onIncoming: (m, event) => {
      delivered(m);
      notify(m, event);
    },
    onTyping: typing.received,
    onPresence: presence.received,
    onSynced: () => void outbox.flush(),
  });

  const { send: queue, pending, retry, discard } = outbox;
  const { stopTyping } = typing;
  const send = useCallback(
    async (conversationId: string, draft: Draft) => {
      const queued = queue(conversationId, draft);
      stopTyping(conversationId);
      await queued;
    },
    [queue, stopTyping],
  );

  const value = useMemo(
    () => ({
      socket,
      connected,
      pending,
      send,
      retry,
      discard,
      typing: typing.typing,
      presence: presence.presence,
      lastSeen: presence.lastSeen,
      emitTyping: typing.emitTyping,
      setActive: active.setActive,
    }),
    [
      socket,
      connected,
      pending,
      send,
      retry,
      discard,
      typing.typing,
      presence.presence,
      presence.lastSeen,
      typing.emitTyping,
      active.setActive,
    ],
  );
  return <RealtimeContext.Provider value={value}>{children}</RealtimeContext.Provider>;
}

export function useRealtime(): RealtimeValue {
  const ctx = useContext(RealtimeContext);
  if (!ctx) throw new Error('useRealtime outside RealtimeProvider');
  return ctx;
}
