import {
  adminStatsQuerySchema,
  adminUsersQuerySchema,
  listAuditQuerySchema,
  listReportsQuerySchema,
  suspendUserRequestSchema,
  updateReportRequestSchema,
  updateUserRoleRequestSchema,
} from '@charla/shared-types';
import { type RequestHandler, Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../app-context.ts';
import { sendData, sendEmpty } from '../../http/envelope.ts';
import { forbidden, unauthenticated } from '../../http/errors.ts';
import { parseInput } from '../../http/validate.ts';
import { userIdOf } from '../moderation/moderation.routes.ts';
import type { ModerationService } from '../moderation/moderation.service.ts';
import type { AdminStatsService } from './admin.stats.ts';

const idParams = z.object({ id: z.string().min(1).max(64) });

/**
 * Site admins only. The role is read from the user record on every call (not only the token's
 * claim), so a demoted or suspended admin loses access at once.
 */
export function createRequireAdmin(ctx: Pick<AppContext, 'storage'>): RequestHandler {
  return async (req, _res, next) => {
    if (!req.auth) throw unauthenticated();
    const user = await ctx.storage.users.findById(req.auth.userId);
    if (user?.role !== 'admin' || user.suspendedAt || user.deletedAt) throw forbidden('Admins only');
    next();
  };
}

export function adminRoutes(
  ctx: Pick<AppContext, 'requireAuth' | 'storage'>,
  deps: { moderation: ModerationService; stats: AdminStatsService },
): Router {
  const { moderation, stats } = deps;
  const router = Router();
  // Scoped to /admin only, so routers mounted after this one are not shadowed.
  router.use('/admin', ctx.requireAuth, createRequireAdmin(ctx));

  router.get('/admin/reports', async (req, res) => {
    sendData(res, await moderation.listReports(parseInput(listReportsQuerySchema, req.query)));
  });
  router.patch('/admin/reports/:id', async (req, res) => {
    const { id } = parseInput(idParams, req.params);
    const body = parseInput(updateReportRequestSchema, req.body);
    sendData(res, await moderation.closeReport(userIdOf(req), id, body));
  });
  router.delete('/admin/messages/:id', async (req, res) => {
    const { id } = parseInput(idParams, req.params);
    await moderation.deleteMessage(userIdOf(req), id);
    sendEmpty(res, 200, 'Deleted');
  });
  router.get('/admin/users', async (req, res) => {
    sendData(res, await moderation.listUsers(parseInput(adminUsersQuerySchema, req.query)));
  });
  router.post('/admin/users/:id/suspension', async (req, res) => {
    const { id } = parseInput(idParams, req.params);
    const { reason } = parseInput(suspendUserRequestSchema, req.body ?? {});
    sendData(res, await moderation.suspend(userIdOf(req), id, reason));
  });
  router.delete('/admin/users/:id/suspension', async (req, res) => {
    const { id } = parseInput(idParams, req.params);
    sendData(res, await moderation.unsuspend(userIdOf(req), id));
  });
  router.put('/admin/users/:id/role', async (req, res) => {
    const { id } = parseInput(idParams, req.params);
    const { role } = parseInput(updateUserRoleRequestSchema, req.body);
    sendData(res, await moderation.setRole(userIdOf(req), id, role));
  });
  router.get('/admin/audit', async (req, res) => {
    sendData(res, await moderation.listAudit(parseInput(listAuditQuerySchema, req.query)));
  });
  router.get('/admin/stats', async (req, res) => {
    const { days } = parseInput(adminStatsQuerySchema, req.query);
    sendData(res, await stats.get(days));
  });

  return router;
}
