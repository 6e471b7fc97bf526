import type { Health } from '@charla/shared-types';
import { Router } from 'express';
import { sendData } from '../../http/envelope.ts';

export type ReadinessCheck = () => Promise<boolean>;

export function healthRoutes(options: {
  version: string;
  startedAt: number;
  ready: ReadinessCheck;
  /** Optional backends that are down while the node keeps serving (e.g. ['redis']). */
  degraded?: () => string[];
}): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    const data: Health = {
      status: 'ok',
      version: options.version,
      uptimeSeconds: Math.round((Date.now() - options.startedAt) / 1000),
    };
    sendData(res, data);
  });
  router.get('/readyz', async (_req, res) => {
    const ok = await options.ready().catch(() => false);
    const degraded = options.degraded?.() ?? [];
    if (ok) sendData(res, degraded.length ? { ready: true, degraded } : { ready: true });
    else res.status(503).json({ error: true, status: 503, message: 'Storage is not reachable', code: 'internal' });
  });
  return router;
}
