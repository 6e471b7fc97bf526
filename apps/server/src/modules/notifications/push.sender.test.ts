import type { PushPayload } from '@charla/shared-types';
import {
  createStandInTls,
  type PushServiceStandIn,
  type StandInTls,
  startPushServiceStandIn,
} from '@charla/test-utils/push-service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import webpush from 'web-push';
import type { PushSubscriptionRecord } from '../../storage/ports.ts';
import { checkEndpoint, createPushAgent, isPrivateAddress } from './push.endpoint.ts';
import type { VapidKeys } from './push.keys.ts';
import { createWebPushSender, pushTopic, retryAfterMs } from './push.sender.ts';

const keys: VapidKeys = { ...webpush.generateVAPIDKeys(), subject: 'mailto:ops@charla.test', source: 'generated' };
let tls: StandInTls;
let standIn: PushServiceStandIn;

const record = (s: { endpoint: string; keys: { p256dh: string; auth: string } }): PushSubscriptionRecord => ({
  id: 'sub1',
  userId: 'u1',
  sessionId: 's1',
  endpoint: s.endpoint,
  p256dh: s.keys.p256dh,
  auth: s.keys.auth,
  prefs: { level: 'all', hideContent: false, doNotDisturb: false, locale: 'en' },
  createdAt: new Date(),
  updatedAt: new Date(),
});
const payload: PushPayload = {
  v: 1,
  id: 'job-1',
  conversationId: 'c1',
  messageId: 'm1',
  seq: 3,
  count: 1,
  lang: 'es',
  hidden: false,
  title: 'Ana',
  body: 'Hola, ¿qué tal? 👋',
};
const message = { payload, ttlSeconds: 3600, urgency: 'high' as const, topicKey: 'c1' };

beforeAll(async () => {
  tls = await createStandInTls();
  standIn = await startPushServiceStandIn({ tls, vapidPublicKey: keys.publicKey });
});
afterAll(async () => {
  await standIn.close();
});

describe('web push through the stand-in (real VAPID and aes128gcm on both sides)', () => {
  const send = (agentCa = true, timeoutMs = 2000) =>
    createWebPushSender(keys, createPushAgent({ allowPrivate: true, ...(agentCa ? { ca: tls.cert } : {}) }), timeoutMs);

  it('delivers: the stand-in verifies the JWT and decrypts the payload', async () => {
    standIn.respond({ status: 201 });
    const sub = standIn.subscribe();
    expect(await send()(record(sub), message)).toEqual({ kind: 'sent', status: 201 });
    const d = standIn.deliveries.at(-1);
    expect(d?.payload).toEqual(payload);
    expect(d).toMatchObject({ subscriptionId: sub.id, ttl: 3600, urgency: 'high', topic: pushTopic('c1') });
    expect(d?.claims).toMatchObject({ aud: standIn.origin, sub: 'mailto:ops@charla.test' });
    expect(d?.claims.exp).toBeGreaterThan(Date.now() / 1000);
    expect(pushTopic('c1')).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(standIn.errors).toEqual([]);
  });

  it('maps the push service answers: 404/410 gone, 429/5xx retry (Retry-After), 400 rejected', async () => {
    const sub = record(standIn.subscribe());
    standIn.respond({ status: 410 });
    expect(await send()(sub, message)).toEqual({ kind: 'gone', status: 410 });
    standIn.respond({ status: 404 });
    expect(await send()(sub, message)).toEqual({ kind: 'gone', status: 404 });
    standIn.respond({ status: 429, headers: { 'retry-after': '7' } });
    expect(await send()(sub, message)).toMatchObject({ kind: 'retry', status: 429, retryAfterMs: 7000 });
    standIn.respond({ status: 503 });
    expect(await send()(sub, message)).toMatchObject({ kind: 'retry', status: 503, retryAfterMs: null });
    standIn.respond({ status: 400 });
    expect(await send()(sub, message)).toMatchObject({ kind: 'rejected', status: 400 });
    standIn.respond({ status: 201 });
  });

  it('a push service that never answers is a retry after the timeout, not a hang', async () => {
    standIn.respond('hold');
    const started = Date.now();
    const outcome = await send(true, 300)(record(standIn.subscribe()), message);
    expect(outcome).toMatchObject({ kind: 'retry', status: null });
    expect(Date.now() - started).toBeLessThan(5000);
    standIn.respond({ status: 201 });
  });

  it('an untrusted certificate is a retry (nothing sent in the clear)', async () => {
    const before = standIn.deliveries.length;
    expect(await send(false)(record(standIn.subscribe()), message)).toMatchObject({ kind: 'retry', status: null });
    expect(standIn.deliveries.length).toBe(before);
  });

  it('the stand-in itself refuses a push signed with another key or encrypted for other keys', async () => {
    const errors = standIn.errors.length;
    const other: VapidKeys = { ...webpush.generateVAPIDKeys(), subject: 'mailto:x@charla.test', source: 'generated' };
    const agent = createPushAgent({ allowPrivate: true, ca: tls.cert });
    const sub = standIn.subscribe();
    expect(await createWebPushSender(other, agent)(record(sub), message)).toMatchObject({ kind: 'retry', status: 401 });
    const wrongKeys = { ...sub, keys: { ...sub.keys, auth: Buffer.alloc(16, 7).toString('base64url') } };
    expect(await send()(record(wrongKeys), message)).toMatchObject({ kind: 'rejected', status: 400 });
    expect(standIn.errors.slice(errors)).toEqual([
      'k is not the application server key of the subscription',
      'Unsupported state or unable to authenticate data',
    ]);
  });
});

