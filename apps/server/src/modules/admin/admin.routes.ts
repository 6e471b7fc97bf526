import {
  adminStatsQuerySchema,
  adminUsersQuerySchema,
  listAuditQuerySchema,
  listReportsQuerySchema,
  suspendUserRequestSchema,
  updateReportRequestSchema,
  updateUserRoleRequestSchema,
} from '@charla/shared-types';
import { Router } from 'express';
import type { AppContext } from '../../app-context.ts';
import { sendData, sendEmpty } from '../../http/envelope.ts';
import { callerId, idParam } from '../../http/request.ts';
import { createRequireAdmin } from '../../http/require-admin.ts';
import { parseInput } from '../../http/validate.ts';
import type { ModerationService } from '../moderation/moderation.service.ts';
import type { AdminStatsService } from './admin.stats.ts';

/** Mounted at /admin. */
export function adminRoutes(
  ctx: Pick<AppContext, 'requireAuth' | 'storage'>,
  deps: { moderation: ModerationService; stats: AdminStatsService },
): Router {
  const { moderation, stats } = deps;
  const router = Router();
  router.use(ctx.requireAuth, createRequireAdmin(ctx));

  router.get('/reports', async (req, res) => {
    sendData(res, await moderation.listReports(parseInput(listReportsQuerySchema, req.query)));
  });
  router.patch('/reports/:id', async (req, res) => {
    const id = idParam(req, 'id', 'Report');
    const body = parseInput(updateReportRequestSchema, req.body);
    sendData(res, await moderation.closeReport(callerId(req), id, body));
  });
  router.delete('/messages/:id', async (req, res) => {
    const id = idParam(req, 'id', 'Message');
    await moderation.deleteMessage(callerId(req), id);
    sendEmpty(res, 200, 'Deleted');
  });
  router.get('/users', async (req, res) => {
    sendData(res, await moderation.listUsers(parseInput(adminUsersQuerySchema, req.query)));
  });
  router.post('/users/:id/suspension', async (req, res) => {
    const id = idParam(req, 'id', 'User');
    const { reason } = parseInput(suspendUserRequestSchema, req.body ?? {});
    sendData(res, await moderation.suspend(callerId(req), id, reason));
  });
  router.delete('/users/:id/suspension', async (req, res) => {
    const id = idParam(req, 'id', 'User');
    sendData(res, await moderation.unsuspend(callerId(req), id));
  });
  router.put('/users/:id/role', async (req, res) => {
    const id = idParam(req, 'id', 'User');
    const { role } = parseInput(updateUserRoleRequestSchema, req.body);
    sendData(res, await moderation.setRole(callerId(req), id, role));
  });
  router.get('/audit', async (req, res) => {
    sendData(res, await moderation.listAudit(parseInput(listAuditQuerySchema, req.query)));
  });
  router.get('/stats', async (req, res) => {
    const { days } = parseInput(adminStatsQuerySchema, req.query);
    sendData(res, await stats.get(days));
  });

  return router;
}
