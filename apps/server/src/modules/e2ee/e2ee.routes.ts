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
import { callerId, idParam } from '../../http/request.ts';
import { parseInput } from '../../http/validate.ts';
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

  r.post('/devices', async (req, res) => {
    const body = parseInput(registerDeviceRequestSchema, req.body);
    sendData(res, await devices.register(sessionOf(req), body), 201);
  });
  r.get('/devices/me', async (req, res) => {
    sendData(res, await devices.mine(callerId(req)));
  });
  r.get('/devices/:deviceId', async (req, res) => {
    sendData(res, await devices.publicRecord(e2eeParam(req, 'deviceId', 'Device')));
  });
  r.delete('/devices/:deviceId', async (req, res) => {
    await devices.revoke(callerId(req), e2eeParam(req, 'deviceId', 'Device'));
    sendEmpty(res);
  });
  r.get('/devices/:deviceId/key-packages', async (req, res) => {
    sendData(res, await devices.keyPackageStatus(callerId(req), e2eeParam(req, 'deviceId', 'Device')));
  });
  r.post('/devices/:deviceId/key-packages', async (req, res) => {
    const deviceId = e2eeParam(req, 'deviceId', 'Device');
    const body = parseInput(uploadKeyPackagesRequestSchema, req.body);
    sendData(res, await devices.uploadKeyPackages(callerId(req), deviceId, body), 201);
  });

  r.get('/conversations/:id/group', async (req, res) => {
    sendData(res, await delivery.groupState(callerId(req), idParam(req, 'id', 'Conversation')));
  });
  r.post('/conversations/:id/key-packages/claim', async (req, res) => {
    const id = idParam(req, 'id', 'Conversation');
    const body = parseInput(claimKeyPackagesRequestSchema, req.body);
    sendData(res, await devices.claim(callerId(req), id, body.deviceIds));
  });
  r.post('/conversations/:id/commits', async (req, res) => {
    const id = idParam(req, 'id', 'Conversation');
    const body = parseInput(postCommitRequestSchema, req.body);
    sendData(res, await delivery.commit(callerId(req), id, body), 201);
  });
  r.get('/conversations/:id/messages', async (req, res) => {
    const id = idParam(req, 'id', 'Conversation');
    const q = parseInput(e2eeLogQuerySchema, req.query);
    sendData(res, await delivery.log(callerId(req), id, q.after, q.limit));
  });
  r.post('/conversations/:id/messages', async (req, res) => {
    const id = idParam(req, 'id', 'Conversation');
    const body = parseInput(postE2eeMessageRequestSchema, req.body);
    const { message, created } = await delivery.send(callerId(req), id, body);
    sendData(res, message, created ? 201 : 200);
  });

  // Encrypted attachments: raw ciphertext in, raw ciphertext out.
  r.post('/conversations/:id/blobs', async (req, res) => {
    sendData(res, await blobs.upload(callerId(req), idParam(req, 'id', 'Conversation'), req), 201);
  });
  r.get('/blobs/:blobId', async (req, res) => {
    await blobs.download(callerId(req), e2eeParam(req, 'blobId', 'Attachment'), res);
  });
  r.delete('/blobs/:blobId', async (req, res) => {
    await blobs.remove(callerId(req), e2eeParam(req, 'blobId', 'Attachment'));
    sendEmpty(res);
  });

  r.post('/reports', async (req, res) => {
    const body = parseInput(reportE2eeMessageRequestSchema, req.body);
    sendData(res, await reports.report(callerId(req), body), 201);
  });
  r.get('/reports/:reportId/evidence', async (req, res) => {
    const auth = req.auth;
    if (!auth) throw new Error('route mounted without requireAuth');
    sendData(res, await reports.evidence(auth, e2eeParam(req, 'reportId', 'Report')));
  });

  r.get('/welcomes', async (req, res) => {
    const q = parseInput(deviceQuerySchema, req.query);
    sendData(res, await delivery.welcomes(callerId(req), q.deviceId));
  });
  r.delete('/welcomes/:welcomeId', async (req, res) => {
    const q = parseInput(deviceQuerySchema, req.query);
    await delivery.ackWelcome(callerId(req), e2eeParam(req, 'welcomeId', 'Welcome'), q.deviceId);
    sendEmpty(res);
  });
  return r;
}
