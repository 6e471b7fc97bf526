import type { PresenceStatus } from '@charla/shared-types';
import type { Storage } from '../../storage/ports.ts';
import type { AuthedSocket } from '../realtime/realtime.handler.ts';
import type { SocketCaller, SocketFeature } from '../realtime/realtime.types.ts';
import type { PresenceFeature } from './presence.feature.ts';
import type { PresenceStore } from './presence.state.ts';

/**
 * Online / away / offline and last seen, over the socket: a user's devices set it by connecting,
 * disconnecting and `presence:set`; other users follow it with `presence:subscribe`
 * (presence.feature.ts decides who may see whom).
 */
export function createPresenceSockets(deps: {
  storage: Storage;
  presence: PresenceStore;
  feature: PresenceFeature;
  clock: { now(): Date };
  /** This node's socket by id: a subscription manages the socket's own presence rooms. */
  socketOf(socketId: string): AuthedSocket | undefined;
}): SocketFeature {
  const { storage, presence, feature } = deps;
  return {
    commands: {
      'presence:set': {
        limit: 'events',
        async run(p, { userId, socketId }) {
          const before = (await presence.statuses([userId])).get(userId);
          const after: PresenceStatus = await presence.setDevice(userId, socketId, p.status);
          if (before !== after) await feature.announce(userId);
          return feature.own(userId);
        },
      },
      'presence:subscribe': {
        limit: 'events',
        // Replaces the socket's set. Live updates go to a room, not filtered per viewer, so only the
        // users the caller may see get a room.
        async run(p, { socketId }) {
          const socket = deps.socketOf(socketId);
          if (!socket) throw new Error('presence:subscribe from a socket this node does not hold');
          return feature.subscribe(socket, p.userIds);
        },
      },
    },
    async connected({ userId, socketId }: SocketCaller) {
      if (await presence.connect(userId, socketId)) await feature.announce(userId);
    },
    async disconnected({ userId, socketId }: SocketCaller) {
      if (await presence.disconnect(userId, socketId)) {
        await storage.users.update(userId, { lastSeenAt: deps.clock.now() });
        await feature.announce(userId);
      }
    },
  };
}
