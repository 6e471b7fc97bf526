import {
  type Ack,
  type ClientToServerEvents,
  type CommandPayload,
  type CommandResult,
  HOME_SPACE_ID,
  type ServerToClientEvents,
  SOCKET_PATH,
  type SocketCommand,
  socketAuthErrorCodes,
  socketCommands,
} from '@charla/shared-types';
import { io, type Socket } from 'socket.io-client';
import { ApiError } from '../platform/errors.ts';
import type { SessionPort } from '../platform/platform.ts';
import type { SessionLostReason } from './client.ts';

export type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * The typed realtime connection. The access token goes in the handshake and is fetched on every
 * (re)connect; an expired token is refreshed and the socket reconnects, a revoked one signs out.
 */
export function createChatSocket(
  base: string,
  session: Pick<SessionPort, 'getAccessToken'>,
  onSessionLost: (r: SessionLostReason) => void,
  /** The space this socket is opened in: it hears that space's events (and space:activity for others). */
  space: string = HOME_SPACE_ID,
  /** The server says the space is gone or this account is no longer in it. */
  onSpaceLost: () => void = () => undefined,
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
        (token) => cb(space === HOME_SPACE_ID ? { token } : { token, space }),
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
    if (code === 'space_not_found') {
      onSpaceLost();
      return;
    }
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

/**
 * Emits a command and resolves with its ack data, checked against the socket contract's ack schema
 * (as REST replies are checked against theirs). Rejects with ApiError: 'network' on timeout or
 * offline, 'bad_response' when the ack does not match the contract, else the server's code.
 */
export function request<C extends SocketCommand>(
  socket: ChatSocket,
  command: C,
  payload: CommandPayload<C>,
  timeoutMs = 10_000,
): Promise<CommandResult<C>> {
  return new Promise((resolve, reject) => {
    // Never let socket.io buffer a command while disconnected: the outbox owns retries.
    if (!socket.connected) {
      reject(new ApiError('network', 0, 'Not connected'));
      return;
    }
    const settle = (err: Error | null, ack: Ack<unknown> | undefined) => {
      if (err || !ack) reject(new ApiError('network', 0, 'No answer from the server'));
      else if (!ack.ok) reject(new ApiError(ack.error.code, 400, ack.error.message, undefined, ack.error.retryAfter));
      else {
        const parsed = socketCommands[command].ack.safeParse(ack.data);
        if (parsed.success) resolve(parsed.data as CommandResult<C>);
        else reject(new ApiError('bad_response', 0, 'The server sent an unexpected response'));
      }
    };
    // socket.io's typed emit cannot take a generic command name; the contract fixes payload and ack.
    const timed = socket.timeout(timeoutMs);
    const emit = timed.emit as (
      command: SocketCommand,
      payload: unknown,
      ack: (err: Error | null, ack: Ack<unknown>) => void,
    ) => void;
    emit.call(timed, command, payload, settle);
  });
}
