import { setAutoTranslateRequestSchema, translateRequestSchema } from '@charla/shared-types';
import { type RequestHandler, Router } from 'express';
import { sendData } from '../../http/envelope.ts';
import { parseInput } from '../../http/validate.ts';
import { idParam, userIdOf } from '../conversations/conversations.routes.ts';
import type { TranslationService } from './translation.service.ts';

export function translationRoutes(deps: { translation: TranslationService; requireAuth: RequestHandler }): Router {
  const { translation, requireAuth } = deps;
  const r = Router();
  r.get('/translation', requireAuth, async (req, res) => {
    sendData(res, await translation.status(userIdOf(req)));
  });
  r.get('/conversations/:id/translation', requireAuth, async (req, res) => {
    sendData(res, await translation.conversation(userIdOf(req), idParam(req)));
  });
  r.put('/conversations/:id/translation', requireAuth, async (req, res) => {
    const id = idParam(req);
    const body = parseInput(setAutoTranslateRequestSchema, req.body);
    sendData(res, await translation.setAuto(userIdOf(req), id, body.auto));
  });
  r.post('/conversations/:id/translations', requireAuth, async (req, res) => {
    const id = idParam(req);
    const body = parseInput(translateRequestSchema, req.body);
    sendData(res, { items: await translation.translate(userIdOf(req), id, body.messageIds, body.target) });
  });
  return r;
}
