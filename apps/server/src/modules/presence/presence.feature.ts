import type { Presence } from '@charla/shared-types';
import { AppError } from '../../http/errors.ts';
import type { Storage } from '../../storage/ports.ts';
import { accountRoom, type CharlaIo } from '../realtime/realtime.fanout.ts';
import type { AuthedSocket } from '../realtime/realtime.handler.ts';
import type { PresenceStore } from './presence.state.ts';

/** Sockets that follow this user's presence. */
export const presenceRoom = (userId: string) => `presence:${userId}`;

/** One `presence:subscribe` names at most this many users (the schema's max): the per-socket cap. */
export const PRESENCE_PER_SOCKET = 500;
/** Users one account may follow across all its sockets (several devices, a few tabs each). */
export const PRESENCE_PER_USER = 2000;

const ROOM_PREFIX = presenceRoom('');

export type PresenceFeatureDeps = {
  io: CharlaIo;
  storage: Storage;
  presence: PresenceStore;
  perUser?: number;
};

/**
 * Who sees whose presence. Every lookup costs a fixed number of storage round trips for the whole
 * batch (never one per id), and a subscription replaces the socket's previous set, so a client
 * cannot pile up rooms by subscribing again and again.
 */
export function createPresenceFeature(deps: PresenceFeatureDeps) {
  const { io, storage, presence } = deps;
  const perUser = deps.perUser ?? PRESENCE_PER_USER;

  /**
   * States of `ids` as `viewerId` may see them, and the ids whose live events the viewer may get:
   * people sharing a direct chat or group with the viewer (a channel is not enough), neither side
   * blocking the other, whose last-seen setting is "everyone" (it covers online/offline too). The
   * viewer always sees itself. Anyone else looks offline, never seen. Without a viewer: the state
   * as published to a presence room.
   */
  async function look(ids: string[], viewerId?: string): Promise<{ states: Presence[]; live: Set<string> }> {
    const others = viewerId ? ids.filter((id) => id !== viewerId) : [];
    const [statuses, users, blocked, sharing] = await Promise.all([
      presence.statuses(ids),
      storage.users.findByIds(ids),
      viewerId && others.length ? storage.blocks.blockedEitherWayAmong(viewerId, others) : Promise.resolve([]),
      viewerId && others.length ? storage.participants.sharingChatsWith(viewerId, others) : Promise.resolve([]),
    ]);
    const byId = new Map(users.map((u) => [u.id, u]));
    const hidden = new Set(blocked);
    const coMembers = new Set(sharing);
    const live = new Set<string>();
    const states = ids.map((userId): Presence => {
      const user = byId.get(userId);
      const self = userId === viewerId;
      const shown = Boolean(
        user &&
          !user.deletedAt &&
          (self ||
            (user.lastSeenVisibility === 'everyone' && (!viewerId || (coMembers.has(userId) && !hidden.has(userId))))),
      );
      if (shown) live.add(userId);
      const lastSeen = shown && user?.lastSeenVisibility === 'everyone' ? user.lastSeenAt : null;
      return {
        userId,
        status: shown ? (statuses.get(userId) ?? 'offline') : 'offline',
        lastSeenAt: lastSeen ? lastSeen.toISOString() : null,
      };
    });
    return { states, live };
  }

  /**
   * Publishes a user's state to their followers. A user who hides it publishes nothing when they
   * come and go (an event at that moment would give it away); `settingsChanged` publishes the
   * hidden state once, so followers drop what they last saw.
   */
  async function announce(userId: string, settingsChanged = false): Promise<void> {
    const { states, live } = await look([userId]);
    const [p] = states;
    if (p && (live.has(userId) || settingsChanged)) io.to(presenceRoom(userId)).emit('presence', p);
  }

  /** Sockets in these rooms on every node (this node's alone while the cluster adapter is down). */
  async function socketsIn(rooms: string[]) {
    try {
      return await io.in(rooms).fetchSockets();
    } catch {
      return io.local.in(rooms).fetchSockets();
    }
  }

  /**
   * Who may see whom changed for these users (left or removed from a conversation, a block): every
   * socket following one of them, and every socket of theirs following anyone, is checked again.
   * Followers no longer allowed leave the room and get the hidden state once. One storage lookup
   * per affected viewer, not per pair.
   */
  async function recheck(userIds: readonly string[]): Promise<void> {
    const changed = new Set(userIds);
    if (!changed.size) return;
    const sockets = await socketsIn([...changed].flatMap((id) => [accountRoom(id), presenceRoom(id)]));
    const followedBy = new Map<string, { socket: (typeof sockets)[number]; followed: string[] }[]>();
    for (const socket of sockets) {
      const viewer = socket.data.userId;
      const followed = [...socket.rooms]
        .filter((r) => r.startsWith(ROOM_PREFIX))
        .map((r) => r.slice(ROOM_PREFIX.length))
        .filter((id) => changed.has(viewer) || changed.has(id));
      if (followed.length) followedBy.set(viewer, [...(followedBy.get(viewer) ?? []), { socket, followed }]);
    }
    for (const [viewer, entries] of followedBy) {
      const ids = [...new Set(entries.flatMap((e) => e.followed))];
      const { states, live } = await look(ids, viewer);
      const hiddenState = new Map(
        states.map((s) => [s.userId, { ...s, status: 'offline' as const, lastSeenAt: null }]),
      );
      for (const { socket, followed } of entries)
        for (const id of followed) {
          if (live.has(id)) continue;
          socket.leave(presenceRoom(id));
          const state = hiddenState.get(id);
          if (state) socket.emit('presence', state);
        }
    }
  }

  /** `presence:subscribe`: the socket now follows exactly these users (those it may see). */
  async function subscribe(socket: AuthedSocket, userIds: string[]): Promise<Presence[]> {
    const viewerId = socket.data.userId;
    const ids = [...new Set(userIds)].slice(0, PRESENCE_PER_SOCKET);
    // Counted before any storage work: an account over its budget costs one small store call.
    if (!(await presence.reserveFollows(viewerId, socket.id, ids.length, perUser)))
      throw new AppError(
        429,
        'rate_limited',
        `Your devices together follow the presence of too many people (at most ${perUser}); close some windows`,
      );
    const { states, live } = await look(ids, viewerId);
    const rooms = new Set([...live].map(presenceRoom));
    for (const room of socket.rooms) if (room.startsWith(ROOM_PREFIX) && !rooms.has(room)) socket.leave(room);
    socket.join([...rooms]);
    return states;
  }

  /** The caller's own state, as it sees itself. */
  async function own(userId: string): Promise<Presence> {
    const [mine] = (await look([userId], userId)).states;
    if (!mine) throw new Error('presence lookup failed');
    return mine;
  }

  return { look, announce, subscribe, own, recheck };
}

export type PresenceFeature = ReturnType<typeof createPresenceFeature>;
