import {
  type PresenceStatus,
  type SocketAuthErrorCode,
  socketConversationRefSchema,
  socketPresenceSubscribeSchema,
  socketSetPresenceSchema,
} from '@charla/shared-types';
import type { Logger } from 'pino';
import { toAppError } from '../../http/error-handler.ts';
import type { Storage } from '../../storage/ports.ts';
import type { AccountEvents } from '../auth/account-events.ts';
import type { AuthContext } from '../auth/auth.middleware.ts';
import { requireMember } from '../conversations/conversations.access.ts';
import { requirePost } from '../conversations/conversations.permissions.ts';
import type { MessagesService } from '../messages/messages.service.ts';
import { registerMessageEvents } from '../messages/messages.socket.ts';
import { type CharlaIo, type Fanout, sessionRoom, userRoom } from './realtime.fanout.ts';
import { type AuthedSocket, handle } from './realtime.handler.ts';
import { createPresenceFeature } from './realtime.presence.ts';
import { createRateLimiter } from './realtime.rate-limit.ts';
import type { PresenceStore, TypingStore } from './realtime.state.ts';

export const TYPING_TTL_MS = 5000;

export type RealtimeDeps = {
  storage: Storage;
  logger: Logger;
  clock: { now(): Date };
  fanout: Fanout;
  presence: PresenceStore;
  typing: TypingStore;
  messages: MessagesService;
  verifyAccessToken(token: string): Promise<AuthContext>;
  events?: AccountEvents;
  /** Per-socket limits; tests lower them to show flood handling. */
  limits?: {
    send?: [capacity: number, perSecond: number];
    events?: [number, number];
    typing?: [number, number];
    /** Bytes the server may hold for one socket that is not reading before it is cut off. */
    outboundBytes?: number;
    /** Users one account may follow across its sockets (default PRESENCE_PER_USER). */
    presencePerUser?: number;
  };
};

class HandshakeError extends Error {
  readonly data: { code: SocketAuthErrorCode };
  constructor(code: SocketAuthErrorCode, message: string) {
    super(message);
    this.data = { code };
  }
}

