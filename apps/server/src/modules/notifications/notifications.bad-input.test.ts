import { createECDH, randomBytes } from 'node:crypto';
import { notificationPaths } from '@charla/shared-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Rest, restAs } from '../../../test/chat.ts';
import { type RegisteredUser, registerUser, startTestApp, type TestApp } from '../../../test/harness.ts';

/**
 * Every bad input to the notification routes gets a clear 4xx envelope naming the problem, never a
 * 500, and changes nothing. The server here runs as in production: no private push hosts.
 */
let t: TestApp;
let ben: RegisteredUser;
let rest: Rest;

const key = () => {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return ecdh.getPublicKey().toString('base64url');
};
const good = () => ({
  endpoint: `https://push.example.com/send/${randomBytes(8).toString('hex')}`,
  keys: { p256dh: key(), auth: randomBytes(16).toString('base64url') },
  prefs: { level: 'all', hideContent: false, doNotDisturb: false, locale: 'en' },
});

beforeAll(async () => {
  t = await startTestApp();
  ben = await registerUser(t, { displayName: 'Ben' });
  rest = restAs(t.api, ben.accessToken);
});
afterAll(async () => {
  await t.close();
});

/** A request with a raw body (malformed JSON, wrong content types). */
const raw = async (method: string, path: string, body: string, type = 'application/json', token = ben.accessToken) => {
  const res = await fetch(`${t.api}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': type },
    body,
  });
  return {
    status: res.status,
    body: (await res.json().catch(() => null)) as { error?: { code: string; message: string } },
  };
};

/** The error envelope: `{ error: true, status, code, message }`, with the status it was sent with. */
const expectRefused = (res: { status: number; body: unknown }, status: number, message?: RegExp) => {
  expect(res.status).toBe(status);
  expect(res.body).toMatchObject({ error: true, status, code: expect.any(String), message: expect.any(String) });
  // The reason is in the message or, for field errors, in details (field -> messages).
  if (message) expect(JSON.stringify(res.body)).toMatch(message);
};

describe('push subscription: bad inputs', () => {
  it('refuses malformed bodies and wrong shapes with 400', async () => {
    const put = (b: unknown) => rest.put(notificationPaths.pushSubscription, b);
    expectRefused(await raw('PUT', notificationPaths.pushSubscription, '{"endpoint":'), 400);
    expectRefused(await raw('PUT', notificationPaths.pushSubscription, '[]'), 400);
    expectRefused(await raw('PUT', notificationPaths.pushSubscription, 'endpoint=x', 'text/plain'), 400);
    expectRefused(await put({}), 400);
    expectRefused(await put({ ...good(), extra: true }), 400);
    expectRefused(await put({ ...good(), endpoint: 'http://push.example.com/x' }), 400, /https/);
    expectRefused(await put({ ...good(), endpoint: 'not a url' }), 400);
    expectRefused(await put({ ...good(), endpoint: `https://push.example.com/${'a'.repeat(1100)}` }), 400);
    expectRefused(await put({ ...good(), keys: { p256dh: key() } }), 400);
    expectRefused(await put({ ...good(), keys: { p256dh: key(), auth: 'x!' } }), 400);
    expectRefused(await put({ ...good(), keys: { p256dh: key().slice(0, 40), auth: good().keys.auth } }), 400);
    expectRefused(await put({ ...good(), prefs: { ...good().prefs, locale: 'fr' } }), 400);
    expectRefused(await put({ ...good(), prefs: { level: 'all' } }), 400);
    expectRefused(await put({ ...good(), prefs: null }), 400);
  });

  it('refuses endpoints the server must not call (SSRF) and keys that are not P-256 points with 422', async () => {
    const put = (b: unknown) => rest.put(notificationPaths.pushSubscription, b);
    for (const endpoint of [
      'https://127.0.0.1/push',
      'https://10.1.2.3/push',
      'https://[::1]/push',
      'https://[::ffff:7f00:1]/push',
      'https://169.254.169.254/latest',
      'https://localhost/push',
      'https://push.internal/x',
      'https://push.example.com:8443/x',
      'https://user:pw@push.example.com/x',
      'https://push.example.com/x#fragment',
    ])
      expectRefused(await put({ ...good(), endpoint }), 422, /endpoint/);
    // 65 bytes starting with 4, but not a point on the curve.
    const offCurve = Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 1)]).toString('base64url');
    expectRefused(await put({ ...good(), keys: { ...good().keys, p256dh: offCurve } }), 422, /P-256/);
    expect(await t.storage.pushSubscriptions.listByUser(ben.user.id)).toEqual([]);
  });

  it('refuses a body over the size limit with 413, and anonymous or bad tokens with 401', async () => {
    const big = JSON.stringify({ ...good(), pad: 'x'.repeat(2 * 1024 * 1024) });
    expect((await raw('PUT', notificationPaths.pushSubscription, big)).status).toBe(413);
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const anon = await fetch(`${t.api}${notificationPaths.pushSubscription}`, { method });
      expect(anon.status).toBe(401);
      const bad = await fetch(`${t.api}${notificationPaths.pushSubscription}`, {
        method,
        headers: { authorization: 'Bearer garbage' },
      });
      expect(bad.status).toBe(401);
    }
    expect((await fetch(`${t.api}${notificationPaths.pushConfig}`)).status).toBe(401);
  });

  it('a good subscription is stored; unsubscribing twice is fine', async () => {
    const res = await rest.put(notificationPaths.pushSubscription, good());
    expect(res.status).toBe(200);
    expect(await t.storage.pushSubscriptions.listByUser(ben.user.id)).toHaveLength(1);
    expect((await rest.del(notificationPaths.pushSubscription)).status).toBe(200);
    expect((await rest.del(notificationPaths.pushSubscription)).status).toBe(200);
    expect(await t.storage.pushSubscriptions.listByUser(ben.user.id)).toEqual([]);
  });
});

