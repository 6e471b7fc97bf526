import { createAdapter } from '@socket.io/redis-adapter';
import { Router } from 'express';
import { createClient, type RedisClientType } from 'redis';
import type { Server as SocketServer } from 'socket.io';
import type { AppContext } from '../../app-context.ts';
import { resolveJwtSecret } from '../auth/auth.tokens.ts';
import { createChangesService } from '../conversations/changes.service.ts';
import { createStanding } from '../conversations/conversations.permissions.ts';
import { conversationsRoutes } from '../conversations/conversations.routes.ts';
import { createConversationsService } from '../conversations/conversations.service.ts';
import { createParticipantsService } from '../conversations/participants.service.ts';
import { invitesRoutes } from '../invites/invites.routes.ts';
import { createInvitesService } from '../invites/invites.service.ts';
import { createMessageContentEvents } from '../messages/messages.content-events.ts';
import { createSerial } from '../messages/messages.publish.ts';
import { messagesRoutes } from '../messages/messages.routes.ts';
import { type AttachmentHooks, createMessagesService } from '../messages/messages.service.ts';
import { createSearchCursors } from '../search/search.cursor.ts';
import { searchRoutes } from '../search/search.routes.ts';
import { createSearchService } from '../search/search.service.ts';
import { type CharlaIo, createFanout } from './realtime.fanout.ts';
import { attachRealtime, type RealtimeDeps } from './realtime.server.ts';
import {
  createMemoryPresence,
  createMemoryTyping,
  createRedisPresence,
  createRedisTyping,
  type PresenceStore,
  type TypingStore,
} from './realtime.state.ts';

export type MessagingOptions = {
  limits?: RealtimeDeps['limits'];
  /** Media attachment checks (modules/media); without them attachment ids are stored unchecked. */
  attachments?: AttachmentHooks;
};

/**
 * Conversations, messages, invites, search and their real-time side, composed from the app context.
 * `router` goes on /api/v1; `attach(io)` once the Socket.IO server exists. With REDIS_URL the socket
 * fan-out goes through the Redis adapter and presence/typing live in Redis, so nodes agree.
 */
export function createMessagingModule(
  ctx: Pick<AppContext, 'config' | 'storage' | 'logger' | 'clock' | 'requireAuth' | 'verifyAccessToken' | 'events'>,
  options: MessagingOptions = {},
) {
  const { storage, clock, logger, config } = ctx;
  const fanout = createFanout(storage, (err) =>
    logger.warn({ err }, 'cluster broadcast failed: delivered locally only'),
  );
  const base = {
    storage,
    clock,
    fanout,
    serial: createSerial(),
    standing: createStanding(storage, config.ALLOW_UNVERIFIED_CHAT),
    publicUrl: config.publicUrl,
  };
  const conversations = createConversationsService(base);
  const participants = createParticipantsService(base, conversations);
  const changes = createChangesService(base);
  const contentEvents = createMessageContentEvents((err) => logger.error({ err }, 'message content listener failed'));
  const messages = createMessagesService({ ...base, attachments: options.attachments, contentEvents }, conversations);
  const invites = createInvitesService({ ...base, webUrl: config.webUrl }, conversations);
  const search = createSearchService({
    ...base,
    cursors: createSearchCursors(resolveJwtSecret(config.JWT_SECRET, config.dataDir)),
  });

  const router = Router();
  // Scoped to these paths only, so routers mounted after this one are not shadowed.
  router.use(['/conversations', '/messages', '/invites', '/search'], ctx.requireAuth);
  router.use(conversationsRoutes({ conversations, participants, changes }));
  router.use(messagesRoutes({ messages }));
  router.use(invitesRoutes({ invites }));
  router.use(searchRoutes({ search }));

  let redis: RedisClientType[] = [];
  let redisDown = false;
  let detach: (() => void) | undefined;
  let stopHeartbeat: (() => void) | undefined;

  return {
    router,
    services: { conversations, participants, changes, messages, invites, search },
    /** Socket fan-out and the per-conversation step runner, for modules that publish messaging events (moderation deletes). */
    fanout,
    serial: base.serial,
    /** "A message's text was written": features that work from the text afterwards subscribe here. */
    contentEvents,
    /** Resolves once the optional backends (Redis) are connected. */
    attach(server: SocketServer): Promise<void> {
      const io = server as unknown as CharlaIo;
      let presence: PresenceStore = createMemoryPresence();
      let typing: TypingStore = createMemoryTyping();
      let ready: Promise<void> = Promise.resolve();
      if (config.REDIS_URL) {
        const pub: RedisClientType = createClient({ url: config.REDIS_URL });
        const sub = pub.duplicate();
        const state = pub.duplicate();
        redis = [pub, sub, state];
        for (const c of redis) c.on('error', (err: unknown) => logger.error({ err }, 'redis error'));
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
        ready = Promise.all(redis.map((c) => c.connect())).then(() => undefined);
        // Nobody has to await readiness (main.ts does not): log the failure instead of crashing.
        ready.catch((err: unknown) => logger.error({ err }, 'redis: cannot connect'));
        io.adapter(createAdapter(pub, sub, { key: 'charla' }));
        const redisPresence = createRedisPresence(state);
        stopHeartbeat = () => redisPresence.close();
        presence = redisPresence;
        typing = createRedisTyping(state);
      }
      fanout.attach(io);
      detach = attachRealtime(io, {
        storage,
        logger,
        clock,
        fanout,
        presence,
        typing,
        messages,
        verifyAccessToken: ctx.verifyAccessToken,
        events: ctx.events,
        ...(options.limits ? { limits: options.limits } : {}),
      });
      return ready;
    },
    /** Backends currently unreachable (shown on /readyz): the node still serves its own clients. */
    degraded(): string[] {
      return redis.some((c) => !c.isReady) ? ['redis'] : [];
    },
    async close(): Promise<void> {
      detach?.();
      stopHeartbeat?.();
      await Promise.all(redis.map((c) => (c.isOpen ? c.close().catch(() => undefined) : undefined)));
      redis = [];
    },
  };
}

export type MessagingModule = ReturnType<typeof createMessagingModule>;
