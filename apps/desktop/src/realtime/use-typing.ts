import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ChatSocket } from '../api/socket.ts';

const TYPING_THROTTLE_MS = 3_000;
/** A "typing" that is not repeated or stopped expires on its own (the server's TTL plus margin). */
const TYPING_TTL_MS = 6_000;

export type TypingHandle = {
  /** Who is typing, per conversation. */
  typing: Record<string, string[]>;
  /** A `typing` event from the server. */
  received(conversationId: string, userId: string, isTyping: boolean): void;
  /** The user typed in the composer: tells the server, at most every few seconds. */
  emitTyping(conversationId: string): void;
  /** The user sent (or cleared) the draft. */
  stopTyping(conversationId: string): void;
};

/** Typing indicators, both ways. */
export function useTyping(socket: ChatSocket): TypingHandle {
  const [typing, setTyping] = useState<Record<string, string[]>>({});
  const timers = useRef(new Map<string, ReturnType<typeof setTimeout>>());
  const lastEmit = useRef(new Map<string, number>());

  useEffect(() => {
    const pending = timers.current;
    return () => {
      for (const t of pending.values()) clearTimeout(t);
      pending.clear();
    };
  }, []);

  const received = useCallback((conversationId: string, userId: string, isTyping: boolean) => {
    const key = `${conversationId}:${userId}`;
    clearTimeout(timers.current.get(key));
    const without = (t: Record<string, string[]>) => (t[conversationId] ?? []).filter((u) => u !== userId);
    setTyping((t) => ({ ...t, [conversationId]: isTyping ? [...without(t), userId] : without(t) }));
    if (isTyping)
      timers.current.set(
        key,
        setTimeout(() => setTyping((t) => ({ ...t, [conversationId]: without(t) })), TYPING_TTL_MS),
      );
  }, []);
  const emitTyping = useCallback(
    (conversationId: string) => {
      const now = Date.now();
      if (now - (lastEmit.current.get(conversationId) ?? 0) < TYPING_THROTTLE_MS) return;
      lastEmit.current.set(conversationId, now);
      if (socket.connected) socket.emit('typing:start', { conversationId });
    },
    [socket],
  );
  const stopTyping = useCallback(
    (conversationId: string) => {
      socket.emit('typing:stop', { conversationId });
      lastEmit.current.delete(conversationId);
    },
    [socket],
  );
  return useMemo(() => ({ typing, received, emitTyping, stopTyping }), [typing, received, emitTyping, stopTyping]);
}
