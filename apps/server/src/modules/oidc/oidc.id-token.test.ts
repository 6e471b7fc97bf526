import { randomBytes } from 'node:crypto';
import type { AuthResult } from '@charla/shared-types';
import { generateKeyPair, type JWTPayload, SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { registerUser, startTestApp, type TestApp } from '../../../test/harness.ts';
import { REFRESH_COOKIE } from '../auth/auth.cookies.ts';
import {
  obtainIdToken,
  PUBLIC_HOST,
  startTestProvider,
  TEST_CLIENT_ID,
  TEST_CLIENT_SECRET,
  TEST_KID,
  type TestProvider,
} from './oidc.test-provider.ts';

const PUBLIC_URL = `http://${PUBLIC_HOST}`;
const REDIRECT = `${PUBLIC_URL}/api/v1/auth/oidc/oidc/callback`;

type Envelope<T = unknown> = { error: boolean; status: number; message: string; code?: string; data?: T };

let op: TestProvider;
let t: TestApp;
let seq = 0;

function account(claims: { email?: string; email_verified?: boolean; name?: string }) {
  const sub = `idt-${++seq}-${randomBytes(3).toString('hex')}`;
  op.accounts.set(sub, claims);
  return sub;
}

async function nonce(provider = 'oidc'): Promise<string> {
  const res = await fetch(`${t.api}/auth/oidc/${provider}/nonce`, { method: 'POST' });
  expect(res.status).toBe(201);
  const body = (await res.json()) as Envelope<{ nonce: string; expiresAt: string }>;
  return body.data?.nonce ?? '';
}

const post = (body: unknown, provider = 'oidc') =>
  fetch(`${t.api}/auth/oidc/${provider}/id-token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

async function expectRejected(res: Response, message: RegExp) {
  expect(res.status).toBe(401);
  const body = (await res.json()) as Envelope;
  expect(body).toMatchObject({ error: true, status: 401, code: 'unauthenticated' });
  expect(body.message).toMatch(message);
}

/** Claims a well-behaved provider would put in the token, for hand-made tokens. */
function claims(n: string, overrides: JWTPayload = {}): JWTPayload {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: op.issuer,
    aud: TEST_CLIENT_ID,
    sub: account({ email: `hand-${seq}@example.com`, email_verified: true }),
    email: `hand-${seq}@example.com`,
    email_verified: true,
    nonce: n,
    iat: now,
    exp: now + 600,
    ...overrides,
  };
}

beforeAll(async () => {
  op = await startTestProvider({ redirectUris: [REDIRECT] });
  t = await startTestApp({
    env: {
      PUBLIC_URL,
      OIDC_ISSUER: op.issuer,
      OIDC_CLIENT_ID: TEST_CLIENT_ID,
      OIDC_CLIENT_SECRET: TEST_CLIENT_SECRET,
      GOOGLE_CLIENT_ID: 'google-client-id',
    },
    deps: { oidc: { issuerOverrides: { google: op.issuer } } },
  });
});

afterAll(async () => {
  await t?.close();
  await op?.close();
});

beforeEach(() => t.clock.reset());

describe('POST /auth/oidc/:provider/id-token with a real ID token', () => {
  it('web: verifies, creates the account, sets the refresh cookie', async () => {
    const n = await nonce();
    const sub = account({ email: 'idtoken@example.com', email_verified: true, name: 'Id Token' });
    const idToken = await obtainIdToken(op, sub, n, REDIRECT);
    const res = await post({ idToken, nonce: n });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Envelope<AuthResult>;
    expect(body.data?.user).toMatchObject({ email: 'idtoken@example.com', emailVerified: true, hasPassword: false });
    expect(body.data?.refreshToken).toBeUndefined();
    expect(res.headers.getSetCookie().some((c) => c.startsWith(`${REFRESH_COOKIE}=`))).toBe(true);
    expect((await t.storage.identities.find('oidc', sub))?.userId).toBe(body.data?.user.id);
  });

  it('desktop: the refresh token comes in the body', async () => {
    const n = await nonce();
    const idToken = await obtainIdToken(
      op,
      account({ email: 'idt-desk@example.com', email_verified: true }),
      n,
      REDIRECT,
    );
    const res = await post({ idToken, nonce: n, client: 'desktop', device: { name: 'Laptop', platform: 'macos' } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Envelope<AuthResult>;
    expect(body.data?.refreshToken).toBeTruthy();
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  it('a nonce works once', async () => {
    const n = await nonce();
    const idToken = await obtainIdToken(op, account({ email: 'once@example.com', email_verified: true }), n, REDIRECT);
    expect((await post({ idToken, nonce: n })).status).toBe(200);
    await expectRejected(await post({ idToken, nonce: n }), /nonce/);
  });

  it('bad nonce: the token carries another nonce than the one presented', async () => {
    const inToken = await nonce();
    const presented = await nonce();
    const idToken = await obtainIdToken(
      op,
      account({ email: 'bn@example.com', email_verified: true }),
      inToken,
      REDIRECT,
    );
    await expectRejected(await post({ idToken, nonce: presented }), /nonce mismatch/);
  });

  it('a nonce the server never issued, or issued for another provider, is refused', async () => {
    const madeUp = randomBytes(24).toString('base64url');
    const idToken = await obtainIdToken(
      op,
      account({ email: 'mu@example.com', email_verified: true }),
      madeUp,
      REDIRECT,
    );
    await expectRejected(await post({ idToken, nonce: madeUp }), /nonce/);
    const forGoogle = await nonce('google');
    const token2 = await obtainIdToken(
      op,
      account({ email: 'mu2@example.com', email_verified: true }),
      forGoogle,
      REDIRECT,
    );
    await expectRejected(await post({ idToken: token2, nonce: forGoogle }), /nonce/);
  });

  it('expired: a real token (1 h lifetime) presented when our clock is 2 h ahead', async () => {
    t.clock.advance(2 * 60 * 60 * 1000);
    const n = await nonce();
    const idToken = await obtainIdToken(op, account({ email: 'late@example.com', email_verified: true }), n, REDIRECT);
    await expectRejected(await post({ idToken, nonce: n }), /expired/);
  });

  it('links to an existing account only when the provider verifies the email (409 otherwise)', async () => {
    const local = await registerUser(t, { email: 'existing-idt@example.com' });
    await t.storage.users.update(local.user.id, { emailVerifiedAt: new Date() });
    const n = await nonce();
    const unverified = await op.sign(
      claims(n, { sub: 'idt-unverified', email: 'existing-idt@example.com', email_verified: false }),
    );
    const res = await post({ idToken: unverified, nonce: n });
    expect(res.status).toBe(409);
    expect(((await res.json()) as Envelope).message).toMatch(/did not confirm/);
    const n2 = await nonce();
    const verified = await op.sign(claims(n2, { sub: 'idt-verified', email: 'existing-idt@example.com' }));
    const ok = await post({ idToken: verified, nonce: n2 });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as Envelope<AuthResult>).data?.user.id).toBe(local.user.id);
  });
});

describe('ID token verification failures (tokens signed with the provider’s real key unless stated)', () => {
  it('accepts a hand-made token that is right in every way (control case), ES256 too', async () => {
    const n = await nonce();
    expect((await post({ idToken: await op.sign(claims(n)), nonce: n })).status).toBe(200);
    const n2 = await nonce();
    expect((await post({ idToken: await op.sign(claims(n2), { alg: 'ES256' }), nonce: n2 })).status).toBe(200);
  });

  it('wrong audience', async () => {
    const n = await nonce();
    const token = await op.sign(claims(n, { aud: 'some-other-client' }));
    await expectRejected(await post({ idToken: token, nonce: n }), /audience/);
  });

  it('several audiences without us as authorized party', async () => {
    const n = await nonce();
    const token = await op.sign(claims(n, { aud: [TEST_CLIENT_ID, 'other'], azp: 'other' }));
    await expectRejected(await post({ idToken: token, nonce: n }), /authorized party/);
  });

  it('wrong issuer', async () => {
    const n = await nonce();
    const token = await op.sign(claims(n, { iss: 'https://evil.example' }));
    await expectRejected(await post({ idToken: token, nonce: n }), /issuer/);
  });

  it('expired', async () => {
    const n = await nonce();
    const past = Math.floor(Date.now() / 1000) - 3600;
    const token = await op.sign(claims(n, { iat: past - 600, exp: past }));
    await expectRejected(await post({ idToken: token, nonce: n }), /expired/);
  });

  it('missing nonce claim', async () => {
    const n = await nonce();
    const { nonce: _drop, ...rest } = claims(n);
    await expectRejected(await post({ idToken: await op.sign(rest), nonce: n }), /nonce/);
  });

  it('bad signature: signed by another key under the provider’s kid', async () => {
    const n = await nonce();
    const { privateKey } = await generateKeyPair('RS256');
    const token = await new SignJWT(claims(n)).setProtectedHeader({ alg: 'RS256', kid: TEST_KID }).sign(privateKey);
    await expectRejected(await post({ idToken: token, nonce: n }), /signature/);
  });

  it('bad signature: a real token whose payload was altered', async () => {
    const n = await nonce();
    const real = await op.sign(claims(n, { email: 'me@example.com' }));
    const [h, p, s] = real.split('.');
    const payload = JSON.parse(Buffer.from(p ?? '', 'base64url').toString()) as JWTPayload;
    const forged = Buffer.from(JSON.stringify({ ...payload, email: 'admin@example.com' })).toString('base64url');
    await expectRejected(await post({ idToken: `${h}.${forged}.${s}`, nonce: n }), /signature/);
  });

  it('alg none', async () => {
    const n = await nonce();
    const token = new UnsecuredJWT(claims(n)).encode();
    await expectRejected(await post({ idToken: token, nonce: n }), /algorithm/);
  });

  it('HS256 keyed with the client secret (algorithm confusion)', async () => {
    const n = await nonce();
    const token = await new SignJWT(claims(n))
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(TEST_CLIENT_SECRET));
    await expectRejected(await post({ idToken: token, nonce: n }), /algorithm/);
  });

  it('garbage that is not a JWT', async () => {
    const n = await nonce();
    await expectRejected(await post({ idToken: 'this-is-not.a-jwt.at-all', nonce: n }), /malformed/);
  });
});

describe('bad input', () => {
  it.each([
    ['missing fields', {}],
    ['idToken of the wrong type', { idToken: 1234567890, nonce: 'x'.repeat(20) }],
    ['operator object', { idToken: { $gt: '' }, nonce: 'x'.repeat(20) }],
    ['unknown field', { idToken: 'x'.repeat(40), nonce: 'x'.repeat(20), admin: true }],
    ['oversized token', { idToken: 'x'.repeat(9000), nonce: 'x'.repeat(20) }],
    ['bad client', { idToken: 'x'.repeat(40), nonce: 'x'.repeat(20), client: 'mobile' }],
  ])('400 for %s', async (_label, body) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(((await res.json()) as Envelope).code).toBe('validation_failed');
  });

  it('400 for a __proto__ key', async () => {
    const res = await post(`{"idToken":"${'x'.repeat(40)}","nonce":"${'x'.repeat(20)}","__proto__":{"admin":true}}`);
    expect(res.status).toBe(400);
  });

  it('404 for an unknown provider, on nonce and id-token', async () => {
    expect((await fetch(`${t.api}/auth/oidc/nope/nonce`, { method: 'POST' })).status).toBe(404);
    expect((await post({ idToken: 'x'.repeat(40), nonce: 'x'.repeat(20) }, 'nope')).status).toBe(404);
  });
});
