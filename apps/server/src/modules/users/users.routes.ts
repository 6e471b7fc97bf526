import { deleteAccountRequestSchema, paths, updateMeSchema, userSearchQuerySchema } from '@charla/shared-types';
import { type RequestHandler, Router } from 'express';
import type { AppContext } from '../../app-context.ts';
import { sendData, sendEmpty } from '../../http/envelope.ts';
import { below, caller } from '../../http/request.ts';
import { parseInput } from '../../http/validate.ts';
import type { UsersService } from './users.service.ts';

export function usersRoutes(
  ctx: AppContext,
  service: UsersService,
  limits: { search: RequestHandler } = { search: (_req, _res, next) => next() },
): Router {
  const { requireAuth } = ctx;
  const router = Router();
  const p = paths.users;

  router.get(below('/users', p.list), requireAuth, limits.search, async (req, res) => {
    const query = parseInput(userSearchQuerySchema, req.query);
    sendData(res, await service.search(caller(req).userId, query.q, query.limit, query.cursor));
  });

  // The /users/me routes come before /users/:id so "me" is never taken for an id.
  router.get(below('/users', p.me), requireAuth, async (req, res) => {
    sendData(res, await service.me(caller(req).userId));
  });

  router.patch(below('/users', p.me), requireAuth, async (req, res) => {
    const patch = parseInput(updateMeSchema, req.body);
    sendData(res, await service.updateMe(caller(req).userId, patch), 200, 'Profile updated');
  });

  router.delete(below('/users', p.me), requireAuth, async (req, res) => {
    const confirmation = parseInput(deleteAccountRequestSchema, req.body);
    const { userId, sessionId } = caller(req);
    await service.deleteMe(userId, sessionId, confirmation);
    sendEmpty(res, 200, 'Account deleted');
  });

  router.get(below('/users', p.blocked), requireAuth, async (req, res) => {
    sendData(res, await service.blocked(caller(req).userId));
  });

  router.get('/:id', requireAuth, async (req, res) => {
    sendData(res, await service.profile(caller(req).userId, String(req.params.id)));
  });

  router.post('/:id/block', requireAuth, async (req, res) => {
    await service.block(caller(req).userId, String(req.params.id));
    sendEmpty(res, 200, 'User blocked');
  });

  router.delete('/:id/block', requireAuth, async (req, res) => {
    await service.unblock(caller(req).userId, String(req.params.id));
    sendEmpty(res, 200, 'User unblocked');
  });

  return router;
}
