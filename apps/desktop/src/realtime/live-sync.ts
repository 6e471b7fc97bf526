import type { Message } from '@charla/shared-types';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { ChangeFeeds } from '../api/change-feed.ts';
import type { ChatSocket } from '../api/socket.ts';
import { catchUp, socketHandlers } from '../api/sync.ts';
import { useApp } from '../app-context.tsx';

export type LiveSyncHooks = {
  /** A message from someone else, applied in order (not one already applied through the change feed). */
  onIncoming(m: Message, event: { notifyEvenIfMuted: string[] }): void;
  onTyping(conversationId: string, userId: string, typing: boolean): void;
  onPresence(userId: string, status: string, lastSeenAt: string | null): void;
  /** After every connect, once a reconnect's catch-up is done (the outbox flushes then). */
  onSynced(): void;
};

/**
 * Server facts into the cache: binds the socket's events to the cache updaters (api/sync.ts) and,
 * after a reconnect, catches up through the change feed before anything else goes out (after the
 * first connect, in the background).
 */
export function useLiveSync(
  socket: ChatSocket,
  meId: string,
  activeConversationId: () => string | null,
  hooks: LiveSyncHooks,
): void {
  const { api } = useApp();
  const qc = useQueryClient();
  const latest = useRef(hooks);
  latest.current = hooks;
  const active = useRef(activeConversationId);
  active.current = activeConversationId;

  useEffect(() => {
    const activeId = () => active.current();
    const feeds = new ChangeFeeds({ qc, api, meId, activeConversationId: activeId });
    const handlers = socketHandlers({
      qc,
      meId,
      api,
      feeds,
      activeConversationId: activeId,
      onIncoming: (m, event) => latest.current.onIncoming(m, event),
      onTyping: (c, u, typing) => latest.current.onTyping(c, u, typing),
      onPresence: (u, status, lastSeenAt) => latest.current.onPresence(u, status, lastSeenAt),
    });
    const bound = Object.entries(handlers) as [keyof typeof handlers, (...args: never[]) => void][];
    for (const [event, fn] of bound) socket.on(event, fn as never);
    let firstConnect = true;
    const onConnect = () => {
      const reconnect = !firstConnect;
      firstConnect = false;
      void (async () => {
        if (reconnect) await catchUp(qc, api, feeds, meId).catch(() => undefined);
        // The first connect can come after the first list and history fetches: what happened in
        // between (a channel joined from another device, a message) reached no room of ours, so
        // catch up in the background too, without holding the outbox.
        else void catchUp(qc, api, feeds, meId).catch(() => undefined);
        latest.current.onSynced();
      })();
    };
    socket.on('connect', onConnect);
    return () => {
      for (const [event, fn] of bound) socket.off(event, fn as never);
      socket.off('connect', onConnect);
    };
  }, [socket, qc, api, meId]);
}