describe('email digest: bad inputs', () => {
  it('refuses bad settings with 400 and keeps the old ones', async () => {
    const before = (await rest.get(notificationPaths.emailDigest)).body;
    for (const body of [
      { delayMinutes: 0 },
      { delayMinutes: 24 * 60 + 1 },
      { delayMinutes: 30.5 },
      { enabled: 'yes' },
      { locale: 'de' },
      { hideContent: null },
      { unknown: true },
    ])
      expectRefused(await rest.patch(notificationPaths.emailDigest, body), 400);
    expectRefused(await raw('PATCH', notificationPaths.emailDigest, '"on"'), 400);
    expectRefused(await raw('PATCH', notificationPaths.emailDigest, '{'), 400);
    expect((await rest.get(notificationPaths.emailDigest)).body).toEqual(before);
  });

  it('unsubscribe: a missing or malformed token is 400, an unknown one 404; no sign-in needed', async () => {
    const post = (path: string, body: string, type = 'application/json') =>
      fetch(`${t.api}${path}`, { method: 'POST', headers: { 'content-type': type }, body });
    const p = notificationPaths.emailUnsubscribe;
    expect((await post(p, '{}')).status).toBe(400);
    expect((await post(p, JSON.stringify({ token: 'short' }))).status).toBe(400);
    expect((await post(p, JSON.stringify({ token: 'x'.repeat(129) }))).status).toBe(400);
    expect((await post(p, JSON.stringify({ token: ['a'.repeat(20)] }))).status).toBe(400);
    expect(
      (await post(`${p}?token=a&token=b`, 'List-Unsubscribe=One-Click', 'application/x-www-form-urlencoded')).status,
    ).toBe(400);
    expect((await post(p, JSON.stringify({ token: 'u'.repeat(32) }))).status).toBe(404);
    expect(
      (await post(`${p}?token=${'u'.repeat(32)}`, 'List-Unsubscribe=One-Click', 'application/x-www-form-urlencoded'))
        .status,
    ).toBe(404);
  });
});
