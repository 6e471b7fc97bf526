import {
  claimKeyPackagesRequestSchema,
  deviceQuerySchema,
  e2eeIdSchema,
  e2eeLogQuerySchema,
  postCommitRequestSchema,
  postE2eeMessageRequestSchema,
  registerDeviceRequestSchema,
  reportE2eeMessageRequestSchema,
  uploadKeyPackagesRequestSchema,
} from '@charla/shared-types';
import { type Request, Router } from 'express';
import { sendData, sendEmpty } from '../../http/envelope.ts';
import { notFound } from '../../http/errors.ts';
import { parseInput } from '../../http/validate.ts';
import { idParam, userIdOf } from '../conversations/conversations.routes.ts';
import type { createE2eeBlobs } from './e2ee.blobs.ts';
import type { createE2eeDelivery } from './e2ee.delivery.ts';
import type { createE2eeDevices } from './e2ee.devices.ts';
import type { createE2eeReports } from './e2ee.reports.ts';

/** A malformed device/welcome id cannot name anything: 404. */
function e2eeParam(req: Request, name: string, what: string): string {
  const parsed = e2eeIdSchema.safeParse(req.params[name]);
  if (!parsed.success) throw notFound(what);
  return parsed.data;
}

function sessionOf(req: Request): { userId: string; sessionId: string } {
  const auth = req.auth;
  if (!auth) throw new Error('route mounted without requireAuth');
  return { userId: auth.userId, sessionId: auth.sessionId };
}

export function e2eeRoutes(deps: {
  devices: ReturnType<typeof createE2eeDevices>;
  delivery: ReturnType<typeof createE2eeDelivery>;
  blobs: ReturnType<typeof createE2eeBlobs>;
  reports: ReturnType<typeof createE2eeReports>;
}): Router {
  const { devices, delivery, blobs, reports } = deps;
  const r = Router();

  r.post('/e2ee/devices', async (req, res) => {
    const body = parseInput(registerDeviceRequestSchema, req.body);
    sendData(res, await devices.register(sessionOf(req), body), 201);
  });
  r.get('/e2ee/devices/me', async (req, res) => {
    sendData(res, await devices.mine(userIdOf(req)));
  });
  r.get('/e2ee/devices/:deviceId', async (req, res) => {
    sendData(res, await devices.publicRecord(e2eeParam(req, 'deviceId', 'Device')));
  });
  r.delete('/e2ee/devices/:deviceId', async (req, res) => {
    await devices.revoke(userIdOf(req), e2eeParam(req, 'deviceId', 'Device'));
    sendEmpty(res);
  });
  r.get('/e2ee/devices/:deviceId/key-packages', async (req, res) => {
    sendData(res, await devices.keyPackageStatus(userIdOf(req), e2eeParam(req, 'deviceId', 'Device')));
  });
  r.post('/e2ee/devices/:deviceId/key-packages', async (req, res) => {
    const deviceId = e2eeParam(req, 'deviceId', 'Device');
    const body = parseInput(uploadKeyPackagesRequestSchema, req.body);
    sendData(res, await devices.uploadKeyPackages(userIdOf(req), deviceId, body), 201);
  });

  r.get('/e2ee/conversations/:id/group', async (req, res) => {
    sendData(res, await delivery.groupState(userIdOf(req), idParam(req)));
  });
  r.post('/e2ee/conversations/:id/key-packages/claim', async (req, res) => {
    const id = idParam(req);
    const body = parseInput(claimKeyPackagesRequestSchema, req.body);
    sendData(res, await devices.claim(userIdOf(req), id, body.deviceIds));
  });
  r.post('/e2ee/conversations/:id/commits', async (req, res) => {
    const id = idParam(req);
    const body = parseInput(postCommitRequestSchema, req.body);
    sendData(res, await delivery.commit(userIdOf(req), id, body), 201);
  });
  r.get('/e2ee/conversations/:id/messages', async (req, res) => {
    const id = idParam(req);
    const q = parseInput(e2eeLogQuerySchema, req.query);
    sendData(res, await delivery.log(userIdOf(req), id, q.after, q.limit));
  });
  r.post('/e2ee/conversations/:id/messages', async (req, res) => {
    const id = idParam(req);
    const body = parseInput(postE2eeMessageRequestSchema, req.body);
    const { message, created } = await delivery.send(userIdOf(req), id, body);
    sendData(res, message, created ? 201 : 200);
  });

  // Encrypted attachments: raw ciphertext in, raw ciphertext out.
  r.post('/e2ee/conversations/:id/blobs', async (req, res) => {
    sendData(res, await blobs.upload(userIdOf(req), idParam(req), req), 201);
  });
  r.get('/e2ee/blobs/:blobId', async (req, res) => {
    await blobs.download(userIdOf(req), e2eeParam(req, 'blobId', 'Attachment'), res);
  });
  r.delete('/e2ee/blobs/:blobId', async (req, res) => {
    await blobs.remove(userIdOf(req), e2eeParam(req, 'blobId', 'Attachment'));
    sendEmpty(res);
  });

  r.post('/e2ee/reports', async (req, res) => {
    const body = parseInput(reportE2eeMessageRequestSchema, req.body);
    sendData(res, await reports.report(userIdOf(req), body), 201);
  });
  r.get('/e2ee/reports/:reportId/evidence', async (req, res) => {
    const auth = req.auth;
    if (!auth) throw new Error('route mounted without requireAuth');
    sendData(res, await reports.evidence(auth, e2eeParam(req, 'reportId', 'Report')));
  });

  r.get('/e2ee/welcomes', async (req, res) => {
    const q = parseInput(deviceQuerySchema, req.query);
    sendData(res, await delivery.welcomes(userIdOf(req), q.deviceId));
  });
  r.delete('/e2ee/welcomes/:welcomeId', async (req, res) => {
    const q = parseInput(deviceQuerySchema, req.query);
    await delivery.ackWelcome(userIdOf(req), e2eeParam(req, 'welcomeId', 'Welcome'), q.deviceId);
    sendEmpty(res);
  });
  return r;
}
