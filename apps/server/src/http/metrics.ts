import { API_PREFIX } from '@charla/shared-types';
import type { Request, RequestHandler, Router } from 'express';
import express from 'express';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

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
    // baseUrl is already reset when an error left the router; API routers all live under API_PREFIX.
    const base = req.baseUrl || (req.originalUrl.startsWith(`${API_PREFIX}/`) ? API_PREFIX : '');
    return `${base}${route.path}`;
  }
  return 'unmatched';
}

/** One registry per app (no prom-client global), with process metrics and an HTTP histogram. */
export function createMetrics(): Metrics {
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
  routes.get('/metrics', async (_req, res) => {
    res.set('Content-Type', registry.contentType);
    res.send(await registry.metrics());
  });
  return { registry, middleware, routes };
}
