import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useConversations, useParticipants } from '../api/queries.ts';
import { type ChatSocket, request } from '../api/socket.ts';
import { presenceBatches, presenceWanted } from './presence-targets.ts';

export type PresenceHandle = {
  /** Status per user id ('online', 'away', 'offline'). */
  presence: Record<string, string>;
  /** A `presence` event from the server. */
  received(userId: string, status: string): void;
};

/**
 * Presence of the people I have direct chats with and of the members of the group on screen.
 * Subscriptions live on the socket: after a reconnect everything is subscribed again.
 */
export function usePresence(
  socket: ChatSocket,
  connected: boolean,
  meId: string,
  activeId: string | null,
): PresenceHandle {
  const [presence, setPresence] = useState<Record<string, string>>({});
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
        .then((states) =>
          setPresence((p) => ({ ...p, ...Object.fromEntries(states.map((x) => [x.userId, x.status])) })),
        )
        .catch(() => {
          // Try again with the next change or reconnect.
          for (const id of batch) subscribed.current.delete(id);
        });
    }
  }, [connected, wanted, socket]);

  const received = useCallback(
    (userId: string, status: string) => setPresence((p) => ({ ...p, [userId]: status })),
    [],
  );
  return useMemo(() => ({ presence, received }), [presence, received]);
}
