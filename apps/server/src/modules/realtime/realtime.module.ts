import { createAdapter } from '@socket.io/redis-adapter';
import type { Logger } from 'pino';
import { createClient, type RedisClientType } from 'redis';
import type { AuthContext } from '../../http/request.ts';
import type { Storage } from '../../storage/ports.ts';
import { type CharlaIo, createFanout, type Fanout } from './realtime.fanout.ts';
import { attachRealtime, type RealtimeDeps, type RealtimeLimits } from './realtime.server.ts';
import type { SocketFeature } from './realtime.types.ts';

export type Realtime = {
  /** How features publish to sockets; live from the start (the Socket.IO server exists first). */
  fanout: Fanout;
  /** A Redis connection for shared socket state (presence, typing) with REDIS_URL; null without. */
  redis: RedisClientType | null;
  /** Resolves once Redis is connected (at once without Redis). */
  ready: Promise<void>;
  /** Starts serving sockets with every feature's handlers (createApp passes them in one list). */
  serve(features: SocketFeature[]): void;
  /** Backends currently unreachable (shown on /readyz): the node still serves its own clients. */
  degraded(): string[];
  close(): Promise<void>;
};

/**
 * The realtime transport around a Socket.IO server. With REDIS_URL the fan-out goes through the
 * Redis adapter so every node's clients get every event, and `redis` is handed to the features
 * that keep socket state (presence, typing) so nodes agree.
 */
export function createRealtime(deps: {
  io: CharlaIo;
  redisUrl: string | undefined;
  storage: Storage;
  logger: Logger;
  verifyAccessToken(token: string): Promise<AuthContext>;
  enterSpace?: RealtimeDeps['enterSpace'];
  limits?: RealtimeLimits;
}): Realtime {
  const { io, logger } = deps;
  const fanout = createFanout(io, (err) => logger.warn({ err }, 'cluster broadcast failed: delivered locally only'));
  let clients: RedisClientType[] = [];
  let state: RedisClientType | null = null;
  let ready: Promise<void> = Promise.resolve();
  let redisDown = false;
  if (deps.redisUrl) {
    const pub: RedisClientType = createClient({ url: deps.redisUrl });
    const sub = pub.duplicate();
    state = pub.duplicate();
    clients = [pub, sub, state];
    for (const c of clients) c.on('error', (err: unknown) => logger.error({ err }, 'redis error'));
    // While Redis is away its commands reject (after node-redis's timeout). The adapter publishes
    // without awaiting, so an uncaught rejection would crash the process: catch it, local delivery
    // has already happened and the other nodes' clients catch up through the change feed.
    const publish = pub.publish.bind(pub);
    (pub as { publish: (...args: Parameters<typeof publish>) => Promise<number> }).publish = (...args) =>
      publish(...args).catch((err: unknown) => {
        logger.warn({ err }, 'redis publish failed: cross-node fan-out degraded');
        return 0;
      });
    pub.on('reconnecting', () => {
      if (!redisDown) logger.warn('redis unavailable: cross-node fan-out, presence and typing degraded');
      redisDown = true;
    });
    pub.on('ready', () => {
      if (redisDown) logger.warn('redis connection restored');
      redisDown = false;
    });
    // Commands issued after connect() is called are queued until the connection is up.
    ready = Promise.all(clients.map((c) => c.connect())).then(() => undefined);
    // Nobody has to await readiness (main.ts does not): log the failure instead of crashing.
    ready.catch((err: unknown) => logger.error({ err }, 'redis: cannot connect'));
    io.adapter(createAdapter(pub, sub, { key: 'charla' }));
  }
  let detach: (() => void) | undefined;

  return {
    fanout,
    redis: state,
    ready,
    serve(features) {
      detach = attachRealtime(io, { ...deps, features });
    },
    degraded: () => (clients.some((c) => !c.isReady) ? ['redis'] : []),
    async close() {
      detach?.();
      await Promise.all(clients.map((c) => (c.isOpen ? c.close().catch(() => undefined) : undefined)));
      clients = [];
    },
  };
}
