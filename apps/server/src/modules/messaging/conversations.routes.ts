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
import { type Request, type RequestHandler, Router } from 'express';
import { sendData, sendEmpty } from '../../http/envelope.ts';
import { idParam as anyIdParam, callerId as userIdOf } from '../../http/request.ts';
import { parseInput } from '../../http/validate.ts';
import type { ChangesService } from './changes.service.ts';
import type { ConversationsService } from './conversations.service.ts';
import type { ConversationAvatars } from './messages.service.ts';
import type { ParticipantsService } from './participants.service.ts';

const idParam = (req: Request, name = 'id') => anyIdParam(req, name, 'Conversation');

/** Mounted at /conversations. */
export function conversationsRoutes(deps: {
  requireAuth: RequestHandler;
  conversations: ConversationsService;
  participants: ParticipantsService;
  changes: ChangesService;
  avatars: ConversationAvatars;
}): Router {
  const { conversations, participants, changes, avatars } = deps;
  const r = Router();
  r.use(deps.requireAuth);

  r.get('/', async (req, res) => {
    const q = parseInput(listConversationsQuerySchema, req.query);
    sendData(res, await conversations.list(userIdOf(req), q));
  });
  r.post('/', async (req, res) => {
    const body = parseInput(createConversationRequestSchema, req.body);
    const { conversation, created } = await conversations.create(userIdOf(req), body);
    sendData(res, conversation, created ? 201 : 200);
  });
  // Fixed paths before /:id.
  r.get('/public', async (req, res) => {
    const q = parseInput(publicDirectoryQuerySchema, req.query);
    sendData(res, await conversations.directory(userIdOf(req), q));
  });
  r.get('/sync', async (req, res) => {
    const q = parseInput(syncQuerySchema, req.query);
    sendData(res, await changes.sync(userIdOf(req), q.since));
  });

  r.get('/:id', async (req, res) => {
    sendData(res, await conversations.get(userIdOf(req), idParam(req)));
  });
  r.patch('/:id', async (req, res) => {
    const id = idParam(req);
    const body = parseInput(updateConversationRequestSchema, req.body);
    sendData(res, await conversations.update(userIdOf(req), id, body));
  });
  r.delete('/:id', async (req, res) => {
    await conversations.remove(userIdOf(req), idParam(req));
    sendEmpty(res);
  });
  r.post('/:id/join', async (req, res) => {
    sendData(res, await conversations.join(userIdOf(req), idParam(req)));
  });
  r.post('/:id/leave', async (req, res) => {
    await conversations.leave(userIdOf(req), idParam(req));
    sendEmpty(res);
  });
  r.patch('/:id/me', async (req, res) => {
    const id = idParam(req);
    const body = parseInput(updateMyStateRequestSchema, req.body);
    sendData(res, await participants.updateMe(userIdOf(req), id, body));
  });
  r.get('/:id/changes', async (req, res) => {
    const id = idParam(req);
    const q = parseInput(changesQuerySchema, req.query);
    sendData(res, await changes.changes(userIdOf(req), id, q.after, q.limit));
  });

  r.get('/:id/participants', async (req, res) => {
    const id = idParam(req);
    const q = parseInput(listConversationsQuerySchema, req.query);
    sendData(res, await participants.list(userIdOf(req), id, q));
  });
  r.post('/:id/participants', async (req, res) => {
    const id = idParam(req);
    const body = parseInput(addParticipantsRequestSchema, req.body);
    sendData(res, await participants.add(userIdOf(req), id, body.userIds), 201);
  });
  r.patch('/:id/participants/:userId', async (req, res) => {
    const id = idParam(req);
    const target = idParam(req, 'userId');
    const body = parseInput(updateParticipantRequestSchema, req.body);
    sendData(res, await participants.setRole(userIdOf(req), id, target, body.role));
  });
  r.delete('/:id/participants/:userId', async (req, res) => {
    await participants.remove(userIdOf(req), idParam(req), idParam(req, 'userId'));
    sendEmpty(res);
  });
  // Group and channel avatars: media stores the image, the conversation announces it.
  r.put('/:id/avatar', avatars.limiter, async (req, res) => {
    const userId = userIdOf(req);
    const id = idParam(req);
    const apply = async (avatarUrl: string) => {
      await conversations.update(userId, id, { avatarUrl });
    };
    sendData(res, await avatars.upload(req, userId, id, apply));
  });
  return r;
}
