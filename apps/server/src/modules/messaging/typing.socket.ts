import type { Logger } from 'pino';
import type { Storage } from '../../storage/ports.ts';
import type { Fanout } from '../realtime/realtime.fanout.ts';
import type { SocketFeature } from '../realtime/realtime.types.ts';
import { requireMember } from './conversations.access.ts';
import { requirePost } from './conversations.permissions.ts';
import type { TypingStore } from './typing.state.ts';

export const TYPING_TTL_MS = 5000;

/**
 * "Typing…" in a conversation: only members may say it, only the transition to typing is
 * broadcast (repeats extend the expiry), and it stops on its own after ~5 s, on `typing:stop`, or
 * when the socket goes away.
 */
export function createTypingSockets(deps: {
  storage: Storage;
  fanout: Fanout;
  typing: TypingStore;
  logger: Logger;
}): SocketFeature & { close(): void } {
  const { storage, fanout, typing, logger } = deps;
  const timers = new Map<string, NodeJS.Timeout>();
  /** Conversations each socket said it is typing in, to stop them when it disconnects. */
  const typingIn = new Map<string, Set<string>>();

  const key = (c: string, u: string) => `${c}\u0000${u}`;
  async function emit(conversationId: string, userId: string, isTyping: boolean): Promise<void> {
    const members = await storage.participants.listUserIds(conversationId);
    fanout.toUsers(
      members.filter((id) => id !== userId),
      'typing',
      { conversationId, userId, typing: isTyping },
    );
  }
  /** Expiry: announce "stopped" when no refresh arrived in time (checked against the shared store). */
  function scheduleExpiry(conversationId: string, userId: string, delay: number): void {
    const k = key(conversationId, userId);
    clearTimeout(timers.get(k));
    const timer = setTimeout(async () => {
      timers.delete(k);
      try {
        const left = await typing.remaining(conversationId, userId);
        if (left > 0) scheduleExpiry(conversationId, userId, left + 20);
        else await emit(conversationId, userId, false);
      } catch (err) {
        logger.warn({ err }, 'typing expiry failed');
      }
    }, delay);
    timer.unref();
    timers.set(k, timer);
  }

  return {
    commands: {
      'typing:start': {
        limit: 'typing',
        async run(p, { userId, socketId }) {
          const m = await requireMember(storage, p.conversationId, userId);
          // "X is typing…" from someone who may not post (announcement mode) would only be noise to everyone.
          requirePost(m.conversation, m.me);
          const mine = typingIn.get(socketId) ?? new Set<string>();
          mine.add(p.conversationId);
          typingIn.set(socketId, mine);
          if (await typing.start(p.conversationId, userId, TYPING_TTL_MS)) await emit(p.conversationId, userId, true);
          scheduleExpiry(p.conversationId, userId, TYPING_TTL_MS + 20);
          return null;
        },
      },
      'typing:stop': {
        limit: 'typing',
        async run(p, { userId, socketId }) {
          await requireMember(storage, p.conversationId, userId);
          typingIn.get(socketId)?.delete(p.conversationId);
          if (await typing.stop(p.conversationId, userId)) await emit(p.conversationId, userId, false);
          return null;
        },
      },
    },
    async disconnected({ userId, socketId }) {
      const conversations = typingIn.get(socketId) ?? new Set<string>();
      typingIn.delete(socketId);
      for (const c of conversations) if (await typing.stop(c, userId)) await emit(c, userId, false);
    },
    close() {
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
    },
  };
}
