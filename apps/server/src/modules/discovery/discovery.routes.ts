import { discoveryLookupSchema, paths, updateDiscoverySchema } from '@charla/shared-types';
import { type RequestHandler, Router } from 'express';
import type { AppContext } from '../../app-context.ts';
import { sendData } from '../../http/envelope.ts';
import { below, callerId } from '../../http/request.ts';
import { parseInput } from '../../http/validate.ts';
import type { DiscoveryService } from './discovery.service.ts';

export function discoveryRoutes(
  ctx: AppContext,
  service: DiscoveryService,
  limits: { lookup: RequestHandler },
): Router {
  const { requireAuth } = ctx;
  const router = Router();
  const p = paths.discovery;

  router.get(below('/discovery', p.me), requireAuth, async (req, res) => {
    sendData(res, await service.settings(callerId(req)));
  });

  router.put(below('/discovery', p.me), requireAuth, async (req, res) => {
    const { discoverableByEmail } = parseInput(updateDiscoverySchema, req.body);
    sendData(res, await service.update(callerId(req), discoverableByEmail), 200, 'Discovery setting saved');
  });

  // The limiter runs before the body is checked: malformed requests count too.
  router.post(below('/discovery', p.lookup), requireAuth, limits.lookup, async (req, res) => {
    const { hashes } = parseInput(discoveryLookupSchema, req.body);
    sendData(res, await service.lookup(callerId(req), hashes));
  });

  return router;
}
