import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents, SocketData } from '@charla/shared-types';
import type { Server } from 'socket.io';

export type CharlaIo = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type ServerEvent = keyof ServerToClientEvents;
export type EventArgs<E extends ServerEvent> = Parameters<ServerToClientEvents[E]>;

/** Every socket joins its user's room: events reach all devices of that user, on any node. */
export const userRoom = (userId: string) => `user:${userId}`;
/** Lets a revoked session be disconnected on whichever node holds it. */
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;

/** How features publish facts to sockets, on every node (through the cluster adapter when there is one). */
export type Fanout = {
  /** All devices of these users. */
  toUsers<E extends ServerEvent>(userIds: readonly string[], event: E, ...args: EventArgs<E>): void;
  /** Every socket in these rooms (a feature's own rooms, e.g. presence watchers). */
  toRooms<E extends ServerEvent>(rooms: readonly string[], event: E, ...args: EventArgs<E>): void;
  disconnectSession(sessionId: string): void;
  disconnectUser(userId: string): void;
  /**
   * Every path that ends someone's membership (leave, removal, deletion) tells them with
   * `conversation:removed`; listeners (presence: who may still see whom) hear the user ids.
   */
  onMembershipEnded(listener: (userIds: readonly string[]) => void): () => void;
  /**
   * Hears every `event` published to users (before delivery, on this node, with or without sockets):
   * features that react to facts, such as push notifications to users who are not connected.
   * Listeners must not throw.
   */
  observe<E extends ServerEvent>(
    event: E,
    listener: (userIds: readonly string[], ...args: EventArgs<E>) => void,
  ): () => void;
  /**
   * Every fact published to users on this node, once (not once per recipient), for in-process
   * observers that react to what happened (points). Listeners must not throw or block.
   */
  onPublished(listener: PublishedListener): () => void;
};

export type PublishedFact = { [E in ServerEvent]: { event: E; args: EventArgs<E> } }[ServerEvent];
export type PublishedListener = (fact: PublishedFact) => void;

type LooseEmit = (e: string, ...a: unknown[]) => boolean;

export function createFanout(io: CharlaIo, onError?: (err: unknown) => void): Fanout {
  const membershipEnded = new Set<(userIds: readonly string[]) => void>();
  const observers = new Map<ServerEvent, Set<(userIds: readonly string[], ...args: unknown[]) => void>>();
  const published = new Set<PublishedListener>();
  const toRooms = <E extends ServerEvent>(rooms: readonly string[], event: E, ...args: EventArgs<E>) => {
    if (rooms.length === 0) return;
    // One emit to the union of rooms: a socket in several of them still gets the event once.
    const unique = [...new Set(rooms)];
    try {
      (io.to(unique).emit as LooseEmit)(event, ...args);
    } catch (err) {
      // A cluster adapter that cannot publish (Redis gone) throws before delivering locally: this
      // node's clients still get the event; other nodes' clients catch up through the change feed.
      onError?.(err);
      (io.local.to(unique).emit as LooseEmit)(event, ...args);
    }
  };
  return {
    toUsers(userIds, event, ...args) {
      if (event === 'conversation:removed') for (const listener of membershipEnded) listener(userIds);
      for (const listener of observers.get(event) ?? []) {
        try {
          listener(userIds, ...args);
        } catch (err) {
          onError?.(err);
        }
      }
      toRooms(userIds.map(userRoom), event, ...args);
      for (const listener of published) listener({ event, args } as PublishedFact);
    },
    toRooms,
    disconnectSession(sessionId) {
      io.in(sessionRoom(sessionId)).disconnectSockets(true);
    },
    disconnectUser(userId) {
      io.in(userRoom(userId)).disconnectSockets(true);
    },
    onMembershipEnded(listener) {
      membershipEnded.add(listener);
      return () => membershipEnded.delete(listener);
    },
    observe(event, listener) {
      const set = observers.get(event) ?? new Set();
      const loose = listener as (userIds: readonly string[], ...args: unknown[]) => void;
      set.add(loose);
      observers.set(event, set);
      return () => set.delete(loose);
    },
    onPublished(listener) {
      published.add(listener);
      return () => published.delete(listener);
    },
  };
}
