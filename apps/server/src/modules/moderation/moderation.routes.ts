import { createReportRequestSchema, listReportsQuerySchema, updateReportRequestSchema } from '@charla/shared-types';
import { Router } from 'express';
import type { AppContext } from '../../app-context.ts';
import { sendData } from '../../http/envelope.ts';
import { idParam, callerId as userIdOf } from '../../http/request.ts';
import { parseInput } from '../../http/validate.ts';
import type { ModerationService } from './moderation.service.ts';

/** Reporting, for any signed-in user. Mounted at /reports. */
export function reportsRoutes(ctx: Pick<AppContext, 'requireAuth'>, moderation: ModerationService): Router {
  const router = Router();
  router.post('/', ctx.requireAuth, async (req, res) => {
    const body = parseInput(createReportRequestSchema, req.body);
    sendData(res, await moderation.report(userIdOf(req), body), 201, 'Reported');
  });
  return router;
}

/** A group's reports, for its owners and admins. Mounted at /conversations. */
export function groupReportsRoutes(ctx: Pick<AppContext, 'requireAuth'>, moderation: ModerationService): Router {
  const router = Router();

  router.get('/:id/reports', ctx.requireAuth, async (req, res) => {
    const conversationId = idParam(req, 'id', 'Conversation');
    const q = parseInput(listReportsQuerySchema, req.query);
    sendData(res, await moderation.listGroupReports(userIdOf(req), conversationId, q));
  });

  router.patch('/:id/reports/:reportId', ctx.requireAuth, async (req, res) => {
    const conversationId = idParam(req, 'id', 'Conversation');
    const reportId = idParam(req, 'reportId', 'Report');
    const body = parseInput(updateReportRequestSchema, req.body);
    sendData(res, await moderation.closeGroupReport(userIdOf(req), conversationId, reportId, body));
  });

  return router;
}
