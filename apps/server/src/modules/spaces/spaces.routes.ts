import { once } from 'node:events';
import {
  createSpaceInviteRequestSchema,
  createSpaceRequestSchema,
  setSpaceDatabaseRequestSchema,
  updateSpaceMemberRequestSchema,
  updateSpaceRequestSchema,
} from '@charla/shared-types';
import { type RequestHandler, type Response, Router } from 'express';
import type { AppContext } from '../../app-context.ts';
import { sendData, sendEmpty } from '../../http/envelope.ts';
import { forbidden } from '../../http/errors.ts';
import { callerId, idParam } from '../../http/request.ts';
import { parseInput } from '../../http/validate.ts';
import type { SpaceStorages } from '../../storage/spaces/space-storages.ts';
import { type SpacesService, toSpaceDto } from './spaces.service.ts';

/** Buffers as base64, so the archive is plain JSON. */
const exportable = (_key: string, value: unknown) =>
  value &&
  typeof value === 'object' &&
  (value as { type?: unknown }).type === 'Buffer' &&
  Array.isArray((value as { data?: unknown }).data)
    ? { base64: Buffer.from((value as { data: number[] }).data).toString('base64') }
    : value;

async function write(res: Response, chunk: string): Promise<void> {
  if (!res.write(chunk)) await once(res, 'drain');
}

/** Routes under /spaces (paths.spaces): the registry, membership, invites, export and deletion. */
export function spacesRoutes(ctx: AppContext, service: SpacesService, spaceStorages: SpaceStorages): Router {
  const { requireAuth } = ctx;
  const router = Router();
  const space = (req: Parameters<typeof idParam>[0]) => idParam(req, 'id', 'Space');

  router.get('/', requireAuth, async (req, res) => {
    sendData(res, await service.list(callerId(req)));
  });
  router.post('/', requireAuth, async (req, res) => {
    const body = parseInput(createSpaceRequestSchema, req.body ?? {});
    sendData(res, await service.create(callerId(req), body), 201, 'Space created');
  });
  router.get('/by-slug/:slug', requireAuth, async (req, res) => {
    sendData(res, await service.bySlug(callerId(req), idParam(req, 'slug', 'Space')));
  });
  router.get('/invites/:code', requireAuth, async (req, res) => {
    sendData(res, await service.previewInvite(callerId(req), idParam(req, 'code', 'Invite')));
  });
  router.post('/invites/:code', requireAuth, async (req, res) => {
    sendData(res, await service.acceptInvite(callerId(req), idParam(req, 'code', 'Invite')), 200, 'Joined');
  });
  router.get('/:id', requireAuth, async (req, res) => {
    sendData(res, await service.get(callerId(req), space(req)));
  });
  router.patch('/:id', requireAuth, async (req, res) => {
    const patch = parseInput(updateSpaceRequestSchema, req.body ?? {});
    sendData(res, await service.update(callerId(req), space(req), patch), 200, 'Space updated');
  });
  router.delete('/:id', requireAuth, async (req, res) => {
    sendData(res, await service.scheduleDeletion(callerId(req), space(req)), 202, 'Space scheduled for deletion');
  });
  router.post('/:id/restore', requireAuth, async (req, res) => {
    sendData(res, await service.restore(callerId(req), space(req)), 200, 'Deletion cancelled');
  });
  router.post('/:id/join', requireAuth, async (req, res) => {
    sendData(res, await service.joinOpen(callerId(req), space(req)), 200, 'Joined');
  });
  router.post('/:id/leave', requireAuth, async (req, res) => {
    await service.leave(callerId(req), space(req));
    sendEmpty(res, 200, 'Left the space');
  });
  router.get('/:id/members', requireAuth, async (req, res) => {
    const after = typeof req.query.after === 'string' ? req.query.after : undefined;
    sendData(res, await service.members(callerId(req), space(req), after));
  });
  router.patch('/:id/members/:userId', requireAuth, async (req, res) => {
    const { role } = parseInput(updateSpaceMemberRequestSchema, req.body ?? {});
    await service.setRole(callerId(req), space(req), idParam(req, 'userId', 'Member'), role);
    sendEmpty(res, 200, 'Role changed');
  });
  router.delete('/:id/members/:userId', requireAuth, async (req, res) => {
    await service.removeMember(callerId(req), space(req), idParam(req, 'userId', 'Member'));
    sendEmpty(res, 200, 'Member removed');
  });
  router.get('/:id/invites', requireAuth, async (req, res) => {
    sendData(res, await service.listInvites(callerId(req), space(req)));
  });
  router.post('/:id/invites', requireAuth, async (req, res) => {
    const { expiresInHours } = parseInput(createSpaceInviteRequestSchema, req.body ?? {});
    sendData(res, await service.createInvite(callerId(req), space(req), expiresInHours), 201, 'Invite created');
  });

  // The owner's archive: the space, its members, then every stored record, streamed as JSON.
  router.get('/:id/export', requireAuth, async (req, res) => {
    const { space: record } = await service.requireRole(space(req), callerId(req), 'owner', 'export it');
    const members = await service.members(callerId(req), record.id);
    res.status(200);
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="charla-space-${record.slug}.json"`);
    res.setHeader('Cache-Control', 'no-store');
    await write(
      res,
      `{"format":"charla-space-export/1","exportedAt":${JSON.stringify(new Date().toISOString())},"space":${JSON.stringify(toSpaceDto(record))},"members":${JSON.stringify(members.items)},"records":[\n`,
    );
    let first = true;
    for await (const { collection, record: row } of spaceStorages.dump(record)) {
      if (res.destroyed) return;
      await write(res, `${first ? '' : ',\n'}${JSON.stringify({ collection, record: row }, exportable)}`);
      first = false;
    }
    res.end('\n]}\n');
  });

  return router;
}

/** /admin/spaces: site admins list every space and may give one its own MongoDB deployment. */
export function adminSpacesRoutes(ctx: AppContext, service: SpacesService): Router {
  const router = Router();
  const siteAdmin: RequestHandler = (req, _res, next) => {
    if (req.auth?.role !== 'admin') throw forbidden('Only site admins can do that');
    next();
  };
  router.get('/', ctx.requireAuth, siteAdmin, async (req, res) => {
    const after = typeof req.query.after === 'string' ? req.query.after : undefined;
    sendData(res, await service.listAll(after));
  });
  router.put('/:id/database', ctx.requireAuth, siteAdmin, async (req, res) => {
    const { mongoUri } = parseInput(setSpaceDatabaseRequestSchema, req.body ?? {});
    sendData(res, await service.setDatabase(idParam(req, 'id', 'Space'), mongoUri), 200, 'Database set');
  });
  return router;
}
