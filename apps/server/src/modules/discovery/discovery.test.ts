import { createHash } from 'node:crypto';
import { DISCOVERY_LOOKUP_MAX, type DiscoveryResult, type DiscoverySettings } from '@charla/shared-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, type Rest, restAs } from '../../../test/chat.ts';
import {
  type RegisteredUser,
  registerUser,
  startTestApp,
  TEST_PASSWORD,
  type TestApp,
  unverify,
} from '../../../test/harness.ts';

/** What a client computes (dto/discovery.ts), written out independently of the server's helper. */
const clientHash = (salt: string, email: string) =>
  createHash('sha256').update(`${salt}\n${email.trim().toLowerCase()}`).digest('hex');

describe('find friends by hashed email', () => {
  let t: TestApp;
  let ana: RegisteredUser;
  let ben: RegisteredUser;
  let cy: RegisteredUser;
  let A: Rest;
  let B: Rest;
  let salt: string;
  const lookup = async (r: Rest, emails: string[]) => {
    const res = await r.post<DiscoveryResult>('/discovery/lookup', { hashes: emails.map((e) => clientHash(salt, e)) });
    expect(res.status).toBe(200);
    return res.body.data.matches;
  };
  beforeAll(async () => {
    t = await startTestApp();
    [ana, ben, cy] = await Promise.all([registerUser(t), registerUser(t), registerUser(t)]);
    [A, B] = [ana, ben].map((u) => restAs(t.api, u.accessToken)) as [Rest, Rest];
    salt = (await A.get<DiscoverySettings>('/discovery/me')).body.data.salt;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('is off by default; once on, people who know the address find the person and nothing else', async () => {
    const mine = await B.get<DiscoverySettings>('/discovery/me');
    expect(mine.body.data).toEqual({ discoverableByEmail: false, salt, algorithm: 'SHA-256' });
    expect(salt.length).toBeGreaterThanOrEqual(16);
    expect(await lookup(A, [ben.email])).toEqual([]);

    const on = await B.put<DiscoverySettings>('/discovery/me', { discoverableByEmail: true });
    expect([on.status, on.body.data.discoverableByEmail]).toEqual([200, true]);
    expect((await B.get<DiscoverySettings>('/discovery/me')).body.data.discoverableByEmail).toBe(true);

    // Normalised by the client: case and spaces do not matter. Cy never turned it on; one address is nobody's.
    const matches = await lookup(A, [`  ${ben.email.toUpperCase()} `, cy.email, 'nobody@example.com']);
    expect(matches).toEqual([
      { hash: clientHash(salt, ben.email), user: expect.objectContaining({ id: ben.user.id }) },
    ]);
    expect(matches[0]?.user).not.toHaveProperty('email');
    // Nobody finds themselves.
    expect(await lookup(B, [ben.email])).toEqual([]);

    await B.put('/discovery/me', { discoverableByEmail: false });
    expect(await lookup(A, [ben.email])).toEqual([]);
  });

  it('hides people who blocked the caller (or were blocked), and refuses unverified addresses', async () => {
    await B.put('/discovery/me', { discoverableByEmail: true });
    await B.post(`/users/${ana.user.id}/block`);
    expect(await lookup(A, [ben.email])).toEqual([]);
    await B.del(`/users/${ana.user.id}/block`);
    expect((await lookup(A, [ben.email])).map((m) => m.user.id)).toEqual([ben.user.id]);

    // An address that was never proven may be someone else's: no turning discovery on with it…
    const C = restAs(t.api, cy.accessToken);
    await unverify(t, cy);
    const refused = await C.put('/discovery/me', { discoverableByEmail: true });
    expect([refused.status, refused.body.code]).toEqual([403, 'email_unverified']);
    // …and a row left from before the address stopped being verified finds nobody.
    await unverify(t, ben);
    expect(await lookup(A, [ben.email])).toEqual([]);
  });

  it('answers bad input with a clear 4xx, never a 500', async () => {
    const hex = clientHash(salt, 'x@example.com');
    const cases: [string, Promise<{ status: number; body: { code?: string } }>, number][] = [
      ['no hashes', A.post('/discovery/lookup', { hashes: [] }), 400],
      ['too many', A.post('/discovery/lookup', { hashes: Array(DISCOVERY_LOOKUP_MAX + 1).fill(hex) }), 400],
      ['raw addresses', A.post('/discovery/lookup', { hashes: ['ben@example.com'] }), 400],
      ['upper-case hex', A.post('/discovery/lookup', { hashes: [hex.toUpperCase()] }), 400],
      ['not a list', A.post('/discovery/lookup', { hashes: hex }), 400],
      ['extra field', A.post('/discovery/lookup', { hashes: [hex], emails: ['a@b.c'] }), 400],
      ['setting not a boolean', A.put('/discovery/me', { discoverableByEmail: 'yes' }), 400],
      ['setting missing', A.put('/discovery/me', {}), 400],
    ];
    for (const [label, call, status] of cases) {
      const res = await call;
      expect([label, res.status, res.body.code]).toEqual([label, status, 'validation_failed']);
    }
    for (const res of await Promise.all([
      fetch(`${t.api}/discovery/me`),
      fetch(`${t.api}/discovery/lookup`, { method: 'POST' }),
    ]))
      expect(res.status).toBe(401);
  });

  it('a deleted account can no longer be found', async () => {
    const leaving = await registerUser(t);
    const L = restAs(t.api, leaving.accessToken);
    await L.put('/discovery/me', { discoverableByEmail: true });
    expect((await lookup(A, [leaving.email])).map((m) => m.user.id)).toEqual([leaving.user.id]);
    const res = await fetch(`${t.api}/users/me`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${leaving.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ password: TEST_PASSWORD }),
    });
    expect(res.status).toBe(200);
    expect(await lookup(A, [leaving.email])).toEqual([]);
    await eventually(async () => expect(await t.storage.discovery.find(leaving.user.id)).toBeNull());
  });
});

describe('find friends rate limit', () => {
  it('allows 20 lookups an hour per account, then 429 with Retry-After; another account is unaffected', async () => {
    const t = await startTestApp({ rateLimits: true });
    try {
      const [a, b] = await Promise.all([registerUser(t), registerUser(t)]);
      const body = JSON.stringify({ hashes: ['0'.repeat(64)] });
      const call = (u: RegisteredUser) =>
        fetch(`${t.api}/discovery/lookup`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${u.accessToken}`, 'content-type': 'application/json' },
          body,
        });
      for (let i = 0; i < 20; i++) expect((await call(a)).status).toBe(200);
      const over = await call(a);
      expect(over.status).toBe(429);
      expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(((await over.json()) as { code: string }).code).toBe('rate_limited');
      expect((await call(b)).status).toBe(200);
    } finally {
      await t.close();
    }
  });
});
