import { createInviteRequestSchema, inviteCodeSchema } from '@charla/shared-types';
import { type Request, type RequestHandler, Router } from 'express';
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

/** A conversation's invite links (owners and admins), mounted at /conversations. */
export function conversationInvitesRoutes(deps: { requireAuth: RequestHandler; invites: InvitesService }): Router {
  const { invites } = deps;
  const r = Router();
  r.use(deps.requireAuth);

  r.post('/:id/invites', async (req, res) => {
    const id = idParam(req, 'id', 'Conversation');
    const body = parseInput(createInviteRequestSchema, req.body ?? {});
    sendData(res, await invites.create(userIdOf(req), id, body), 201);
  });
  r.get('/:id/invites', async (req, res) => {
    sendData(res, await invites.list(userIdOf(req), idParam(req, 'id', 'Conversation')));
  });
  r.delete('/:id/invites/:code', async (req, res) => {
    await invites.revoke(userIdOf(req), idParam(req, 'id', 'Conversation'), codeParam(req));
    sendEmpty(res);
  });
  return r;
}

/** Previewing and accepting an invite, mounted at /invites. */
export function invitesRoutes(deps: { requireAuth: RequestHandler; invites: InvitesService }): Router {
  const { invites } = deps;
  const r = Router();
  r.use(deps.requireAuth);
  r.get('/:code', async (req, res) => {
    sendData(res, await invites.preview(userIdOf(req), codeParam(req)));
  });
  r.post('/:code/accept', async (req, res) => {
    sendData(res, await invites.accept(userIdOf(req), codeParam(req)));
  });
  return r;
}