/** Wires authentication, rooms, presence, typing and the feature events onto a Socket.IO server. */
export function attachRealtime(io: CharlaIo, deps: RealtimeDeps): () => void {
  const { storage, logger, fanout, presence, typing } = deps;
  const sendLimiter = createRateLimiter(...(deps.limits?.send ?? [60, 20]));
  const eventLimiter = createRateLimiter(...(deps.limits?.events ?? [60, 30]));
  const typingLimiter = createRateLimiter(...(deps.limits?.typing ?? [10, 3]));
  const typingTimers = new Map<string, NodeJS.Timeout>();

  // A client that stops reading makes the server buffer everything sent to it, without bound (the
  // heartbeat only notices after ~45 s). Cut it off past a backlog: it reconnects and catches up.
  const outboundLimit = deps.limits?.outboundBytes ?? 8 * 1024 * 1024;
  const slowSweep = setInterval(() => {
    for (const s of io.sockets.sockets.values()) {
      const pending = outboundBacklog(s);
      if (pending <= outboundLimit) continue;
      logger.warn({ userId: s.data.userId, socketId: s.id, pending }, 'slow consumer disconnected');
      s.disconnect(true);
      // Free the buffers now rather than after the WebSocket close handshake times out.
      (s.conn.transport as unknown as { socket?: { terminate?(): void } }).socket?.terminate?.();
    }
  }, 250);
  slowSweep.unref();

  // Handshake: `io(url, { auth: { token } })`. The error's data.code tells the client what to do.
  io.use(async (socket, next) => {
    const token: unknown = socket.handshake.auth?.token;
    if (typeof token !== 'string' || token.length === 0) {
      next(new HandshakeError('unauthenticated', 'Missing access token'));
      return;
    }
    try {
      const auth = await deps.verifyAccessToken(token);
      const user = await storage.users.findById(auth.userId);
      if (!user || user.deletedAt) throw new HandshakeError('unauthenticated', 'Unknown account');
      if (user.suspendedAt) throw new HandshakeError('account_suspended', 'This account is suspended');
      socket.data = { userId: auth.userId, sessionId: auth.sessionId, role: auth.role };
      next();
    } catch (err) {
      if (err instanceof HandshakeError) return next(err);
      const code = toAppError(err)?.code;
      const known: SocketAuthErrorCode[] = ['token_expired', 'session_revoked', 'account_suspended'];
      const reason = code && (known as string[]).includes(code) ? (code as SocketAuthErrorCode) : 'unauthenticated';
      next(new HandshakeError(reason, reason === 'token_expired' ? 'Access token expired' : 'Not signed in'));
    }
  });

  const presenceFeature = createPresenceFeature({
    io,
    storage,
    presence,
    ...(deps.limits?.presencePerUser ? { perUser: deps.limits.presencePerUser } : {}),
  });
  const announcePresence = presenceFeature.announce;

  const typingKey = (c: string, u: string) => `${c}\u0000${u}`;
  async function emitTyping(conversationId: string, userId: string, isTyping: boolean): Promise<void> {
    const members = await storage.participants.listUserIds(conversationId);
    fanout.toUsers(
      members.filter((id) => id !== userId),
      'typing',
      { conversationId, userId, typing: isTyping },
    );
  }
  /** Expiry: announce "stopped" when no refresh arrived in time (checked against the shared store). */
  function scheduleTypingExpiry(conversationId: string, userId: string, delay: number): void {
    const key = typingKey(conversationId, userId);
    clearTimeout(typingTimers.get(key));
    const timer = setTimeout(async () => {
      typingTimers.delete(key);
      try {
        const left = await typing.remaining(conversationId, userId);
        if (left > 0) scheduleTypingExpiry(conversationId, userId, left + 20);
        else await emitTyping(conversationId, userId, false);
      } catch (err) {
        logger.warn({ err }, 'typing expiry failed');
      }
    }, delay);
    timer.unref();
    typingTimers.set(key, timer);
  }

  io.on('connection', (raw) => {
    const socket = raw as unknown as AuthedSocket;
    const { userId, sessionId } = socket.data;
    socket.join([userRoom(userId), sessionRoom(sessionId)]);
    const typingIn = new Set<string>();

    void (async () => {
      try {
        if (await presence.connect(userId, socket.id)) await announcePresence(userId);
      } catch (err) {
        logger.warn({ err }, 'presence connect failed');
      }
    })();

    registerMessageEvents(socket, { messages: deps.messages, logger, sendLimiter, eventLimiter });

    handle(
      socket,
      'typing:start',
      { schema: socketConversationRefSchema, limiter: typingLimiter, logger },
      async (p) => {
        const m = await requireMember(storage, p.conversationId, userId);
        // "X is typing…" from someone who may not post (announcement mode) would only be noise to everyone.
        requirePost(m.conversation, m.me);
        typingIn.add(p.conversationId);
        // Throttle: only the transition to "typing" is broadcast; repeats just extend the expiry.
        if (await typing.start(p.conversationId, userId, TYPING_TTL_MS))
          await emitTyping(p.conversationId, userId, true);
        scheduleTypingExpiry(p.conversationId, userId, TYPING_TTL_MS + 20);
        return null;
      },
    );
    handle(
      socket,
      'typing:stop',
      { schema: socketConversationRefSchema, limiter: typingLimiter, logger },
      async (p) => {
        await requireMember(storage, p.conversationId, userId);
        typingIn.delete(p.conversationId);
        if (await typing.stop(p.conversationId, userId)) await emitTyping(p.conversationId, userId, false);
        return null;
      },
    );
    handle(socket, 'presence:set', { schema: socketSetPresenceSchema, limiter: eventLimiter, logger }, async (p) => {
      const before = (await presence.statuses([userId])).get(userId);
      const after: PresenceStatus = await presence.setDevice(userId, socket.id, p.status);
      if (before !== after) await announcePresence(userId);
      return presenceFeature.own(userId);
    });
    handle(
      socket,
      'presence:subscribe',
      { schema: socketPresenceSubscribeSchema, limiter: eventLimiter, logger },
      // Replaces the socket's set. Live updates go to a room, not filtered per viewer, so only the
      // users the caller may see get a room.
      async (p) => presenceFeature.subscribe(socket, p.userIds),
    );

    socket.on('disconnect', () => {
      sendLimiter.forget(socket.id);
      eventLimiter.forget(socket.id);
      typingLimiter.forget(socket.id);
      void (async () => {
        try {
          for (const c of typingIn) if (await typing.stop(c, userId)) await emitTyping(c, userId, false);
          if (await presence.disconnect(userId, socket.id)) {
            await storage.users.update(userId, { lastSeenAt: deps.clock.now() });
            await announcePresence(userId);
          }
        } catch (err) {
          logger.warn({ err }, 'presence disconnect failed');
        }
      })();
    });
  });

  // Account facts: a revoked session or a suspended/deleted user loses its sockets at once (on every
  // node: the room-based disconnect goes through the adapter).
  const recheckPresence = (userIds: readonly string[]) => {
    presenceFeature.recheck(userIds).catch((err: unknown) => logger.warn({ err }, 'presence recheck failed'));
  };
  const unsubscribe = [
    // Who may see whose presence: a block, a membership that ended, a changed last-seen setting.
    deps.events?.on('user:blocked', ({ userId, otherId }) => recheckPresence([userId, otherId])),
    fanout.onMembershipEnded(recheckPresence),
    deps.events?.on('user:updated', ({ userId }) => {
      presenceFeature.announce(userId, true).catch((err: unknown) => logger.warn({ err }, 'presence announce failed'));
    }),
    deps.events?.on('session:revoked', ({ sessionId }) => fanout.disconnectSession(sessionId)),
    deps.events?.on('user:suspended', ({ userId }) => fanout.disconnectUser(userId)),
    deps.events?.on('user:deleted', ({ userId }) => fanout.disconnectUser(userId)),
  ];
  return () => {
    clearInterval(slowSweep);
    for (const off of unsubscribe) off?.();
    for (const t of typingTimers.values()) clearTimeout(t);
    typingTimers.clear();
  };
}

/**
 * Bytes queued for a socket: packets engine.io holds while the transport is busy (the WebSocket
 * transport waits for each write to reach the kernel) plus the WebSocket's own send buffer.
 */
export function outboundBacklog(socket: unknown): number {
  const conn = (socket as { conn?: { transport?: unknown; writeBuffer?: { data?: unknown }[] } } | undefined)?.conn;
  const ws = (conn?.transport as { socket?: { bufferedAmount?: number } } | undefined)?.socket;
  let queued = 0;
  for (const packet of conn?.writeBuffer ?? []) {
    const data = packet.data;
    queued += typeof data === 'string' ? data.length : ((data as { byteLength?: number } | undefined)?.byteLength ?? 0);
  }
  return (ws?.bufferedAmount ?? 0) + queued;
}
