import { listReportsQuerySchema, updateReportRequestSchema } from '@charla/shared-types';
import { type Request, Router } from 'express';
import type { AppContext } from '../../app-context.ts';
import { sendData, sendEmpty } from '../../http/envelope.ts';
import { callerId, idParam } from '../../http/request.ts';
import { parseInput } from '../../http/validate.ts';
import { runInSpace } from '../../storage/spaces/space-scope.ts';
import type { ModerationService } from '../moderation/moderation.service.ts';
import type { SpacesService } from './spaces.service.ts';

/**
 * A space's own moderation queue, for its owners and admins: the reports filed in the space, closing
 * them, and removing a reported message. Everything runs in the space's database; site-wide
 * actions (suspending an account, roles) stay with site admins (/admin).
 */
export function spaceModerationRoutes(ctx: AppContext, spaces: SpacesService, moderation: ModerationService): Router {
  const router = Router();
  /** Runs `fn` in the space, for one of its owners or admins (others: 403; non-members: 404). */
  const asModerator = async <T>(req: Request, fn: () => Promise<T>): Promise<T> => {
    const { space } = await spaces.requireRole(idParam(req, 'id', 'Space'), callerId(req), 'admin', 'moderate it');
    return runInSpace({ spaceId: space.id, space }, fn);
  };

  router.get('/:id/reports', ctx.requireAuth, async (req, res) => {
    const query = parseInput(listReportsQuerySchema, req.query);
    sendData(res, await asModerator(req, () => moderation.listReports(query)));
  });
  router.patch('/:id/reports/:reportId', ctx.requireAuth, async (req, res) => {
    const body = parseInput(updateReportRequestSchema, req.body ?? {});
    const reportId = idParam(req, 'reportId', 'Report');
    sendData(res, await asModerator(req, () => moderation.closeReport(callerId(req), reportId, body)));
  });
  router.delete('/:id/messages/:messageId', ctx.requireAuth, async (req, res) => {
    const messageId = idParam(req, 'messageId', 'Message');
    await asModerator(req, () => moderation.deleteMessage(callerId(req), messageId));
    sendEmpty(res, 200, 'Deleted');
  });
  return router;
}
