/**
 * Helpers for the conversation/message/realtime tests: a tiny typed REST client and real typed
 * socket.io-client connections.
 */
import { type Ack, type ClientToServerEvents, type ServerToClientEvents, socketCommands } from '@charla/shared-types';
import { io, type Socket } from 'socket.io-client';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type Res<T = unknown> = { status: number; body: { error: boolean; code?: string; message: string; data: T } };

/** REST calls as one user. */
export function restAs(api: string, token: string, space?: string) {
  const call = async <T = unknown>(method: string, path: string, body?: unknown): Promise<Res<T>> => {
    const res = await fetch(`${api}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(space === undefined ? {} : { 'x-charla-space': space }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Res<T>['body'] };
  };
  return {
    get: <T = unknown>(p: string) => call<T>('GET', p),
    post: <T = unknown>(p: string, b?: unknown) => call<T>('POST', p, b ?? {}),
    patch: <T = unknown>(p: string, b: unknown) => call<T>('PATCH', p, b),
    put: <T = unknown>(p: string, b?: unknown) => call<T>('PUT', p, b),
    del: <T = unknown>(p: string) => call<T>('DELETE', p),
  };
}
export type Rest = ReturnType<typeof restAs>;

/** Connects a real socket.io-client and waits for the handshake (rejects with connect_error). */
export function connectSocket(url: string, token: string | undefined, space?: string): Promise<ClientSocket> {
  const socket: ClientSocket = io(url, {
    auth: token === undefined ? {} : { token, ...(space === undefined ? {} : { space }) },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
}

/** Emits with an ack and a timeout (so a missing ack fails the test instead of hanging it). */
type LooseEmitter = {
  emitWithAck(event: string, ...args: unknown[]): Promise<unknown>;
  emit(event: string, ...args: unknown[]): unknown;
  on(event: string, listener: (e: never) => void): unknown;
  off(event: string, listener: (e: never) => void): unknown;
};
/** The typed socket seen loosely: tests must also send what the types forbid (bad payloads). */
export const loose = (socket: ClientSocket | ReturnType<ClientSocket['timeout']>) => socket as unknown as LooseEmitter;

/** Every successful ack is also checked against the socket contract's ack schema for its command. */
export async function emitAck<T = unknown>(
  socket: ClientSocket,
  event: string,
  ...payload: unknown[]
): Promise<Ack<T>> {
  const ack = (await loose(socket.timeout(5000)).emitWithAck(event, ...payload)) as Ack<T>;
  const contract = Object.hasOwn(socketCommands, event)
    ? socketCommands[event as keyof typeof socketCommands]
    : undefined;
  if (ack?.ok && contract) {
    const parsed = contract.ack.safeParse(ack.data);
    if (!parsed.success) throw new Error(`${event} acked data outside its contract: ${parsed.error.message}`);
  }
  return ack;
}

/** Collects every event of one kind a socket receives. */
export function record<E extends keyof ServerToClientEvents>(socket: ClientSocket, event: E) {
  const seen: Parameters<ServerToClientEvents[E]>[0][] = [];
  loose(socket).on(event, (e: Parameters<ServerToClientEvents[E]>[0]) => seen.push(e));
  return seen;
}

/** Resolves with the first matching event (or rejects after timeoutMs). */
export function nextEvent<E extends keyof ServerToClientEvents>(
  socket: ClientSocket,
  event: E,
  match: (e: Parameters<ServerToClientEvents[E]>[0]) => boolean = () => true,
  timeoutMs = 5000,
): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      loose(socket).off(event, listener);
      reject(new Error(`no ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (e: Parameters<ServerToClientEvents[E]>[0]) => {
      if (!match(e)) return;
      clearTimeout(timer);
      loose(socket).off(event, listener);
      resolve(e);
    };
    loose(socket).on(event, listener);
  });
}

/** Waits until `check` passes (polling), for effects that arrive asynchronously. */
export async function eventually(check: () => void | Promise<void>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
