import { useEffect, useMemo, useRef, useState } from 'react';
import { type ChatSocket, createChatSocket } from '../api/socket.ts';
import { useApp } from '../app-context.tsx';

/**
 * The signed-in user's one socket: created per platform and space, connected while mounted, and reconnected
 * when the browser says it is online again. `connected` follows the socket.
 */
export function useChatSocket(): { socket: ChatSocket; connected: boolean } {
  const { platform, sessionLost, space } = useApp();
  const lost = useRef(sessionLost);
  lost.current = sessionLost;
  const spaceLost = useRef(space.lost);
  spaceLost.current = space.lost;
  // One socket per space: switching spaces unmounts the screens (closing this one) and opens the next.
  const socket = useMemo(
    () =>
      createChatSocket(
        platform.serverUrl(),
        platform.session,
        (r) => lost.current(r),
        space.id,
        () => spaceLost.current(),
      ),
    [platform, space.id],
  );
  const [connected, setConnected] = useState(false);
  useEffect(() => {
    const up = () => setConnected(true);
    const down = () => setConnected(false);
    const onOnline = () => {
      if (!socket.connected) socket.connect();
    };
    socket.on('connect', up);
    socket.on('disconnect', down);
    window.addEventListener('online', onOnline);
    socket.connect();
    return () => {
      window.removeEventListener('online', onOnline);
      // Only our handlers: the socket's own auth handlers (createChatSocket) must survive a remount.
      socket.off('connect', up);
      socket.off('disconnect', down);
      socket.disconnect();
      setConnected(false);
    };
  }, [socket]);
  return { socket, connected };
}
