import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents, SocketData } from '@charla/shared-types';
import type { Server } from 'socket.io';
import type { Storage } from '../../storage/ports.ts';

export type CharlaIo = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type ServerEvent = keyof ServerToClientEvents;
export type EventArgs<E extends ServerEvent> = Parameters<ServerToClientEvents[E]>;

/** Every socket joins its user's room: events reach all devices of that user, on any node. */
export const userRoom = (userId: string) => `user:${userId}`;
/** Lets a revoked session be disconnected on whichever node holds it. */
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;
/** Sockets that asked for this user's presence. */
export const presenceRoom = (userId: string) => `presence:${userId}`;

/**
 * How services publish facts. Routes are mounted before the Socket.IO server exists, so the server
 * is attached later; before that (or without sockets, e.g. in REST-only tests) emits are dropped.
 */
export type Fanout = {
  attach(io: CharlaIo): void;
  toUsers<E extends ServerEvent>(userIds: readonly string[], event: E, ...args: EventArgs<E>): void;
  /** All devices of all active members. */
  toMembers<E extends ServerEvent>(conversationId: string, event: E, ...args: EventArgs<E>): Promise<void>;
  disconnectSession(sessionId: string): void;
  disconnectUser(userId: string): void;
  /**
   * Every path that ends someone's membership (leave, removal, deletion) tells them with
   * `conversation:removed`; listeners (presence: who may still see whom) hear the user ids.
   */
  onMembershipEnded(listener: (userIds: readonly string[]) => void): () => void;
  /**
   * Every fact published on this node, once (not once per recipient), for in-process observers that
   * react to what happened (points). Listeners run after delivery and must not throw or block.
   */
  onPublished(listener: PublishedListener): () => void;
};

export type PublishedFact = { [E in ServerEvent]: { event: E; args: EventArgs<E> } }[ServerEvent];
export type PublishedListener = (fact: PublishedFact) => void;

type LooseEmit = (e: string, ...a: unknown[]) => boolean;

export function createFanout(storage: Storage, onError?: (err: unknown) => void): Fanout {
  let io: CharlaIo | undefined;
  const membershipEnded = new Set<(userIds: readonly string[]) => void>();
  const published = new Set<PublishedListener>();
  const toUsers = <E extends ServerEvent>(userIds: readonly string[], event: E, ...args: EventArgs<E>) => {
    if (event === 'conversation:removed') for (const listener of membershipEnded) listener(userIds);
    for (const listener of published) listener({ event, args } as PublishedFact);
    if (!io || userIds.length === 0) return;
    // One emit to the union of rooms: a socket in several of them still gets the event once.
    const rooms = [...new Set(userIds)].map(userRoom);
    try {
      (io.to(rooms).emit as LooseEmit)(event, ...args);
    } catch (err) {
      // A cluster adapter that cannot publish (Redis gone) throws before delivering locally: this
      // node's clients still get the event; other nodes' clients catch up through the change feed.
      onError?.(err);
      (io.local.to(rooms).emit as LooseEmit)(event, ...args);
    }
  };
  return {
    attach(server) {
      io = server;
    },
    toUsers,
    async toMembers(conversationId, event, ...args) {
      if (!io) return;
      toUsers(await storage.participants.listUserIds(conversationId), event, ...args);
    },
    disconnectSession(sessionId) {
      io?.in(sessionRoom(sessionId)).disconnectSockets(true);
    },
    disconnectUser(userId) {
      io?.in(userRoom(userId)).disconnectSockets(true);
    },
    onMembershipEnded(listener) {
      membershipEnded.add(listener);
      return () => membershipEnded.delete(listener);
    },
    onPublished(listener) {
      published.add(listener);
      return () => published.delete(listener);
    },
  };
}
