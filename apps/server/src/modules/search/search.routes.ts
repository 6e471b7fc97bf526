import { searchQuerySchema } from '@charla/shared-types';
import { type RequestHandler, Router } from 'express';
import { sendData } from '../../http/envelope.ts';
import { callerId as userIdOf } from '../../http/request.ts';
import { parseInput } from '../../http/validate.ts';
import type { SearchService } from './search.service.ts';

/** Mounted at /search. */
export function searchRoutes(deps: { requireAuth: RequestHandler; search: SearchService }): Router {
  const r = Router();
  r.use(deps.requireAuth);
  r.get('/messages', async (req, res) => {
    const q = parseInput(searchQuerySchema, req.query);
    sendData(res, await deps.search.messages(userIdOf(req), q));
  });
  return r;
}
