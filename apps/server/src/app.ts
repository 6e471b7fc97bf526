import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import cors from 'cors';
import express from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { Server as SocketServer } from 'socket.io';
import { type AppContext, type AppModule, type Clock, systemClock } from './app-context.ts';
import type { Config } from './config.ts';
import { contentSecurityDirectives } from './http/content-security.ts';
import { errorHandler, notFoundHandler } from './http/error-handler.ts';
import { createMetrics } from './http/metrics.ts';
import {
  AUTH_PER_IP,
  AUTH_SENSITIVE_PER_IP,
  createRateLimits,
  DISCOVERY_LOOKUP_PER_USER,
  mediaUploadsPerUser,
  OIDC_PENDING_PER_IP,
  RESEND_VERIFICATION_PER_HOUR,
  RESEND_VERIFICATION_PER_MINUTE,
  USER_SEARCH_PER_USER,
} from './http/rate-limit.ts';
import { webClientRoutes } from './http/web-client.ts';
import { createMailer, type Mailer } from './mail/mailer.ts';
import { createAdminModule } from './modules/admin/admin.module.ts';
import { type AccountEvents, createAccountEvents } from './modules/auth/account-events.ts';
import { linkPageRoutes } from './modules/auth/auth.link-pages.ts';
import { createAuthCore, createAuthModule } from './modules/auth/auth.module.ts';
import {
  createMemoryLoginThrottle,
  createRedisLoginThrottle,
  type LoginThrottle,
  noLoginThrottle,
} from './modules/auth/auth.throttle.ts';
import { createClientConfigModule } from './modules/client-config/client-config.module.ts';
import { createContactsModule } from './modules/contacts/contacts.module.ts';
import { createDiscoveryModule } from './modules/discovery/discovery.module.ts';
import { createE2eeModule, type E2eeOptions } from './modules/e2ee/e2ee.module.ts';
import { healthRoutes } from './modules/health/health.routes.ts';
import { createInvitesModule } from './modules/invites/invites.module.ts';
import {
  createLinkPreviewsModule,
  type LinkPreviewOptions,
  type LinkPreviewsModule,
} from './modules/link-previews/link-previews.module.ts';
import { createMediaModule, type MediaModule } from './modules/media/media.module.ts';
import { createMessagingModule } from './modules/messaging/messaging.module.ts';
import { createModerationModule } from './modules/moderation/moderation.module.ts';
import {
  createNotificationsModule,
  type NotificationsModule,
  type NotificationsOptions,
} from './modules/notifications/notifications.module.ts';
import { createOidcModule, type OidcRegistryOptions } from './modules/oidc/oidc.module.ts';
import { authProvidersFromConfig } from './modules/oidc/oidc.registry.ts';
import { createPointsModule, type PointsModule } from './modules/points/points.module.ts';
import { createPresenceModule } from './modules/presence/presence.module.ts';
import { createProfileLinksModule } from './modules/profile-links/profile-links.routes.ts';
import type { CharlaIo } from './modules/realtime/realtime.fanout.ts';
import { createRealtime } from './modules/realtime/realtime.module.ts';
import type { RealtimeLimits } from './modules/realtime/realtime.server.ts';
import { createSearchModule } from './modules/search/search.module.ts';
import { sharePageRoutes } from './modules/share-pages/share-pages.routes.ts';
import { createSocialLinksModule } from './modules/social-links/social-links.module.ts';
import { createSpaceAccess, spaceScopeMiddleware } from './modules/spaces/spaces.access.ts';
import { createSpacesModule, type SpacesModule } from './modules/spaces/spaces.module.ts';
import { createLanguageDetector } from './modules/translation/translation.detect.ts';
import { createTranslationModule, type TranslationOptions } from './modules/translation/translation.module.ts';
import { createUsersModule } from './modules/users/users.module.ts';
import type { MediaStore, Storage } from './storage/ports.ts';
import { createScopedStorage } from './storage/spaces/scoped-storage.ts';
import { type SpaceStorages, spaceStoragesFor } from './storage/spaces/space-storages.ts';

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
  /** Per-socket limits (tests lower them to show flood handling). */
  realtime?: { limits?: RealtimeLimits };
  /** Media blob store; default: Cloudinary when CLOUDINARY_URL is set, else DATA_DIR/media. */
  mediaStore?: MediaStore;
  /** End-to-end encryption knobs (allowed ciphersuites, KeyPackage pool size). */
  e2ee?: E2eeOptions;
  /** Translation knobs (tests shorten the provider backoff). */
  translation?: TranslationOptions;
  /** Push and email notification knobs (tests: the push service's certificate, shorter windows). */
  notifications?: NotificationsOptions;
  /** Link-preview knobs (tests: a DNS stand-in, the test-site allow-list, limits). */
  linkPreviews?: LinkPreviewOptions;
  /** Spaces: how many space databases may be open at once (default SPACE_DB_HANDLES). */
  spaces?: { maxOpen?: number };
};

