import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents, SocketData } from '@charla/shared-types';
import type { Server } from 'socket.io';
import { currentSpaceId, isHomeSpace } from '../../storage/spaces/space-scope.ts';

export type CharlaIo = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type ServerEvent = keyof ServerToClientEvents;
export type EventArgs<E extends ServerEvent> = Parameters<ServerToClientEvents[E]>;

/**
 * Every socket joins its user's room in the space it is open in: events published in a space reach
 * all devices of that user that are open in that space, on any node, and nothing else.
 */
export const userRoom = (userId: string, spaceId = currentSpaceId()) =>
  isHomeSpace(spaceId) ? `user:${userId}` : `space:${spaceId}:user:${userId}`;
/** Every socket of an account, whatever space it is open in (sign-out everywhere, space badges). */
export const accountRoom = (userId: string) => `account:${userId}`;
/** Every socket open in a space (a deleted space closes them). */
export const spaceRoom = (spaceId: string) => `space:${spaceId}`;
/** How often one account hears `space:activity` about one space, at most. */
const ACTIVITY_EVERY_MS = 2000;
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
  /** Closes the sockets open in a space: one member's (left, removed) or everyone's (deleted). */
  disconnectFromSpace(spaceId: string, userId?: string): void;
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
  /** Per (space, account): when the last nudge went out, and whether one waits for the window's end. */
  const activity = new Map<string, { last: number; trailing: NodeJS.Timeout | null }>();
  const nudge = (userId: string, spaceId: string) => {
    try {
      io.to(accountRoom(userId)).except(userRoom(userId, spaceId)).emit('space:activity', { spaceId });
    } catch (err) {
      onError?.(err);
    }
  };
  /**
   * Tells the user's sockets open in other spaces that this one has news (badges; no content): at
   * most one nudge per window per account and space, the last one never dropped.
   */
  function spaceActivity(userIds: readonly string[], spaceId: string): void {
    const now = Date.now();
    for (const userId of userIds) {
      const key = `${spaceId}:${userId}`;
      const seen = activity.get(key);
      if (!seen || now - seen.last >= ACTIVITY_EVERY_MS) {
        if (activity.size >= 100_000) activity.clear();
        activity.set(key, { last: now, trailing: null });
        nudge(userId, spaceId);
      } else if (!seen.trailing) {
        seen.trailing = setTimeout(
          () => {
            activity.set(key, { last: Date.now(), trailing: null });
            nudge(userId, spaceId);
          },
          ACTIVITY_EVERY_MS - (now - seen.last),
        );
        seen.trailing.unref();
      }
    }
  }
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
      const spaceId = currentSpaceId();
      toRooms(
        userIds.map((id) => userRoom(id, spaceId)),
        event,
        ...args,
      );
      if (event === 'message:created' || event === 'e2ee:message') spaceActivity(userIds, spaceId);
      for (const listener of published) listener({ event, args } as PublishedFact);
    },
    toRooms,
    disconnectSession(sessionId) {
      io.in(sessionRoom(sessionId)).disconnectSockets(true);
    },
    disconnectFromSpace(spaceId, userId) {
      io.in(userId ? userRoom(userId, spaceId) : spaceRoom(spaceId)).disconnectSockets(true);
    },
    disconnectUser(userId) {
      io.in(accountRoom(userId)).disconnectSockets(true);
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
