import { createPublicKey } from 'node:crypto';
import {
  emailUnsubscribeSchema,
  notificationPaths,
  type PushConfig,
  type PushSubscriptionDto,
  putPushSubscriptionSchema,
  updateEmailDigestSchema,
  withoutPadding,
} from '@charla/shared-types';
import { type RequestHandler, Router } from 'express';
import type { Clock } from '../../app-context.ts';
import { sendData, sendEmpty } from '../../http/envelope.ts';
import { unprocessable } from '../../http/errors.ts';
import { caller as authOf, below } from '../../http/request.ts';
import { parseInput } from '../../http/validate.ts';
import type { PushSubscriptionRecord, Storage } from '../../storage/ports.ts';
import type { DigestService } from './digest.service.ts';
import { checkEndpoint } from './push.endpoint.ts';

const toDto = (s: PushSubscriptionRecord): PushSubscriptionDto => ({
  endpoint: s.endpoint,
  prefs: s.prefs,
  createdAt: s.createdAt.toISOString(),
  updatedAt: s.updatedAt.toISOString(),
});

/** A browser's key must be a point on P-256, or every push to it would fail. */
function isP256Point(p256dh: string): boolean {
  const raw = Buffer.from(p256dh, 'base64url');
  if (raw.length !== 65 || raw[0] !== 4) return false;
  try {
    createPublicKey({
      key: {
        kty: 'EC',
        crv: 'P-256',
        x: raw.subarray(1, 33).toString('base64url'),
        y: raw.subarray(33).toString('base64url'),
      },
      format: 'jwk',
    });
    return true;
  } catch {
    return false;
  }
}

/**
 * Web Push subscriptions (per signed-in device) and the email digest settings; one-click unsubscribe.
 * Mounted at /notifications.
 */
export function notificationsRoutes(deps: {
  requireAuth: RequestHandler;
  storage: Storage;
  clock: Clock;
  push: PushConfig;
  allowPrivateHosts: boolean;
  digest: DigestService;
}): Router {
  const { requireAuth, storage, clock } = deps;
  const at = (path: string) => below('/notifications', path);
  const p = {
    pushConfig: at(notificationPaths.pushConfig),
    pushSubscription: at(notificationPaths.pushSubscription),
    emailDigest: at(notificationPaths.emailDigest),
    emailUnsubscribe: at(notificationPaths.emailUnsubscribe),
  };
  const router = Router();

  router.get(p.pushConfig, requireAuth, (_req, res) => {
    sendData(res, deps.push);
  });

  router.get(p.pushSubscription, requireAuth, async (req, res) => {
    const sub = await storage.pushSubscriptions.findBySession(authOf(req).sessionId);
    sendData(res, sub ? toDto(sub) : null);
  });

  router.put(p.pushSubscription, requireAuth, async (req, res) => {
    const body = parseInput(putPushSubscriptionSchema, req.body);
    if (!deps.push.enabled) throw unprocessable('This server does not send push notifications');
    const endpoint = checkEndpoint(body.endpoint, deps.allowPrivateHosts);
    if (!endpoint.ok)
      throw unprocessable(`The push service endpoint ${endpoint.reason}`, { endpoint: [endpoint.reason] });
    if (!isP256Point(body.keys.p256dh))
      throw unprocessable('keys.p256dh is not a P-256 public key', { 'keys.p256dh': ['Not a P-256 public key'] });
    const { userId, sessionId } = authOf(req);
    const sub = await storage.pushSubscriptions.upsert({
      userId,
      sessionId,
      endpoint: endpoint.url.href,
      p256dh: withoutPadding(body.keys.p256dh),
      auth: withoutPadding(body.keys.auth),
      prefs: body.prefs,
      now: clock.now(),
    });
    sendData(res, toDto(sub), 200, 'Push notifications on for this device');
  });

  router.delete(p.pushSubscription, requireAuth, async (req, res) => {
    await storage.pushSubscriptions.deleteBySession(authOf(req).sessionId);
    sendEmpty(res, 200, 'Push notifications off for this device');
  });

  router.get(p.emailDigest, requireAuth, async (req, res) => {
    sendData(res, await deps.digest.settings(authOf(req).userId));
  });

  router.patch(p.emailDigest, requireAuth, async (req, res) => {
    const patch = parseInput(updateEmailDigestSchema, req.body);
    sendData(res, await deps.digest.update(authOf(req).userId, patch), 200, 'Email settings saved');
  });

  // No sign-in: the mailed single-use token is the credential. `?token=` serves RFC 8058 one-click
  // POSTs from mail clients (body "List-Unsubscribe=One-Click"); the web page posts JSON.
  router.post(p.emailUnsubscribe, async (req, res) => {
    const query = typeof req.query.token === 'string' ? { token: req.query.token } : undefined;
    const { token } = parseInput(emailUnsubscribeSchema, query ?? req.body);
    await deps.digest.unsubscribe(token);
    sendEmpty(res, 200, 'You will not get missed-message emails any more');
  });

  return router;
}
