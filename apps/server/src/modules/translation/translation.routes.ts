import { setAutoTranslateRequestSchema, translateRequestSchema } from '@charla/shared-types';
import { type RequestHandler, Router } from 'express';
import { sendData } from '../../http/envelope.ts';
import { callerId, idParam } from '../../http/request.ts';
import { parseInput } from '../../http/validate.ts';
import type { TranslationService } from './translation.service.ts';

type Deps = { translation: TranslationService; requireAuth: RequestHandler };

/** Mounted at /translation: whether translation is on, its languages, today's use. */
export function translationStatusRoutes({ translation, requireAuth }: Deps): Router {
  const r = Router();
  r.get('/', requireAuth, async (req, res) => {
    sendData(res, await translation.status(callerId(req)));
  });
  return r;
}

/**
 * Mounted at /conversations, beside messaging: my "Translate automatically" and a screenful's
 * translations. requireAuth per route, as the prefix is shared with other routers.
 */
export function conversationTranslationRoutes({ translation, requireAuth }: Deps): Router {
  const r = Router();
  r.get('/:id/translation', requireAuth, async (req, res) => {
    sendData(res, await translation.conversation(callerId(req), idParam(req, 'id', 'Conversation')));
  });
  r.put('/:id/translation', requireAuth, async (req, res) => {
    const id = idParam(req, 'id', 'Conversation');
    const body = parseInput(setAutoTranslateRequestSchema, req.body);
    sendData(res, await translation.setAuto(callerId(req), id, body.auto));
  });
  r.post('/:id/translations', requireAuth, async (req, res) => {
    const id = idParam(req, 'id', 'Conversation');
    const body = parseInput(translateRequestSchema, req.body);
    sendData(res, { items: await translation.translate(callerId(req), id, body.messageIds, body.target) });
  });
  return r;
}
