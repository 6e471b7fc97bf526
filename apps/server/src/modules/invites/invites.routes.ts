import { createInviteRequestSchema, inviteCodeSchema } from '@charla/shared-types';
import { type Request, Router } from 'express';
import { sendData, sendEmpty } from '../../http/envelope.ts';
import { notFound } from '../../http/errors.ts';
import { idParam, callerId as userIdOf } from '../../http/request.ts';
import { parseInput } from '../../http/validate.ts';
import type { InvitesService } from './invites.service.ts';

function codeParam(req: Request): string {
  const parsed = inviteCodeSchema.safeParse(req.params.code);
  if (!parsed.success) throw notFound('Invite');
  return parsed.data;
}

export function invitesRoutes(deps: { invites: InvitesService }): Router {
  const { invites } = deps;
  const r = Router();

  r.post('/conversations/:id/invites', async (req, res) => {
    const id = idParam(req, 'id', 'Conversation');
    const body = parseInput(createInviteRequestSchema, req.body ?? {});
    sendData(res, await invites.create(userIdOf(req), id, body), 201);
  });
  r.get('/conversations/:id/invites', async (req, res) => {
    sendData(res, await invites.list(userIdOf(req), idParam(req, 'id', 'Conversation')));
  });
  r.delete('/conversations/:id/invites/:code', async (req, res) => {
    await invites.revoke(userIdOf(req), idParam(req, 'id', 'Conversation'), codeParam(req));
    sendEmpty(res);
  });
  r.get('/invites/:code', async (req, res) => {
    sendData(res, await invites.preview(userIdOf(req), codeParam(req)));
  });
  r.post('/invites/:code/accept', async (req, res) => {
    sendData(res, await invites.accept(userIdOf(req), codeParam(req)));
  });
  return r;
}
