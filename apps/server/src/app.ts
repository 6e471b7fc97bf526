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
import type { Config } from './config.ts';
import { errorHandler, notFoundHandler } from './http/error-handler.ts';
import { webClientRoutes } from './http/web-client.ts';
import { healthRoutes } from './modules/health/health.routes.ts';
import type { Storage } from './storage/ports.ts';

export type AppDeps = {
  config: Config;
  storage: Storage;
  logger: Logger;
  version?: string;
};

export type CharlaApp = {
  app: express.Express;
  server: http.Server | https.Server;
  io: SocketServer;
  /** Stops accepting connections and closes sockets; storage is the caller's to close. */
  close(): Promise<void>;
};

/** The composition root: everything is passed in, nothing is global. */
export function createApp(deps: AppDeps): CharlaApp {
  const { config, storage, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  if (config.TRUST_PROXY) app.set('trust proxy', config.TRUST_PROXY);

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
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          connectSrc: ["'self'", 'ws:', 'wss:'],
          imgSrc: ["'self'", 'data:', 'blob:', 'https://res.cloudinary.com'],
          mediaSrc: ["'self'", 'blob:', 'https://res.cloudinary.com'],
          styleSrc: ["'self'", "'unsafe-inline'"],
          scriptSrc: ["'self'"],
          objectSrc: ["'none'"],
          frameAncestors: ["'none'"],
        },
      },
      crossOriginEmbedderPolicy: false,
    }),
  );
  const allowedOrigins = new Set([config.publicUrl, ...config.CORS_ORIGINS]);
  app.use(
    cors({
      origin: (origin, cb) => cb(null, !origin || allowedOrigins.has(origin)),
      credentials: true,
    }),
  );

  app.use(
    healthRoutes({
      version: deps.version ?? '0.1.0',
      startedAt: Date.now(),
      ready: () => storage.ping(),
    }),
  );

  const api = express.Router();
  api.use(express.json({ limit: '64kb' }));
  app.use('/api/v1', api);
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

  return {
    app,
    server,
    io,
    close: () =>
      new Promise<void>((resolve) => {
        io.close(() => resolve());
        server.closeAllConnections?.();
      }),
  };
}
