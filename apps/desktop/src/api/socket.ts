import {
  type Ack,
  type ClientToServerEvents,
  type ServerToClientEvents,
  SOCKET_PATH,
  socketAuthErrorCodes,
} from '@charla/shared-types';
import { io, type Socket } from 'socket.io-client';
import type { SessionPort } from '../platform/platform.ts';
import type { SessionLostReason } from './client.ts';
import { ApiError } from './errors.ts';

export type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * The typed realtime connection. The access token goes in the handshake and is fetched on every
 * (re)connect; an expired token is refreshed and the socket reconnects, a revoked one signs out.
 */
export function createChatSocket(
  base: string,
  session: Pick<SessionPort, 'getAccessToken'>,
  onSessionLost: (r: SessionLostReason) => void,
): ChatSocket {
  let forceRefresh = false;
  const socket: ChatSocket = io(base || undefined, {
    path: SOCKET_PATH,
    autoConnect: false,
    transports: ['websocket'],
    auth: (cb) => {
      const force = forceRefresh;
      forceRefresh = false;
      session.getAccessToken({ forceRefresh: force }).then(
        (token) => cb({ token }),
        () => cb({ token: null }),
      );
    },
  });
  // The server drops sockets of revoked sessions; reconnecting makes it say why (session_revoked).
  socket.on('disconnect', (reason) => {
    if (reason === 'io server disconnect') setTimeout(() => socket.connect(), 250);
  });
  socket.on('connect_error', (err) => {
    const code = (err as Error & { data?: { code?: string } }).data?.code;
    if (!code || !(socketAuthErrorCodes as readonly string[]).includes(code)) return; // transport error: auto-retry
    if (code === 'token_expired') {
      forceRefresh = true;
      setTimeout(() => socket.connect(), 0);
      return;
    }
    onSessionLost(code === 'session_revoked' ? 'revoked' : 'expired');
  });
  return socket;
}

type EventName = keyof ClientToServerEvents;
type PayloadOf<E extends EventName> = Parameters<ClientToServerEvents[E]>[0];
type AckData<E extends EventName> = Parameters<ClientToServerEvents[E]>[1] extends
  | ((ack: Ack<infer T>) => void)
  | undefined
  ? T
  : never;

/** Emits a command and resolves with its ack data; rejects with ApiError (code 'network' on timeout/offline). */
export function request<E extends EventName>(
  socket: ChatSocket,
  event: E,
  payload: PayloadOf<E>,
  timeoutMs = 10_000,
): Promise<AckData<E>> {
  return new Promise((resolve, reject) => {
    // Never let socket.io buffer a command while disconnected: the outbox owns retries.
    if (!socket.connected) {
      reject(new ApiError('network', 0, 'Not connected'));
      return;
    }
    const timed = socket.timeout(timeoutMs);
    // socket.io's typed emit cannot express a generic event name; the payload/ack types come from E.
    const emit = timed.emit as unknown as (
      e: E,
      p: PayloadOf<E>,
      cb: (err: Error | null, ack: Ack<AckData<E>>) => void,
    ) => void;
    emit.call(timed, event, payload, (err, ack) => {
      if (err) reject(new ApiError('network', 0, 'No answer from the server'));
      else if (ack.ok) resolve(ack.data);
      else reject(new ApiError(ack.error.code, 400, ack.error.message, undefined, ack.error.retryAfter));
    });
  });
}
