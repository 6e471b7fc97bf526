import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import cors from 'cors';
import express, { type Router } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { Server as SocketServer } from 'socket.io';
import { type AppContext, type Clock, systemClock } from './app-context.ts';
import type { Config } from './config.ts';
import { contentSecurityDirectives } from './http/content-security.ts';
import { errorHandler, notFoundHandler } from './http/error-handler.ts';
import { createMetrics } from './http/metrics.ts';
import {
  AUTH_PER_IP,
  AUTH_SENSITIVE_PER_IP,
  createRateLimits,
  mediaUploadsPerUser,
  OIDC_PENDING_PER_IP,
} from './http/rate-limit.ts';
import { webClientRoutes } from './http/web-client.ts';
import { createMailer, type Mailer } from './mail/mailer.ts';
import { type AccountEvents, createAccountEvents } from './modules/auth/account-events.ts';
import { createAuthCore } from './modules/auth/auth.module.ts';
import { authRoutes } from './modules/auth/auth.routes.ts';
import { createAuthService } from './modules/auth/auth.service.ts';
import {
  createMemoryLoginThrottle,
  createRedisLoginThrottle,
  type LoginThrottle,
  noLoginThrottle,
} from './modules/auth/auth.throttle.ts';
import { healthRoutes } from './modules/health/health.routes.ts';
import { createMediaModule, type MediaModule } from './modules/media/media.module.ts';
import { createModerationModule } from './modules/moderation/moderation.module.ts';
import { createOidcModule, type OidcRegistryOptions } from './modules/oidc/oidc.module.ts';
import { createPointsModule, type PointsModule } from './modules/points/points.module.ts';
import { createMessagingModule, type MessagingOptions } from './modules/realtime/realtime.module.ts';
import { usersRoutes } from './modules/users/users.routes.ts';
import { createUsersService } from './modules/users/users.service.ts';
import type { MediaStore, Storage } from './storage/ports.ts';

/** Origin of the packaged Electron renderer; always allowed (it authenticates with bearer tokens). */
export const DESKTOP_APP_ORIGIN = 'app://charla';

export type AppDeps = {
  config: Config;
  storage: Storage;
  logger: Logger;
  version?: string;
  /** Defaults: SMTP_URL, else the DATA_DIR/outbox. */
  mailer?: Mailer;
  clock?: Clock;
  events?: AccountEvents;
  loginThrottle?: LoginThrottle;
  /** Test hook: point a provider preset (Google) at another issuer, e.g. an in-process one. */
  oidc?: OidcRegistryOptions;
  /** Conversations/messages/realtime knobs (tests lower the per-socket rate limits). */
  messaging?: MessagingOptions;
  /** Media blob store; default: Cloudinary when CLOUDINARY_URL is set, else DATA_DIR/media. */
  mediaStore?: MediaStore;
};

export type CharlaApp = {
  app: express.Express;
  server: http.Server | https.Server;
  io: SocketServer;
  /** Shared dependencies (requireAuth, verifyAccessToken, events…), as every module receives them. */
  ctx: AppContext;
  /** Media module handles (tests run the unattached-upload sweeper with a moved clock). */
  media: Pick<MediaModule, 'sweepOnce' | 'store'>;
  /** Points module handles (tests wait for awards in flight and rebuild projections). */
  points: Pick<PointsModule, 'service' | 'settled' | 'runDueChecks'>;
  /** Resolves once optional backends (the Redis adapter, presence and typing) are connected. */
  ready: Promise<void>;
  /** Stops accepting connections and closes sockets; storage is the caller's to close. */
  close(): Promise<void>;
};

