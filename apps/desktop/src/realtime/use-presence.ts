import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useConversations, useParticipants } from '../api/queries.ts';
import { type ChatSocket, request } from '../api/socket.ts';
import { useApp } from '../app-context.tsx';
import { reportPresence } from './presence-report.ts';
import { presenceBatches, presenceWanted } from './presence-targets.ts';

export type PresenceHandle = {
  /** Status per user id ('online', 'away', 'offline'). */
  presence: Record<string, string>;
  /** When people were last seen (null when their privacy setting hides it), for "last seen" lines. */
  lastSeen: Record<string, string | null>;
  /** A `presence` event from the server. */
  received(userId: string, status: string, lastSeenAt: string | null): void;
};

/**
 * Presence of the people I have direct chats with and of the members of the group on screen.
 * Subscriptions live on the socket: after a reconnect everything is subscribed again. And this
 * device's own: away while hidden, idle or (desktop) the computer is locked, so the server notifies
 * by Web Push and email instead.
 */
export function usePresence(
  socket: ChatSocket,
  connected: boolean,
  meId: string,
  activeId: string | null,
): PresenceHandle {
  const { platform } = useApp();
  const [presence, setPresence] = useState<Record<string, string>>({});
  const [lastSeen, setLastSeen] = useState<Record<string, string | null>>({});
  const subscribed = useRef(new Set<string>());
  const list = useConversations().data;
  const openGroup = list?.find((c) => c.id === activeId && c.kind !== 'direct');
  // Read from the cache only: the chat on screen loads its members.
  const members = useParticipants(openGroup?.id ?? '', { enabled: false }).data;
  const wanted = useMemo(
    () => presenceWanted(list, openGroup ? members : undefined, meId).join(','),
    [list, openGroup, members, meId],
  );

  useEffect(() => {
    if (!connected) {
      subscribed.current.clear();
      return;
    }
    if (!wanted) return;
    for (const batch of presenceBatches(wanted.split(','), subscribed.current)) {
      for (const id of batch) subscribed.current.add(id);
      void request(socket, 'presence:subscribe', { userIds: batch })
        .then((states) => {
          setPresence((p) => ({ ...p, ...Object.fromEntries(states.map((x) => [x.userId, x.status])) }));
          setLastSeen((l) => ({ ...l, ...Object.fromEntries(states.map((x) => [x.userId, x.lastSeenAt])) }));
        })
        .catch(() => {
          // Try again with the next change or reconnect.
          for (const id of batch) subscribed.current.delete(id);
        });
    }
  }, [connected, wanted, socket]);

  useEffect(() => {
    if (!connected) return;
    return reportPresence(
      (status) => void request(socket, 'presence:set', { status }).catch(() => undefined),
      platform.onSystemAway?.bind(platform),
    );
  }, [connected, socket, platform]);

  const received = useCallback((userId: string, status: string, lastSeenAt: string | null) => {
    setPresence((p) => ({ ...p, [userId]: status }));
    setLastSeen((l) => ({ ...l, [userId]: lastSeenAt }));
  }, []);
  return useMemo(() => ({ presence, lastSeen, received }), [presence, lastSeen, received]);
}
