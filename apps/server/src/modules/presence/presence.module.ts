import type { AppContext, AppModule } from '../../app-context.ts';
import { createPresenceSockets } from './presence.socket.ts';
import { createMemoryPresence, createRedisPresence, type PresenceStore } from './presence.state.ts';

/** Presence: socket-only (no routes). In Redis with REDIS_URL, so every node answers the same. */
export function createPresenceModule(ctx: AppContext): AppModule {
  const redis = ctx.redis ? createRedisPresence(ctx.redis) : null;
  const presence: PresenceStore = redis ?? createMemoryPresence();
  return {
    routers: [],
    sockets: [createPresenceSockets({ ...ctx, presence })],
    close: () => redis?.close(),
  };
}
