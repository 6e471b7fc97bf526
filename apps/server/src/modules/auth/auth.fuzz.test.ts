import fc from 'fast-check';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authHeader, type RegisteredUser, registerUser, startTestApp, type TestApp } from '../../../test/harness.ts';

/** Values that have broken servers before: operators, prototype keys, odd unicode, wrong types. */
const hostileString = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' ', '\u0000', '\u202e', 'a\u200bb', '🦊'.repeat(50), 'é'.repeat(37), '%', '_', '.*', '\\'),
);
const hostileValue = fc.oneof(
  hostileString,
  fc.constant({ $gt: '' }),
  fc.constant({ $ne: null }),
  fc.constant(JSON.parse('{"__proto__": {"admin": true}}')),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(hostileString, { maxLength: 3 }),
);
const keys = [
  'email',
  'password',
  'displayName',
  'username',
  'client',
  'device',
  'login',
  'refreshToken',
  'token',
  'currentPassword',
  'newPassword',
  'about',
  'lastSeenVisibility',
  '__proto__',
  'constructor',
  '$where',
];
const hostileBody = fc.oneof(
  fc.dictionary(fc.constantFrom(...keys), hostileValue, { maxKeys: 6 }),
  fc.jsonValue({ maxDepth: 3 }),
);

describe('no input gets a 500 from the auth and users routes', () => {
  let t: TestApp;
  let u: RegisteredUser;
  beforeAll(async () => {
    t = await startTestApp();
    u = await registerUser(t);
  });
  afterAll(async () => {
    await t.close();
  });

  const routes: [method: 'post' | 'patch' | 'delete', path: string, authed: boolean][] = [
    ['post', '/auth/register', false],
    ['post', '/auth/login', false],
    ['post', '/auth/refresh', false],
    ['post', '/auth/logout', false],
    ['post', '/auth/verify-email', false],
    ['post', '/auth/forgot-password', false],
    ['post', '/auth/reset-password', false],
    ['post', '/auth/change-password', true],
    ['patch', '/users/me', true],
    ['delete', '/users/me', true],
  ];

  for (const [method, path, authed] of routes) {
    it(`${method.toUpperCase()} ${path}`, async () => {
      await fc.assert(
        fc.asyncProperty(hostileBody, async (body) => {
          let req = request(t.app)[method](`/api/v1${path}`).set('content-type', 'application/json');
          if (authed) req = req.set(authHeader(u.accessToken));
          const res = await req.send(JSON.stringify(body));
          expect(res.status, JSON.stringify(body)).toBeLessThan(500);
          expect(res.body.error).toBe(res.status >= 400);
        }),
        { numRuns: 40 },
      );
    });
  }

  it('GET with hostile ids and queries', async () => {
    await fc.assert(
      fc.asyncProperty(hostileString, async (s) => {
        const enc = encodeURIComponent(s);
        for (const path of [`/users/${enc}`, `/users?q=${enc}`, `/users?cursor=${enc}`, `/users/${enc}/block`]) {
          const res = await request(t.app).get(`/api/v1${path}`).set(authHeader(u.accessToken));
          expect(res.status, path).toBeLessThan(500);
        }
        const del = await request(t.app).delete(`/api/v1/auth/sessions/${enc}`).set(authHeader(u.accessToken));
        expect(del.status).toBeLessThan(500);
      }),
      { numRuns: 40 },
    );
  });
});
