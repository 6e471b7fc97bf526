import { createHash, timingSafeEqual } from 'node:crypto';
import { API_PREFIX } from '@charla/shared-types';
import type { Request, RequestHandler, Response, Router } from 'express';
import express from 'express';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { errorBody } from './envelope.ts';
import { AppError } from './errors.ts';

export type Metrics = {
  registry: Registry;
  /** Times every request; put it first so it sees the final status. */
  middleware: RequestHandler;
  /** GET /metrics in the Prometheus text format. */
  routes: Router;
};

/** The matched route pattern, never the raw URL, so ids do not explode the label set. */
function routeLabel(req: Request): string {
  const route = (req as { route?: { path?: unknown } }).route;
  if (route && typeof route.path === 'string') {
    // baseUrl is already reset when an error left the router: createApp notes each API router's
    // mount point (res.locals.routeBase) before it runs.
    const noted: unknown = req.res?.locals.routeBase;
    const base =
      (typeof noted === 'string' ? noted : '') ||
      req.baseUrl ||
      (req.originalUrl.startsWith(`${API_PREFIX}/`) ? API_PREFIX : '');
    return `${base}${route.path}`;
  }
  return 'unmatched';
}

const digest = (s: string) => createHash('sha256').update(s).digest();

function isLoopback(ip: string | undefined): boolean {
  return !!ip && (ip === '::1' || ip.startsWith('127.') || ip.startsWith('::ffff:127.'));
}

export type MetricsAccess = {
  token?: string | undefined;
  /** TRUST_PROXY is set: a local reverse proxy forwards public requests, so loopback proves nothing. */
  behindProxy?: boolean;
};

/**
 * Who may scrape /metrics. With METRICS_TOKEN: whoever sends `Authorization: Bearer <token>`.
 * Without it: only loopback peers that did not come through a proxy (a forwarded request from a
 * local reverse proxy is a public request), so process details never leak by default. Behind a
 * proxy (TRUST_PROXY set) nobody without the token: a proxy that adds no X-Forwarded-For makes
 * every public request look like loopback.
 */
export function metricsAllowed(req: Request, access: MetricsAccess): boolean {
  if (access.token) {
    const header = req.get('authorization') ?? '';
    const presented = header.startsWith('Bearer ') ? header.slice(7) : '';
    return timingSafeEqual(digest(presented), digest(access.token));
  }
  if (access.behindProxy) return false;
  return isLoopback(req.socket.remoteAddress) && req.get('x-forwarded-for') === undefined;
}

function refuse(req: Request, res: Response, access: MetricsAccess): void {
  const err = access.token
    ? new AppError(401, 'unauthenticated', 'Send the metrics token as a bearer token')
    : access.behindProxy
      ? new AppError(403, 'forbidden', 'Behind a proxy (TRUST_PROXY), metrics need METRICS_TOKEN')
      : new AppError(403, 'forbidden', 'Metrics are served to loopback only; set METRICS_TOKEN to scrape remotely');
  res.status(err.status).json(errorBody(err, typeof req.id === 'string' ? req.id : undefined));
}

/** One registry per app (no prom-client global), with process metrics and an HTTP histogram. */
export function createMetrics(options: MetricsAccess = {}): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration in seconds, by method, route pattern and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const middleware: RequestHandler = (req, res, next) => {
    const end = duration.startTimer();
    res.on('finish', () => {
      end({ method: req.method, route: routeLabel(req), status_code: String(res.statusCode) });
    });
    next();
  };
  const routes = express.Router();
  routes.get('/metrics', async (req, res) => {
    if (!metricsAllowed(req, options)) {
      refuse(req, res, options);
      return;
    }
    res.set('Content-Type', registry.contentType);
    res.send(await registry.metrics());
  });
  return { registry, middleware, routes };
}