describe('push endpoints (no server-side request forgery)', () => {
  it('accepts https on 443 of a public host only', () => {
    expect(checkEndpoint('https://fcm.googleapis.com/fcm/send/abc', false).ok).toBe(true);
    expect(checkEndpoint('https://updates.push.services.mozilla.com:443/wpush/v2/x', false).ok).toBe(true);
    for (const bad of [
      'http://fcm.googleapis.com/x',
      'https://fcm.googleapis.com:8443/x',
      'https://user:pw@fcm.googleapis.com/x',
      'https://127.0.0.1/x',
      'https://[::1]/x',
      'https://[::ffff:10.0.0.1]/x',
      'https://169.254.169.254/latest',
      'https://10.1.2.3/x',
      'https://localhost/x',
      'https://metadata.internal/x',
      'https://intranet/x',
      'not a url',
    ])
      expect(checkEndpoint(bad, false).ok, bad).toBe(false);
    expect(checkEndpoint('https://127.0.0.1:4443/push/x', true).ok).toBe(true);
    expect(checkEndpoint('http://127.0.0.1:4443/push/x', true).ok).toBe(false);
  });

  it('classifies addresses', () => {
    for (const a of ['127.0.0.1', '10.0.0.1', '172.16.5.4', '192.168.1.1', '169.254.1.1', '::1', 'fe80::1', 'fd00::1'])
      expect(isPrivateAddress(a), a).toBe(true);
    expect(isPrivateAddress('::ffff:7f00:1')).toBe(true);
    for (const a of ['8.8.8.8', '142.250.1.1', '2a00:1450:4001::1']) expect(isPrivateAddress(a), a).toBe(false);
  });

  it('refuses at connect time a name that resolves to a private address', async () => {
    const sub = standIn.subscribe();
    const viaName = record({ ...sub, endpoint: sub.endpoint.replace('127.0.0.1', 'localhost') });
    const sender = createWebPushSender(keys, createPushAgent({ allowPrivate: false, ca: tls.cert }), 2000);
    const before = standIn.deliveries.length;
    const outcome = await sender(viaName, message);
    expect(outcome).toMatchObject({ kind: 'retry', status: null });
    expect(outcome.kind === 'retry' && outcome.error).toMatch(/non-public address/);
    expect(standIn.deliveries.length).toBe(before);
  });

  it('reads Retry-After as seconds or a date, capped at an hour', () => {
    expect(retryAfterMs('12')).toBe(12_000);
    expect(retryAfterMs(new Date(Date.now() + 60_000).toUTCString())).toBeGreaterThan(55_000);
    expect(retryAfterMs('999999')).toBe(3_600_000);
    expect(retryAfterMs('soon')).toBeNull();
    expect(retryAfterMs(undefined)).toBeNull();
  });
});