/** The composition root: everything is passed in, nothing is global. */
export function createApp(deps: AppDeps): CharlaApp {
  const { config, storage, logger } = deps;
  const clock = deps.clock ?? systemClock;
  // The packaged desktop renderer is served from app://charla (see apps/desktop/electron/main/app-protocol.ts).
  const allowedOrigins = new Set([config.publicUrl, DESKTOP_APP_ORIGIN, ...config.CORS_ORIGINS]);
  const authCore = createAuthCore({ config, storage, clock });
  const ctx: AppContext = {
    config,
    storage,
    logger,
    clock,
    mailer:
      deps.mailer ??
      createMailer({ smtpUrl: config.SMTP_URL, from: config.MAIL_FROM, dataDir: config.dataDir, logger }),
    events: deps.events ?? createAccountEvents(),
    allowedOrigins,
    requireAuth: authCore.requireAuth,
    verifyAccessToken: authCore.verifyAccessToken,
  };
  const rateLimits = createRateLimits({ redisUrl: config.REDIS_URL, disabled: config.rateLimitsDisabled, logger });
  const authService = createAuthService({
    ...ctx,
    tokens: authCore.tokens,
    hasher: authCore.hasher,
    signingKey: authCore.secret,
    throttle:
      deps.loginThrottle ??
      (config.rateLimitsDisabled
        ? noLoginThrottle
        : rateLimits.redisCommand
          ? createRedisLoginThrottle(rateLimits.redisCommand, clock)
          : createMemoryLoginThrottle(clock)),
  });

  // Whoever suspends or deletes a user only emits the fact; ending their sessions happens here, and
  // each revocation is emitted in turn (realtime disconnects those sockets).
  for (const event of ['user:suspended', 'user:deleted'] as const) {
    ctx.events.on(event, ({ userId }) => {
      authService.revokeAll(userId).catch((err: unknown) => logger.error({ err, userId }, `revoke on ${event} failed`));
    });
  }
  const metrics = createMetrics({
    token: config.METRICS_TOKEN,
    behindProxy: config.TRUST_PROXY !== undefined && config.TRUST_PROXY !== false && config.TRUST_PROXY !== 0,
  });

  const app = express();
  app.disable('x-powered-by');
  app.use(metrics.middleware);
  if (config.TRUST_PROXY !== undefined) app.set('trust proxy', config.TRUST_PROXY);
  if (config.TRUST_PROXY === true)
    logger.warn(
      'TRUST_PROXY=true trusts X-Forwarded-For from anyone: clients can choose their address and dodge per-IP limits; set the hop count (TRUST_PROXY=1) or the proxy addresses instead',
    );

  app.use(
    pinoHttp({
      logger,
      genReqId: (_req, res) => {
        const id = randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      autoLogging: { ignore: (req) => req.url === '/healthz' },
    }),
  );
  const servesHttps = Boolean(config.tls) || config.publicUrl.startsWith('https:');
  app.use(
    helmet({
      contentSecurityPolicy: { directives: contentSecurityDirectives(config.publicUrl, servesHttps) },
      strictTransportSecurity: servesHttps,
      // The desktop renderer (app://charla) embeds media from this server; media URLs carry their own
      // signed tokens and JSON needs a bearer token, so cross-origin embedding leaks nothing.
      crossOriginResourcePolicy: { policy: 'cross-origin' },
      crossOriginEmbedderPolicy: false,
    }),
  );
  app.use(
    cors({
      origin: (origin, cb) => cb(null, !origin || allowedOrigins.has(origin)),
      credentials: true,
    }),
  );

  app.use(metrics.routes);
  app.use(
    healthRoutes({
      version: deps.version ?? '0.1.0',
      startedAt: Date.now(),
      ready: () => storage.ping(),
      // Read at request time: the messaging module is created below.
      degraded: () => messaging.degraded(),
    }),
  );

  const api = express.Router();
  api.use(express.json({ limit: '64kb' }));
  app.use('/api/v1', api);

  /**
   * Feature routers, mounted on /api/v1 in this order: add yours to this list. Each declares full
   * paths (`/auth/...`, `/users/...`) and puts `ctx.requireAuth` on its own routes (never a
   * path-less `router.use(requireAuth)`, which would shadow the routers after it).
   */
  const media = createMediaModule(ctx, {
    store: deps.mediaStore,
    uploadLimiter: rateLimits.limiter(mediaUploadsPerUser(config.MEDIA_UPLOADS_PER_MINUTE)),
  });
  media.start();
  const messaging = createMessagingModule(ctx, { ...deps.messaging, attachments: media.attachments });
  media.service.useConversationAvatarUpdater(async (userId, conversationId, avatarUrl) => {
    await messaging.services.conversations.update(userId, conversationId, { avatarUrl });
  });
  const moderation = createModerationModule(ctx, {
    fanout: messaging.fanout,
    serial: messaging.serial,
    releaseMessageMedia: (messageId) => media.service.releaseMessage(messageId),
  });
  const points = createPointsModule(ctx, { fanout: messaging.fanout });
  points.start();
  const routers: Router[] = [
    authRoutes(ctx, authService, {
      perIp: rateLimits.limiter(AUTH_PER_IP),
      sensitive: rateLimits.limiter(AUTH_SENSITIVE_PER_IP),
    }),
    createOidcModule(ctx, authService, {
      ...deps.oidc,
      redisCommand: rateLimits.redisCommand,
      pendingLimiter: rateLimits.limiter(OIDC_PENDING_PER_IP),
    }),
    usersRoutes(ctx, createUsersService({ ...ctx, hasher: authCore.hasher })),
    // Before messaging: it owns /conversations/* and would answer /conversations/:id/avatar first.
    media.router,
    ...moderation.routers,
    ...points.routers,
    messaging.router,
  ];
  for (const router of routers) api.use(router);
  api.use(notFoundHandler);

  const web = webClientRoutes(config.WEB_DIST_DIR);
  if (web) app.use(web);

  app.use(notFoundHandler);
  app.use(errorHandler(logger));

  const server = config.tls
    ? https.createServer({ cert: fs.readFileSync(config.tls.cert), key: fs.readFileSync(config.tls.key) }, app)
    : http.createServer(app);
  const io = new SocketServer(server, {
    cors: { origin: [...allowedOrigins], credentials: true },
    perMessageDeflate: false,
    maxHttpBufferSize: 256 * 1024,
  });
  const ready = messaging.attach(io);

  return {
    app,
    server,
    io,
    ctx,
    media,
    points,
    ready,
    close: async () => {
      await new Promise<void>((resolve) => {
        io.close(() => resolve());
        server.closeAllConnections?.();
      });
      media.stop();
      await points.close();
      await messaging.close();
      await rateLimits.close();
      ctx.mailer.close?.();
    },
  };
}
