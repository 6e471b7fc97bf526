import {
  deleteMessageQuerySchema,
  editMessageRequestSchema,
  emojiSchema,
  forwardMessageRequestSchema,
  historyQuerySchema,
  markReadRequestSchema,
  sendMessageRequestSchema,
} from '@charla/shared-types';
import { type RequestHandler, Router } from 'express';
import { sendData } from '../../http/envelope.ts';
import { idParam, callerId as userIdOf } from '../../http/request.ts';
import { parseInput } from '../../http/validate.ts';
import type { MessagesService } from './messages.service.ts';

/** A conversation's messages and read/delivered cursors, mounted at /conversations. */
export function conversationMessagesRoutes(deps: { requireAuth: RequestHandler; messages: MessagesService }): Router {
  const { messages } = deps;
  const r = Router();
  r.use(deps.requireAuth);

  r.get('/:id/messages', async (req, res) => {
    const id = idParam(req, 'id', 'Conversation');
    const q = parseInput(historyQuerySchema, req.query);
    sendData(res, await messages.history(userIdOf(req), id, q));
  });
  r.post('/:id/messages', async (req, res) => {
    const id = idParam(req, 'id', 'Conversation');
    const body = parseInput(sendMessageRequestSchema, req.body);
    const { message, created } = await messages.send(userIdOf(req), id, body);
    sendData(res, message, created ? 201 : 200);
  });
  r.post('/:id/read', async (req, res) => {
    const id = idParam(req, 'id', 'Conversation');
    const body = parseInput(markReadRequestSchema, req.body);
    sendData(res, await messages.markRead(userIdOf(req), id, body.seq));
  });
  r.post('/:id/delivered', async (req, res) => {
    const id = idParam(req, 'id', 'Conversation');
    const body = parseInput(markReadRequestSchema, req.body);
    sendData(res, await messages.markDelivered(userIdOf(req), id, body.seq));
  });

  return r;
}

/** One message: edit, delete, forward, react, receipts. Mounted at /messages. */
export function messagesRoutes(deps: { requireAuth: RequestHandler; messages: MessagesService }): Router {
  const { messages } = deps;
  const r = Router();
  r.use(deps.requireAuth);
  r.patch('/:id', async (req, res) => {
    const id = idParam(req, 'id', 'Message');
    const body = parseInput(editMessageRequestSchema, req.body);
    sendData(res, await messages.edit(userIdOf(req), id, body.text, body.mentions));
  });
  r.delete('/:id', async (req, res) => {
    const id = idParam(req, 'id', 'Message');
    const q = parseInput(deleteMessageQuerySchema, req.query);
    sendData(res, await messages.remove(userIdOf(req), id, q.for));
  });
  r.post('/:id/forward', async (req, res) => {
    const id = idParam(req, 'id', 'Message');
    const body = parseInput(forwardMessageRequestSchema, req.body);
    sendData(res, await messages.forward(userIdOf(req), id, body.conversationIds, body.clientMsgId), 201);
  });
  r.put('/:id/reactions/:emoji', async (req, res) => {
    const id = idParam(req, 'id', 'Message');
    const emoji = parseInput(emojiSchema, req.params.emoji);
    sendData(res, await messages.react(userIdOf(req), id, emoji, true));
  });
  r.delete('/:id/reactions/:emoji', async (req, res) => {
    const id = idParam(req, 'id', 'Message');
    const emoji = parseInput(emojiSchema, req.params.emoji);
    sendData(res, await messages.react(userIdOf(req), id, emoji, false));
  });
  r.get('/:id/receipts', async (req, res) => {
    sendData(res, await messages.receipts(userIdOf(req), idParam(req, 'id', 'Message')));
  });
  return r;
}
