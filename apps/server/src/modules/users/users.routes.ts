import { deleteAccountRequestSchema, paths, updateMeSchema, userSearchQuerySchema } from '@charla/shared-types';
import { type RequestHandler, Router } from 'express';
import type { AppContext } from '../../app-context.ts';
import { sendData, sendEmpty } from '../../http/envelope.ts';
import { parseInput } from '../../http/validate.ts';
import { authOf } from '../auth/auth.middleware.ts';
import type { UsersService } from './users.service.ts';

export function usersRoutes(
  ctx: AppContext,
  service: UsersService,
  limits: { search: RequestHandler } = { search: (_req, _res, next) => next() },
): Router {
  const { requireAuth } = ctx;
  const router = Router();
  const p = paths.users;

  router.get(p.list, requireAuth, limits.search, async (req, res) => {
    const query = parseInput(userSearchQuerySchema, req.query);
    sendData(res, await service.search(authOf(req).userId, query.q, query.limit, query.cursor));
  });

  // The /users/me routes come before /users/:id so "me" is never taken for an id.
  router.get(p.me, requireAuth, async (req, res) => {
    sendData(res, await service.me(authOf(req).userId));
  });

  router.patch(p.me, requireAuth, async (req, res) => {
    const patch = parseInput(updateMeSchema, req.body);
    sendData(res, await service.updateMe(authOf(req).userId, patch), 200, 'Profile updated');
  });

  router.delete(p.me, requireAuth, async (req, res) => {
    const confirmation = parseInput(deleteAccountRequestSchema, req.body);
    const { userId, sessionId } = authOf(req);
    await service.deleteMe(userId, sessionId, confirmation);
    sendEmpty(res, 200, 'Account deleted');
  });

  router.get(p.blocked, requireAuth, async (req, res) => {
    sendData(res, await service.blocked(authOf(req).userId));
  });

  router.get('/users/:id', requireAuth, async (req, res) => {
    sendData(res, await service.profile(authOf(req).userId, String(req.params.id)));
  });

  router.post('/users/:id/block', requireAuth, async (req, res) => {
    await service.block(authOf(req).userId, String(req.params.id));
    sendEmpty(res, 200, 'User blocked');
  });

  router.delete('/users/:id/block', requireAuth, async (req, res) => {
    await service.unblock(authOf(req).userId, String(req.params.id));
    sendEmpty(res, 200, 'User unblocked');
  });

  return router;
}
