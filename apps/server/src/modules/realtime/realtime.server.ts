import { HOME_SPACE_ID, type SocketAuthErrorCode, type SocketCommand, socketCommandNames } from '@charla/shared-types';
import type { Logger } from 'pino';
import { toAppError } from '../../http/error-handler.ts';
import type { AuthContext } from '../../http/request.ts';
import type { Storage } from '../../storage/ports.ts';
import { runInSpace, type SpaceScope } from '../../storage/spaces/space-scope.ts';
import { accountRoom, type CharlaIo, sessionRoom, spaceRoom, userRoom } from './realtime.fanout.ts';
import { type AuthedSocket, handle } from './realtime.handler.ts';
import { createRateLimiter, type RateLimiter } from './realtime.rate-limit.ts';
import type { CommandHandler, CommandLimit, SocketCaller, SocketFeature } from './realtime.types.ts';

/** Per-socket limits; tests lower them to show flood handling. */
export type RealtimeLimits = {
  send?: [capacity: number, perSecond: number];
  events?: [number, number];
  typing?: [number, number];
  /** Bytes the server may hold for one socket that is not reading before it is cut off. */
  outboundBytes?: number;
  /** Users one account may follow across its sockets (modules/presence; default PRESENCE_PER_USER). */
  presencePerUser?: number;
};

export type RealtimeDeps = {
  storage: Storage;
  logger: Logger;
  verifyAccessToken(token: string): Promise<AuthContext>;
  limits?: RealtimeLimits;
  /** Every feature's socket side, in one list. */
  features: SocketFeature[];
  /**
   * The space a handshake asks for (`auth.space`), as this account may enter it; throws 404 when it
   * may not. Absent: every socket is in the home space.
   */
  enterSpace?(spaceId: string, auth: AuthContext): Promise<SpaceScope>;
};

class HandshakeError extends Error {
  readonly data: { code: SocketAuthErrorCode };
  constructor(code: SocketAuthErrorCode, message: string) {
    super(message);
    this.data = { code };
  }
}

/**
 * The command table: every contract command answered by exactly one feature. Adding a command is
 * one contract entry and one handler; a command nobody answers (or two features answer) stops the
 * server at start-up rather than acking `internal` at run time.
 */
function commandTable(features: SocketFeature[]): Map<SocketCommand, CommandHandler<SocketCommand>> {
  const table = new Map<SocketCommand, CommandHandler<SocketCommand>>();
  for (const feature of features)
    for (const [command, handler] of Object.entries(feature.commands) as [SocketCommand, CommandHandler<never>][]) {
      if (table.has(command)) throw new Error(`socket command ${command} has two handlers`);
      table.set(command, handler as CommandHandler<SocketCommand>);
    }
  const missing = socketCommandNames.filter((c) => !table.has(c));
  if (missing.length) throw new Error(`socket commands without a handler: ${missing.join(', ')}`);
  return table;
}

/**
 * The realtime transport: the handshake (access token, live account), the user and session rooms,
 * per-socket rate limits, the slow-consumer cut-off, and dispatch of each contract command to the
 * feature that answers it. It knows no feature.
 */
export function attachRealtime(io: CharlaIo, deps: RealtimeDeps): () => void {
  const { storage, logger } = deps;
  const table = commandTable(deps.features);
  /** From the handshake to the connection: the space each socket was let into. */
  const scopes = new Map<string, SpaceScope>();
  const limiters: Record<CommandLimit, RateLimiter> = {
    send: createRateLimiter(...(deps.limits?.send ?? [60, 20])),
    events: createRateLimiter(...(deps.limits?.events ?? [60, 30])),
    typing: createRateLimiter(...(deps.limits?.typing ?? [10, 3])),
  };

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
      const wanted: unknown = socket.handshake.auth?.space;
      let scope: SpaceScope = { spaceId: HOME_SPACE_ID, space: null };
      if (wanted !== undefined && wanted !== null && wanted !== HOME_SPACE_ID) {
        if (typeof wanted !== 'string' || !deps.enterSpace)
          throw new HandshakeError('space_not_found', 'Unknown space');
        scope = await deps.enterSpace(wanted, auth).catch(() => {
          throw new HandshakeError('space_not_found', 'Unknown space');
        });
      }
      scopes.set(socket.id, scope);
      socket.data = { userId: auth.userId, sessionId: auth.sessionId, role: auth.role, spaceId: scope.spaceId };
      next();
    } catch (err) {
      if (err instanceof HandshakeError) return next(err);
      const code = toAppError(err)?.code;
      const known: SocketAuthErrorCode[] = ['token_expired', 'session_revoked', 'account_suspended'];
      const reason = code && (known as string[]).includes(code) ? (code as SocketAuthErrorCode) : 'unauthenticated';
      next(new HandshakeError(reason, reason === 'token_expired' ? 'Access token expired' : 'Not signed in'));
    }
  });

  io.on('connection', (raw) => {
    const socket = raw as unknown as AuthedSocket;
    const { userId, sessionId, spaceId } = socket.data;
    const scope = scopes.get(socket.id) ?? { spaceId: HOME_SPACE_ID, space: null };
    scopes.delete(socket.id);
    socket.join([userRoom(userId, spaceId), accountRoom(userId), sessionRoom(sessionId), spaceRoom(spaceId)]);
    const caller: SocketCaller = { userId, sessionId, socketId: socket.id, join: (rooms) => socket.join(rooms) };

    // Everything this socket does acts in the space it was opened in.
    runInSpace(scope, () => {
      for (const feature of deps.features)
        feature.connected?.(caller).catch((err: unknown) => logger.warn({ err }, 'socket connect hook failed'));
    });
    for (const [command, handler] of table)
      handle(socket, command, { limiter: limiters[handler.limit], logger }, (payload) =>
        runInSpace(scope, () => handler.run(payload, caller)),
      );

    socket.on('disconnect', () => {
      scopes.delete(socket.id);
      for (const limiter of Object.values(limiters)) limiter.forget(socket.id);
      for (const feature of deps.features)
        runInSpace(scope, () =>
          feature.disconnected?.(caller).catch((err: unknown) => logger.warn({ err }, 'socket disconnect hook failed')),
        );
    });
  });

  return () => clearInterval(slowSweep);
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
