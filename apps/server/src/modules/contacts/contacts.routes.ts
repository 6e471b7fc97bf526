import { paths, saveContactSchema } from '@charla/shared-types';
import { Router } from 'express';
import type { AppContext } from '../../app-context.ts';
import { sendData, sendEmpty } from '../../http/envelope.ts';
import { parseInput } from '../../http/validate.ts';
import { authOf } from '../auth/auth.middleware.ts';
import type { ContactsService } from './contacts.service.ts';

export function contactsRoutes(ctx: AppContext, service: ContactsService): Router {
  const { requireAuth } = ctx;
  const router = Router();
  const p = paths.contacts;

  router.get(p.list, requireAuth, async (req, res) => {
    sendData(res, await service.list(authOf(req).userId));
  });

  router.put('/contacts/:userId', requireAuth, async (req, res) => {
    const patch = parseInput(saveContactSchema, req.body ?? {});
    const { contact, created } = await service.save(authOf(req).userId, String(req.params.userId), patch);
    sendData(res, contact, created ? 201 : 200, created ? 'Contact added' : 'Contact updated');
  });

  router.delete('/contacts/:userId', requireAuth, async (req, res) => {
    await service.remove(authOf(req).userId, String(req.params.userId));
    sendEmpty(res, 200, 'Contact removed');
  });

  return router;
}