export type CharlaApp = {
  app: express.Express;
  server: http.Server | https.Server;
  io: SocketServer;
  /** Shared dependencies (requireAuth, verifyAccessToken, events…), as every module receives them. */
  ctx: AppContext;
  /** Media module handles (tests run the unattached-upload sweeper with a moved clock). */
  media: Pick<MediaModule, 'sweepOnce' | 'store'>;
  /** Push queue worker and email digest (tests drain them). */
  notifications: Pick<NotificationsModule, 'worker' | 'digest' | 'vapidPublicKey'>;
  /** Link-preview handles (tests wait for pending previews and run the sweeper). */
  linkPreviews: Pick<LinkPreviewsModule, 'service' | 'sweepOnce'>;
  /** Points module handles (tests wait for awards in flight and run the due checks). */
  points: Pick<PointsModule, 'service' | 'settled' | 'runDueChecks'>;
  /** Spaces: the registry's service and the spaces' databases (tests count open handles). */
  spaces: { service: SpacesModule['service']; storages: SpaceStorages };
  /** Resolves once optional backends (the Redis adapter, presence and typing) are connected. */
  ready: Promise<void>;
  /** Stops accepting connections and closes sockets; storage is the caller's to close. */
  close(): Promise<void>;
};

/** The composition root: everything is passed in, nothing is global. */
export function createApp(deps: AppDeps): CharlaApp {
  const { config, logger } = deps;
  // Every module gets the scoped storage: account data from the home database, everything a space
  // holds from the database of the space the request or socket is working in (storage/spaces).
  const home = deps.storage;
  const spaceStorages = spaceStoragesFor(home, config.dataDir, deps.spaces?.maxOpen ?? config.SPACE_DB_HANDLES, logger);
  const storage = createScopedStorage(home, spaceStorages);
  const spaceAccess = createSpaceAccess(storage, (space, ids) => spaceStorages.admit(space, ids));
  const clock = deps.clock ?? systemClock;
  // The packaged desktop renderer is served from app://charla (see apps/desktop/electron/main/app-protocol.ts).
  const allowedOrigins = new Set([
    config.publicUrl,
    new URL(config.webUrl).origin,
    DESKTOP_APP_ORIGIN,
    ...config.CORS_ORIGINS,
  ]);
  const app = express();
  const server = config.tls
    ? https.createServer({ cert: fs.readFileSync(config.tls.cert), key: fs.readFileSync(config.tls.key) }, app)
    : http.createServer(app);
  const io: CharlaIo = new SocketServer(server, {
    cors: { origin: [...allowedOrigins], credentials: true },
    perMessageDeflate: false,
    maxHttpBufferSize: 256 * 1024,
  });
  const authCore = createAuthCore({ config, storage, clock });
  // The transport comes first, so every module can publish from the moment it exists.
  const realtime = createRealtime({
    io,
    redisUrl: config.REDIS_URL,
    storage,
    logger,
    verifyAccessToken: authCore.verifyAccessToken,
    enterSpace: spaceAccess.enter,
    ...(deps.realtime?.limits ? { limits: deps.realtime.limits } : {}),
  });
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
    fanout: realtime.fanout,
    redis: realtime.redis,
  };
  const rateLimits = createRateLimits({ redisUrl: config.REDIS_URL, disabled: config.rateLimitsDisabled, logger });

  // The feature modules. Dependencies between them are passed in here, in creation order.
  const auth = createAuthModule(ctx, {
    core: authCore,
    providers: authProvidersFromConfig(config),
    limits: {
      perIp: rateLimits.limiter(AUTH_PER_IP),
      sensitive: rateLimits.limiter(AUTH_SENSITIVE_PER_IP),
      resendPerAccount: [RESEND_VERIFICATION_PER_MINUTE, RESEND_VERIFICATION_PER_HOUR].map((rule) =>
        rateLimits.limiter(rule),
      ),
    },
    throttle:
      deps.loginThrottle ??
      (config.rateLimitsDisabled
        ? noLoginThrottle
        : rateLimits.redisCommand
          ? createRedisLoginThrottle(rateLimits.redisCommand, clock)
          : createMemoryLoginThrottle(clock)),
  });
  const media = createMediaModule(ctx, {
    store: deps.mediaStore,
    uploadLimiter: rateLimits.limiter(mediaUploadsPerUser(config.MEDIA_UPLOADS_PER_MINUTE)),
  });
  const languages = createLanguageDetector();
  const messaging = createMessagingModule(ctx, {
    attachments: media.attachments,
    avatars: media.conversationAvatars,
    languages,
  });
  const moderation = createModerationModule(ctx, {
    deleteMessage: (actorId, messageId) => messaging.services.messages.removeAsSiteAdmin(actorId, messageId),
  });
  const e2ee = createE2eeModule(ctx, {
    ...deps.e2ee,
    serial: messaging.serial,
    mediaStore: media.store,
    standing: messaging.services.conversations.standing,
  });
  const presence = createPresenceModule(ctx, { io, perUser: deps.realtime?.limits?.presencePerUser });
  // Reaches people who are not looking: Web Push and the missed-message email (after presence).
  const notifications = createNotificationsModule(ctx, { activity: presence.activeUsers }, deps.notifications);
  const linkPreviews = createLinkPreviewsModule(
    ctx,
    { store: media.store, serial: messaging.serial, contentEvents: messaging.contentEvents },
    deps.linkPreviews,
  );
  // Polyglot reads the language translation detected at send (stored on the message by messaging).
  const points = createPointsModule(ctx, { contentEvents: messaging.contentEvents });
  const spaces = createSpacesModule(ctx, spaceStorages, media.store, moderation.service);
  const modules: AppModule[] = [
    createClientConfigModule(ctx),
    auth,
    createOidcModule(ctx, auth.service, {
      ...deps.oidc,
      redisCommand: rateLimits.redisCommand,
      pendingLimiter: rateLimits.limiter(OIDC_PENDING_PER_IP),
    }),
    createUsersModule(ctx, { hasher: authCore.hasher, search: rateLimits.limiter(USER_SEARCH_PER_USER) }),
    media,
    // Before messaging, which shares the /conversations prefix.
    createTranslationModule(ctx, languages, deps.translation),
    messaging,
    createInvitesModule(ctx, { messaging }),
    createSearchModule(ctx),
    moderation,
    createAdminModule(ctx, { moderation: moderation.service }),
    e2ee,
    presence,
    notifications,
    points,
    linkPreviews,
    createContactsModule(ctx),
    createDiscoveryModule(ctx, { lookupLimiter: rateLimits.limiter(DISCOVERY_LOOKUP_PER_USER) }),
    createProfileLinksModule(ctx),
    createSocialLinksModule(ctx),
    spaces,
  ];

  const metrics = createMetrics({
    token: config.METRICS_TOKEN,
    behindProxy: config.TRUST_PROXY !== undefined && config.TRUST_PROXY !== false && config.TRUST_PROXY !== 0,
  });
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
      // A client that goes away before the answer (a reload, a closed tab) is neither an error nor news.
      customLogLevel: (_req, res, err) => (!err && !res.writableEnded ? 'debug' : 'info'),
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
      degraded: () => [...realtime.degraded(), ...modules.flatMap((m) => m.degraded?.() ?? [])],
    }),
  );

  // Every module's routers, each under its own prefix; several may share one (/conversations).
  const api = express.Router();
  // /e2ee carries MLS blobs larger than the API's JSON limit: its router parses its own bodies.
  const json = express.json({ limit: '64kb' });
  api.use((req, res, next) => (req.path.startsWith('/e2ee/') ? next() : json(req, res, next)));
  // The space a request acts in (X-Charla-Space), for the routes of what a space holds.
  api.use(spaceScopeMiddleware(spaceAccess, authCore.verifyAccessToken));
  for (const { prefix, router } of modules.flatMap((m) => m.routers)) api.use(prefix, routeBase, router);
  api.use(notFoundHandler);
  app.use('/api/v1', api);

  // Mailed and shared links (/verify-email, /reset-password, /invite/…) open the served web client,
  // or else are sent to WEB_URL, or else get a minimal page of their own: never a JSON 404.
  const web = webClientRoutes(config.WEB_DIST_DIR);
  const webElsewhere = new URL(config.webUrl).origin !== new URL(config.publicUrl).origin;
  if (webElsewhere || !web) app.use(linkPageRoutes(ctx, auth.service, rateLimits.limiter(AUTH_SENSITIVE_PER_IP)));
  // Invite links unfurl on social networks: the served client's page with the invite's card in <head>.
  const sharePages = web && !webElsewhere ? sharePageRoutes(ctx, config.WEB_DIST_DIR, media.store) : undefined;
  if (sharePages) app.use(sharePages);
  if (web) app.use(web);

  app.use(notFoundHandler);
  app.use(errorHandler(logger));

  // Every module's socket side, in one list; the transport checks each command has one handler.
  realtime.serve(modules.flatMap((m) => m.sockets ?? []));
  for (const m of modules) m.start?.();

  return {
    app,
    server,
    io,
    ctx,
    media,
    notifications,
    linkPreviews,
    points,
    spaces: { service: spaces.service, storages: spaceStorages },
    ready: realtime.ready,
    close: async () => {
      await new Promise<void>((resolve) => {
        io.close(() => resolve());
        server.closeAllConnections?.();
      });
      for (const m of [...modules].reverse()) await m.close?.();
      await realtime.close();
      await spaceStorages.close();
      await rateLimits.close();
      ctx.mailer.close?.();
    },
  };
}

/** Remembers the mount point of the router about to run, for the metrics' route label after errors. */
const routeBase: express.RequestHandler = (req, res, next) => {
  res.locals.routeBase = req.baseUrl;
  next();
};
