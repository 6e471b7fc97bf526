import { paths, saveContactSchema } from '@charla/shared-types';
import { Router } from 'express';
import type { AppContext } from '../../app-context.ts';
import { sendData, sendEmpty } from '../../http/envelope.ts';
import { below, callerId } from '../../http/request.ts';
import { parseInput } from '../../http/validate.ts';
import type { ContactsService } from './contacts.service.ts';

export function contactsRoutes(ctx: AppContext, service: ContactsService): Router {
  const { requireAuth } = ctx;
  const router = Router();
  const p = paths.contacts;

  router.get(below('/contacts', p.list), requireAuth, async (req, res) => {
    sendData(res, await service.list(callerId(req)));
  });

  router.put('/:userId', requireAuth, async (req, res) => {
    const patch = parseInput(saveContactSchema, req.body ?? {});
    const { contact, created } = await service.save(callerId(req), String(req.params.userId), patch);
    sendData(res, contact, created ? 201 : 200, created ? 'Contact added' : 'Contact updated');
  });

  router.delete('/:userId', requireAuth, async (req, res) => {
    await service.remove(callerId(req), String(req.params.userId));
    sendEmpty(res, 200, 'Contact removed');
  });

  return router;
}
