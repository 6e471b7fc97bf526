import type { Presence } from '@charla/shared-types';
import { AppError } from '../../http/errors.ts';
import type { Storage } from '../../storage/ports.ts';
import { type CharlaIo, presenceRoom } from './realtime.fanout.ts';
import type { AuthedSocket } from './realtime.handler.ts';
import type { PresenceStore } from './realtime.state.ts';

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
   * States of `ids` as `viewerId` may see them, and the ids whose live events the viewer may get.
   * Without a viewer: the state as published to a presence room (last seen per the user's setting).
   */
  async function look(ids: string[], viewerId?: string): Promise<{ states: Presence[]; live: Set<string> }> {
    const others = viewerId ? ids.filter((id) => id !== viewerId) : [];
    const [statuses, users, blocked] = await Promise.all([
      presence.statuses(ids),
      storage.users.findByIds(ids),
      viewerId && others.length ? storage.blocks.blockedEitherWayAmong(viewerId, others) : Promise.resolve([]),
    ]);
    const byId = new Map(users.map((u) => [u.id, u]));
    const hidden = new Set(blocked);
    const live = new Set<string>();
    const states = ids.map((userId): Presence => {
      const user = byId.get(userId);
      const shown = Boolean(user && !user.deletedAt && !hidden.has(userId));
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

  async function announce(userId: string): Promise<void> {
    const { states } = await look([userId]);
    const [p] = states;
    if (p) io.to(presenceRoom(userId)).emit('presence', p);
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

  return { look, announce, subscribe, own };
}

export type PresenceFeature = ReturnType<typeof createPresenceFeature>;
