import type { AppContext, AppModule } from '../../app-context.ts';
import type { CharlaIo } from '../realtime/realtime.fanout.ts';
import type { AuthedSocket } from '../realtime/realtime.handler.ts';
import { createPresenceFeature } from './presence.feature.ts';
import { createPresenceSockets } from './presence.socket.ts';
import { createMemoryPresence, createRedisPresence, type PresenceStore } from './presence.state.ts';

/**
 * Presence: socket-only (no routes). In Redis with REDIS_URL, so every node answers the same. It
 * manages its followers' rooms itself, so it gets the Socket.IO server; and it checks again who may
 * see whom when that changes (a block, a membership that ended, a changed last-seen setting).
 */
export function createPresenceModule(ctx: AppContext, deps: { io: CharlaIo; perUser?: number }): AppModule {
  const redis = ctx.redis ? createRedisPresence(ctx.redis) : null;
  const presence: PresenceStore = redis ?? createMemoryPresence();
  const feature = createPresenceFeature({
    io: deps.io,
    storage: ctx.storage,
    presence,
    ...(deps.perUser ? { perUser: deps.perUser } : {}),
  });
  let unsubscribe: (() => void)[] = [];
  const recheck = (userIds: readonly string[]) => {
    feature.recheck(userIds).catch((err: unknown) => ctx.logger.warn({ err }, 'presence recheck failed'));
  };
  return {
    routers: [],
    sockets: [
      createPresenceSockets({
        storage: ctx.storage,
        presence,
        feature,
        clock: ctx.clock,
        socketOf: (id) => deps.io.sockets.sockets.get(id) as unknown as AuthedSocket | undefined,
      }),
    ],
    start() {
      unsubscribe = [
        ctx.events.on('user:blocked', ({ userId, otherId }) => recheck([userId, otherId])),
        ctx.fanout.onMembershipEnded(recheck),
        ctx.events.on('user:updated', ({ userId }) => {
          feature.announce(userId, true).catch((err: unknown) => ctx.logger.warn({ err }, 'presence announce failed'));
        }),
      ];
    },
    close() {
      for (const off of unsubscribe) off();
      unsubscribe = [];
      redis?.close();
    },
  };
}
