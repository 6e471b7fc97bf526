import { searchQuerySchema } from '@charla/shared-types';
import { Router } from 'express';
import { sendData } from '../../http/envelope.ts';
import { callerId as userIdOf } from '../../http/request.ts';
import { parseInput } from '../../http/validate.ts';
import type { SearchService } from './search.service.ts';

export function searchRoutes(deps: { search: SearchService }): Router {
  const r = Router();
  r.get('/search/messages', async (req, res) => {
    const q = parseInput(searchQuerySchema, req.query);
    sendData(res, await deps.search.messages(userIdOf(req), q));
  });
  return r;
}
