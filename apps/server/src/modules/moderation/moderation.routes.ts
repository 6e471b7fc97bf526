import { createReportRequestSchema, listReportsQuerySchema, updateReportRequestSchema } from '@charla/shared-types';
import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../app-context.ts';
import { sendData } from '../../http/envelope.ts';
import { callerId as userIdOf } from '../../http/request.ts';
import { parseInput } from '../../http/validate.ts';
import type { ModerationService } from './moderation.service.ts';

const id = z.string().min(1).max(64);
const conversationParams = z.object({ id });
const conversationReportParams = z.object({ id, reportId: id });

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
    const { id: conversationId } = parseInput(conversationParams, req.params);
    const q = parseInput(listReportsQuerySchema, req.query);
    sendData(res, await moderation.listGroupReports(userIdOf(req), conversationId, q));
  });

  router.patch('/:id/reports/:reportId', ctx.requireAuth, async (req, res) => {
    const { id: conversationId, reportId } = parseInput(conversationReportParams, req.params);
    const body = parseInput(updateReportRequestSchema, req.body);
    sendData(res, await moderation.closeGroupReport(userIdOf(req), conversationId, reportId, body));
  });

  return router;
}
