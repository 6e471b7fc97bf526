import {
  addParticipantsRequestSchema,
  changesQuerySchema,
  createConversationRequestSchema,
  listConversationsQuerySchema,
  publicDirectoryQuerySchema,
  syncQuerySchema,
  updateConversationRequestSchema,
  updateMyStateRequestSchema,
  updateParticipantRequestSchema,
} from '@charla/shared-types';
import { type Request, Router } from 'express';
import { sendData, sendEmpty } from '../../http/envelope.ts';
import { idParam as anyIdParam, callerId as userIdOf } from '../../http/request.ts';
import { parseInput } from '../../http/validate.ts';
import type { ChangesService } from './changes.service.ts';
import type { ConversationsService } from './conversations.service.ts';
import type { ParticipantsService } from './participants.service.ts';

const idParam = (req: Request, name = 'id') => anyIdParam(req, name, 'Conversation');

export function conversationsRoutes(deps: {
  conversations: ConversationsService;
  participants: ParticipantsService;
  changes: ChangesService;
}): Router {
  const { conversations, participants, changes } = deps;
  const r = Router();

  r.get('/conversations', async (req, res) => {
    const q = parseInput(listConversationsQuerySchema, req.query);
    sendData(res, await conversations.list(userIdOf(req), q));
  });
  r.post('/conversations', async (req, res) => {
    const body = parseInput(createConversationRequestSchema, req.body);
    const { conversation, created } = await conversations.create(userIdOf(req), body);
    sendData(res, conversation, created ? 201 : 200);
  });
  // Fixed paths before /:id.
  r.get('/conversations/public', async (req, res) => {
    const q = parseInput(publicDirectoryQuerySchema, req.query);
    sendData(res, await conversations.directory(userIdOf(req), q));
  });
  r.get('/conversations/sync', async (req, res) => {
    const q = parseInput(syncQuerySchema, req.query);
    sendData(res, await changes.sync(userIdOf(req), q.since));
  });

  r.get('/conversations/:id', async (req, res) => {
    sendData(res, await conversations.get(userIdOf(req), idParam(req)));
  });
  r.patch('/conversations/:id', async (req, res) => {
    const id = idParam(req);
    const body = parseInput(updateConversationRequestSchema, req.body);
    sendData(res, await conversations.update(userIdOf(req), id, body));
  });
  r.delete('/conversations/:id', async (req, res) => {
    await conversations.remove(userIdOf(req), idParam(req));
    sendEmpty(res);
  });
  r.post('/conversations/:id/join', async (req, res) => {
    sendData(res, await conversations.join(userIdOf(req), idParam(req)));
  });
  r.post('/conversations/:id/leave', async (req, res) => {
    await conversations.leave(userIdOf(req), idParam(req));
    sendEmpty(res);
  });
  r.patch('/conversations/:id/me', async (req, res) => {
    const id = idParam(req);
    const body = parseInput(updateMyStateRequestSchema, req.body);
    sendData(res, await participants.updateMe(userIdOf(req), id, body));
  });
  r.get('/conversations/:id/changes', async (req, res) => {
    const id = idParam(req);
    const q = parseInput(changesQuerySchema, req.query);
    sendData(res, await changes.changes(userIdOf(req), id, q.after, q.limit));
  });

  r.get('/conversations/:id/participants', async (req, res) => {
    const id = idParam(req);
    const q = parseInput(listConversationsQuerySchema, req.query);
    sendData(res, await participants.list(userIdOf(req), id, q));
  });
  r.post('/conversations/:id/participants', async (req, res) => {
    const id = idParam(req);
    const body = parseInput(addParticipantsRequestSchema, req.body);
    sendData(res, await participants.add(userIdOf(req), id, body.userIds), 201);
  });
  r.patch('/conversations/:id/participants/:userId', async (req, res) => {
    const id = idParam(req);
    const target = idParam(req, 'userId');
    const body = parseInput(updateParticipantRequestSchema, req.body);
    sendData(res, await participants.setRole(userIdOf(req), id, target, body.role));
  });
  r.delete('/conversations/:id/participants/:userId', async (req, res) => {
    await participants.remove(userIdOf(req), idParam(req), idParam(req, 'userId'));
    sendEmpty(res);
  });
  return r;
}
