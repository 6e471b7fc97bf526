import type { Presence, PresenceStatus } from '@charla/shared-types';
import type { Logger } from 'pino';
import type { Storage } from '../../storage/ports.ts';
import type { Fanout } from '../realtime/realtime.fanout.ts';
import type { SocketCaller, SocketFeature } from '../realtime/realtime.types.ts';
import type { PresenceStore } from './presence.state.ts';

/** Sockets that asked for this user's presence. */
export const presenceRoom = (userId: string) => `presence:${userId}`;

export type PresenceDeps = {
  storage: Storage;
  fanout: Fanout;
  presence: PresenceStore;
  clock: { now(): Date };
  logger: Logger;
};

/**
 * Online / away / offline and last seen, over the socket: a user's devices set it by connecting,
 * disconnecting and `presence:set`; other users watch it with `presence:subscribe`.
 */
export function createPresenceSockets(deps: PresenceDeps): SocketFeature {
  const { storage, fanout, presence } = deps;

  /** `viewerId` set: someone blocked either way (or a deleted account) always looks offline to them. */
  async function presenceOf(userIds: string[], viewerId?: string): Promise<Presence[]> {
    const [statuses, users, blocked] = await Promise.all([
      presence.statuses(userIds),
      Promise.all(userIds.map((id) => storage.users.findById(id))),
      viewerId
        ? Promise.all(userIds.map((id) => (id === viewerId ? false : storage.blocks.isBlockedEitherWay(viewerId, id))))
        : Promise.resolve(userIds.map(() => false)),
    ]);
    return userIds.map((userId, i) => {
      const user = users[i];
      const shown = Boolean(user && !user.deletedAt && !blocked[i]);
      const lastSeen = shown && user?.lastSeenVisibility === 'everyone' ? user.lastSeenAt : null;
      return {
        userId,
        status: shown ? (statuses.get(userId) ?? 'offline') : 'offline',
        lastSeenAt: lastSeen ? lastSeen.toISOString() : null,
      };
    });
  }

  async function announce(userId: string): Promise<void> {
    const [p] = await presenceOf([userId]);
    if (p) fanout.toRooms([presenceRoom(userId)], 'presence', p);
  }

  return {
    commands: {
      'presence:set': {
        limit: 'events',
        async run(p, { userId, socketId }) {
          const before = (await presence.statuses([userId])).get(userId);
          const after: PresenceStatus = await presence.setDevice(userId, socketId, p.status);
          if (before !== after) await announce(userId);
          const [mine] = await presenceOf([userId]);
          if (!mine) throw new Error('presence lookup failed');
          return mine;
        },
      },
      'presence:subscribe': {
        limit: 'events',
        async run(p, caller) {
          // Live updates go to a room, so they are not filtered per viewer: blocked users get no room.
          const ids = [...new Set(p.userIds)];
          const states = await presenceOf(ids, caller.userId);
          const blocked = await Promise.all(
            ids.map((id) => (id === caller.userId ? false : storage.blocks.isBlockedEitherWay(caller.userId, id))),
          );
          caller.join(ids.filter((_, i) => !blocked[i]).map(presenceRoom));
          return states;
        },
      },
    },
    async connected({ userId, socketId }: SocketCaller) {
      if (await presence.connect(userId, socketId)) await announce(userId);
    },
    async disconnected({ userId, socketId }: SocketCaller) {
      if (await presence.disconnect(userId, socketId)) {
        await storage.users.update(userId, { lastSeenAt: deps.clock.now() });
        await announce(userId);
      }
    },
  };
}
