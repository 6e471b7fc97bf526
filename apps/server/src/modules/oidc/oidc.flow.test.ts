import { type AuthResult, CSRF_HEADER, type Me } from '@charla/shared-types';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { authHeader, registerUser, startTestApp, type TestApp } from '../../../test/harness.ts';
import { REFRESH_COOKIE } from '../auth/auth.cookies.ts';
import {
  PUBLIC_HOST,
  pkcePair,
  startTestProvider,
  TEST_CLIENT_ID,
  TEST_CLIENT_SECRET,
  TestBrowser,
  type TestProvider,
} from './oidc.test-provider.ts';

const PUBLIC_URL = `http://${PUBLIC_HOST}`;
const callbackFor = (id: string) => `${PUBLIC_URL}/api/v1/auth/oidc/${id}/callback`;

type Envelope<T = unknown> = { error: boolean; status: number; message: string; code?: string; data?: T };

let op: TestProvider;
let t: TestApp;
let seq = 0;

/** A fresh provider account; returns its `sub`. */
function account(claims: { email?: string; email_verified?: boolean; name?: string; preferred_username?: string }) {
  const sub = `sub-${++seq}-${Math.random().toString(36).slice(2, 8)}`;
  op.accounts.set(sub, claims);
  return sub;
}

async function startAt(browser: TestBrowser, query: string, provider = 'oidc'): Promise<Response> {
  return browser.request(`${t.api}/auth/oidc/${provider}/start?${query}`);
}

/** Runs the whole browser dance and returns the app's answer to the provider's callback. */
async function signIn(sub: string, opts: { query?: string; provider?: string; browser?: TestBrowser } = {}) {
  const browser = opts.browser ?? new TestBrowser(t.url);
  const start = await startAt(browser, opts.query ?? 'client=web', opts.provider);
  expect(start.status).toBe(302);
  const back = await browser.signInAtProvider(start.headers.get('location') ?? '', sub);
  expect(back.toString().startsWith(callbackFor(opts.provider ?? 'oidc'))).toBe(true);
  const res = await browser.request(back.toString());
  return { res, browser, callbackUrl: back.toString() };
}

async function json<T>(res: Response): Promise<Envelope<T>> {
  return (await res.json()) as Envelope<T>;
}

/** What the web client does after the redirect: trade the cookie for an access token. */
async function refreshWithCookie(browser: TestBrowser): Promise<AuthResult> {
  const cookie = browser.cookie(new URL(t.url).host, REFRESH_COOKIE);
  expect(cookie).toBeTruthy();
  const res = await fetch(`${t.api}/auth/refresh`, {
    method: 'POST',
    headers: { cookie: `${REFRESH_COOKIE}=${cookie}`, [CSRF_HEADER]: '1', 'content-type': 'application/json' },
    body: '{}',
  });
  expect(res.status).toBe(200);
  return (await json<AuthResult>(res)).data as AuthResult;
}

async function me(accessToken: string): Promise<Me> {
  const res = await fetch(`${t.api}/auth/me`, { headers: authHeader(accessToken) });
  expect(res.status).toBe(200);
  return (await json<Me>(res)).data as Me;
}

beforeAll(async () => {
  op = await startTestProvider({ redirectUris: [callbackFor('oidc'), callbackFor('google')] });
  t = await startTestApp({
    env: {
      PUBLIC_URL,
      OIDC_ISSUER: op.issuer,
      OIDC_CLIENT_ID: TEST_CLIENT_ID,
      OIDC_CLIENT_SECRET: TEST_CLIENT_SECRET,
      OIDC_NAME: 'Test SSO',
      ADMIN_EMAILS: 'listed-sso@example.com,listed-lax@example.com',
      GOOGLE_CLIENT_ID: TEST_CLIENT_ID,
      GOOGLE_CLIENT_SECRET: TEST_CLIENT_SECRET,
    },
    // The Google preset, pointed at the in-process provider.
    deps: { oidc: { issuerOverrides: { google: op.issuer } } },
  });
});

afterAll(async () => {
  await t?.close();
  await op?.close();
});

beforeEach(() => {
  t.clock.reset();
});

describe('web sign-in (authorization code + PKCE against a real provider)', () => {
  it('creates an account and a session, and lands on PUBLIC_URL with the refresh cookie', async () => {
    const sub = account({ email: 'Ada@Example.com', email_verified: true, name: 'Ada Lovelace' });
    const before = await t.storage.users.count();
    const { res, browser } = await signIn(sub);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(`${PUBLIC_URL}/`);
    const setCookie = res.headers.getSetCookie().find((c) => c.startsWith(`${REFRESH_COOKIE}=`)) ?? '';
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    expect(setCookie).toMatch(/Path=\/api\/v1\/auth/);

    const auth = await refreshWithCookie(browser);
    const user = await me(auth.accessToken);
    expect(user).toMatchObject({
      email: 'ada@example.com',
      emailVerified: true,
      hasPassword: false,
      displayName: 'Ada Lovelace',
      username: 'Ada',
    });
    expect(await t.storage.users.count()).toBe(before + 1);
    const identities = await t.storage.identities.listByUser(user.id);
    expect(identities.map((i) => [i.provider, i.subject])).toEqual([['oidc', sub]]);
  });

  it('a second sign-in finds the same account', async () => {
    const sub = account({ email: 'grace@example.com', email_verified: true, name: 'Grace Hopper' });
    const first = await signIn(sub);
    const firstUser = await me((await refreshWithCookie(first.browser)).accessToken);
    const count = await t.storage.users.count();
    // Even after the email changed at the provider: the subject is what identifies the person.
    op.accounts.set(sub, { email: 'grace.hopper@example.com', email_verified: true, name: 'Grace Hopper' });
    const second = await signIn(sub);
    expect(second.res.status).toBe(302);
    const secondUser = await me((await refreshWithCookie(second.browser)).accessToken);
    expect(secondUser.id).toBe(firstUser.id);
    expect(await t.storage.users.count()).toBe(count);
  });

  it('the Google preset works the same way (issuer repointed for the test)', async () => {
    const sub = account({ email: 'g.user@example.com', email_verified: true, name: 'G User' });
    const { res, browser } = await signIn(sub, { provider: 'google' });
    expect(res.status).toBe(302);
    const user = await me((await refreshWithCookie(browser)).accessToken);
    const identities = await t.storage.identities.listByUser(user.id);
    expect(identities.map((i) => i.provider)).toEqual(['google']);
  });

  it('derives a free username when the preferred one is taken', async () => {
    await registerUser(t, { username: 'linus', email: 'linus.local@example.com' });
    const sub = account({ email: 'linus@kernel.example', email_verified: true, preferred_username: 'linus' });
    const { browser } = await signIn(sub);
    const user = await me((await refreshWithCookie(browser)).accessToken);
    expect(user.username).toMatch(/^linus\d{4,5}$/);
  });

  it('creates an unverified account when the provider does not vouch for a new email', async () => {
    const sub = account({ email: 'new.unverified@example.com', email_verified: false, name: 'N U' });
    const { browser } = await signIn(sub);
    const user = await me((await refreshWithCookie(browser)).accessToken);
    expect(user.emailVerified).toBe(false);
  });

  it('422 when the provider shares no email for a new account', async () => {
    const sub = account({ name: 'No Mail' });
    const { res } = await signIn(sub);
    expect(res.status).toBe(422);
    const body = await json(res);
    expect(body).toMatchObject({ error: true, status: 422, code: 'unprocessable' });
    expect(body.message).toMatch(/email/);
  });
});

describe('linking to an existing password account', () => {
  it('links when the provider asserts email_verified: true, keeping a verified account’s password', async () => {
    const local = await registerUser(t, { email: 'linked@example.com' });
    await t.storage.users.update(local.user.id, { emailVerifiedAt: new Date() });
    const sub = account({ email: 'linked@example.com', email_verified: true, name: 'Linked' });
    const { res, browser } = await signIn(sub);
    expect(res.status).toBe(302);
    const user = await me((await refreshWithCookie(browser)).accessToken);
    expect(user.id).toBe(local.user.id);
    expect(user.hasPassword).toBe(true);
    expect((await t.storage.identities.find('oidc', sub))?.userId).toBe(local.user.id);
    // The password session still works.
    expect((await fetch(`${t.api}/auth/me`, { headers: authHeader(local.accessToken) })).status).toBe(200);
  });

  it('an unverified local account claimed by a verified email loses its password and sessions', async () => {
    // Pre-hijacking: someone registered the address first without owning it (sign-up now needs the
    // mailed code; accounts from before, or from a provider that vouched for nothing, remain).
    const squatter = await registerUser(t, { email: 'victim@example.com' });
    await t.storage.users.update(squatter.user.id, { emailVerifiedAt: null });
    const sub = account({ email: 'victim@example.com', email_verified: true, name: 'Real Owner' });
    const { browser } = await signIn(sub);
    const user = await me((await refreshWithCookie(browser)).accessToken);
    expect(user.id).toBe(squatter.user.id);
    expect(user).toMatchObject({ emailVerified: true, hasPassword: false });
    expect((await fetch(`${t.api}/auth/me`, { headers: authHeader(squatter.accessToken) })).status).toBe(401);
    const login = await fetch(`${t.api}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: 'victim@example.com', password: squatter.password, client: 'desktop' }),
    });
    expect(login.status).toBe(401);
  });

  it('ADMIN_EMAILS: a listed address becomes admin when the provider vouches for it, not before', async () => {
    // An unverified account with the listed address (from before sign-up by code): not admin.
    const squatter = await registerUser(t, { email: 'listed-sso@example.com' });
    await t.storage.users.update(squatter.user.id, { role: 'user', emailVerifiedAt: null });
    const { browser } = await signIn(account({ email: 'listed-sso@example.com', email_verified: true }));
    expect(await me((await refreshWithCookie(browser)).accessToken)).toMatchObject({
      id: squatter.user.id,
      role: 'admin',
    });
    // A provider that does not vouch for a new address makes a plain user.
    const lax = await signIn(account({ email: 'listed-lax@example.com', email_verified: false }));
    expect((await me((await refreshWithCookie(lax.browser)).accessToken)).role).toBe('user');
  });

  it('409 with a clear message when the provider does not verify the email', async () => {
    const local = await registerUser(t, { email: 'owner@example.com' });
    await t.storage.users.update(local.user.id, { emailVerifiedAt: new Date() });
    const count = await t.storage.users.count();
    const sub = account({ email: 'owner@example.com', email_verified: false, name: 'Impostor' });
    const { res, browser } = await signIn(sub);
    expect(res.status).toBe(409);
    const body = await json(res);
    expect(body).toMatchObject({ error: true, status: 409, code: 'conflict' });
    expect(body.message).toContain('owner@example.com');
    expect(body.message).toMatch(/did not confirm/);
    expect(browser.cookie(new URL(t.url).host, REFRESH_COOKIE)).toBeUndefined();
    expect(await t.storage.identities.find('oidc', sub)).toBeNull();
    expect(await t.storage.users.count()).toBe(count);
    const stillMine = await t.storage.users.findById(local.user.id);
    expect(stillMine?.passwordHash).not.toBeNull();
  });
});

describe('desktop sign-in through a loopback redirect', () => {
  const loopback = 'http://127.0.0.1:53123/oidc/done';

  async function desktopSignIn(sub: string, challenge: string, redirect = loopback) {
    const query = new URLSearchParams({
      client: 'desktop',
      redirect,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      state: 'desk-state-1',
    });
    const { res } = await signIn(sub, { query: query.toString() });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(redirect);
    expect(location.searchParams.get('state')).toBe('desk-state-1');
    // Nothing session-like reaches the browser on the desktop path.
    expect(res.headers.getSetCookie().some((c) => c.startsWith(`${REFRESH_COOKIE}=`))).toBe(false);
    return location;
  }

  const exchange = (code: string, codeVerifier: string) =>
    fetch(`${t.api}/auth/oidc/exchange`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code, codeVerifier, device: { name: 'Charla desktop', platform: 'linux' } }),
    });

  it('redirects to the loopback with a one-time code the app trades (with its PKCE verifier) for tokens', async () => {
    const sub = account({ email: 'desk@example.com', email_verified: true, name: 'Desk Top' });
    const { verifier, challenge } = pkcePair();
    const back = await desktopSignIn(sub, challenge);
    const code = back.searchParams.get('code') ?? '';
    const res = await exchange(code, verifier);
    expect(res.status).toBe(200);
    expect(res.headers.getSetCookie()).toEqual([]);
    const auth = (await json<AuthResult>(res)).data as AuthResult;
    expect(auth.refreshToken).toMatch(/^[\w-]{40,}$/);
    expect((await me(auth.accessToken)).email).toBe('desk@example.com');
    // The refresh token works from the body, as the desktop app uses it.
    const refreshed = await fetch(`${t.api}/auth/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken: auth.refreshToken, client: 'desktop' }),
    });
    expect(refreshed.status).toBe(200);
    const sessions = await t.storage.sessions.listActive(auth.user.id, new Date());
    expect(sessions.find((s) => s.id === auth.sessionId)).toMatchObject({ deviceName: 'Charla desktop' });

    // Single use.
    const again = await exchange(code, verifier);
    expect(again.status).toBe(401);
    expect(await json(again)).toMatchObject({ error: true, code: 'unauthenticated' });
  });

  it('rejects a wrong verifier, and the code is burnt by the attempt', async () => {
    const sub = account({ email: 'desk2@example.com', email_verified: true });
    const { verifier, challenge } = pkcePair();
    const code = (await desktopSignIn(sub, challenge)).searchParams.get('code') ?? '';
    const wrong = await exchange(code, pkcePair().verifier);
    expect(wrong.status).toBe(401);
    expect((await json(wrong)).message).toMatch(/verifier/);
    expect((await exchange(code, verifier)).status).toBe(401);
  });

  it('the code expires after two minutes', async () => {
    const sub = account({ email: 'desk3@example.com', email_verified: true });
    const { verifier, challenge } = pkcePair();
    const code = (await desktopSignIn(sub, challenge, 'http://[::1]:40111/cb')).searchParams.get('code') ?? '';
    t.clock.advance(2 * 60 * 1000 + 1);
    expect((await exchange(code, verifier)).status).toBe(401);
  });

  it('accepts localhost loopback redirects too', async () => {
    const sub = account({ email: 'desk4@example.com', email_verified: true });
    const { verifier, challenge } = pkcePair();
    const code = (await desktopSignIn(sub, challenge, 'http://localhost:40112/x')).searchParams.get('code') ?? '';
    expect((await exchange(code, verifier)).status).toBe(200);
  });

  it.each([
    ['https://evil.example/cb', 'not loopback'],
    ['http://evil.example:8080/cb', 'not loopback'],
    ['http://127.0.0.1.evil.example:8080/cb', 'look-alike host'],
    ['http://127.0.0.1/cb', 'no port'],
    ['http://user:pw@127.0.0.1:8080/cb', 'credentials'],
    ['charla://oidc', 'custom scheme'],
    ['javascript:alert(1)', 'script URL'],
    ['not a url', 'garbage'],
  ])('rejects the redirect %s (%s) before leaving for the provider', async (redirect) => {
    const query = new URLSearchParams({ client: 'desktop', redirect, code_challenge: pkcePair().challenge });
    const res = await startAt(new TestBrowser(t.url), query.toString());
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(await json(res)).toMatchObject({ error: true, status: 400 });
  });

  it('requires the code_challenge and a well-formed verifier', async () => {
    const noChallenge = await startAt(
      new TestBrowser(t.url),
      `client=desktop&redirect=${encodeURIComponent(loopback)}`,
    );
    expect(noChallenge.status).toBe(400);
    const badMethod = await startAt(
      new TestBrowser(t.url),
      `client=desktop&redirect=${encodeURIComponent(loopback)}&code_challenge=${pkcePair().challenge}&code_challenge_method=plain`,
    );
    expect(badMethod.status).toBe(400);
    const badVerifier = await exchange('x'.repeat(43), 'short');
    expect(badVerifier.status).toBe(400);
    expect((await json(badVerifier)).code).toBe('validation_failed');
    const operator = await fetch(`${t.api}/auth/oidc/exchange`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: { $gt: '' }, codeVerifier: pkcePair().verifier }),
    });
    expect(operator.status).toBe(400);
  });

  it('tells the desktop app through its loopback when the user cancels at the provider', async () => {
    const sub = account({ email: 'cancel@example.com', email_verified: true });
    const browser = new TestBrowser(t.url);
    const query = new URLSearchParams({ client: 'desktop', redirect: loopback, code_challenge: pkcePair().challenge });
    const start = await startAt(browser, query.toString());
    const back = await browser.signInAtProvider(start.headers.get('location') ?? '', sub, { abort: true });
    expect(back.searchParams.get('error')).toBe('access_denied');
    const res = await browser.request(back.toString());
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(loopback);
    expect(location.searchParams.get('error')).toBe('unauthenticated');
    expect(location.searchParams.get('code')).toBeNull();
  });
});

describe('callback and start errors are envelopes, never 500s', () => {
  it('unknown provider 404, unconfigured provider 404', async () => {
    const unknown = await fetch(`${t.api}/auth/oidc/facebook/start`, { redirect: 'manual' });
    expect(unknown.status).toBe(404);
    expect(await json(unknown)).toMatchObject({ error: true, code: 'not_found' });
    const bare = await startTestApp();
    try {
      const res = await fetch(`${bare.api}/auth/oidc/google/start`, { redirect: 'manual' });
      expect(res.status).toBe(404);
      expect((await json(res)).message).toMatch(/Google is not configured/);
      const providers = await json<{ google: boolean; oidc: unknown }>(await fetch(`${bare.api}/auth/providers`));
      expect(providers.data).toMatchObject({ google: false, oidc: null });
    } finally {
      await bare.close();
    }
  });

  it('GET /auth/providers reports what is configured', async () => {
    const res = await json<unknown>(await fetch(`${t.api}/auth/providers`));
    expect(res.data).toEqual({ password: true, google: true, github: false, oidc: { name: 'Test SSO' } });
  });

  it('an unknown or replayed state is refused', async () => {
    const sub = account({ email: 'replay@example.com', email_verified: true });
    const { res, browser, callbackUrl } = await signIn(sub);
    expect(res.status).toBe(302);
    const replay = await browser.request(callbackUrl);
    expect(replay.status).toBe(400);
    expect(await json(replay)).toMatchObject({ error: true, status: 400 });
    const forged = await browser.request(`${t.api}/auth/oidc/oidc/callback?code=abc&state=not-a-state`);
    expect(forged.status).toBe(400);
    const none = await browser.request(`${t.api}/auth/oidc/oidc/callback`);
    expect(none.status).toBe(400);
    const arrays = await browser.request(`${t.api}/auth/oidc/oidc/callback?state=a&state=b`);
    expect(arrays.status).toBe(400);
  });

  it('a callback finished in another browser (no binding cookie) is refused', async () => {
    const sub = account({ email: 'csrf@example.com', email_verified: true });
    const attacker = new TestBrowser(t.url);
    const start = await startAt(attacker, 'client=web');
    const back = await attacker.signInAtProvider(start.headers.get('location') ?? '', sub);
    // The attacker makes the victim's browser open the callback URL.
    const victim = new TestBrowser(t.url);
    const res = await victim.request(back.toString());
    expect(res.status).toBe(400);
    expect((await json(res)).message).toMatch(/another browser/);
    expect(victim.cookie(new URL(t.url).host, REFRESH_COOKIE)).toBeUndefined();
  });

  it('a state that outlived ten minutes is refused', async () => {
    const sub = account({ email: 'slow@example.com', email_verified: true });
    const browser = new TestBrowser(t.url);
    const start = await startAt(browser, 'client=web');
    const back = await browser.signInAtProvider(start.headers.get('location') ?? '', sub);
    t.clock.advance(10 * 60 * 1000 + 1);
    expect((await browser.request(back.toString())).status).toBe(400);
  });

  it('a tampered authorization code is refused without a 500', async () => {
    const sub = account({ email: 'tamper@example.com', email_verified: true });
    const browser = new TestBrowser(t.url);
    const start = await startAt(browser, 'client=web');
    const back = await browser.signInAtProvider(start.headers.get('location') ?? '', sub);
    back.searchParams.set('code', 'forged-code-value');
    const res = await browser.request(back.toString());
    expect(res.status).toBe(400);
    expect((await json(res)).message).toMatch(/already used or has expired/);
  });

  it('a mismatched iss parameter is refused (RFC 9207 mix-up defence)', async () => {
    const sub = account({ email: 'mixup@example.com', email_verified: true });
    const browser = new TestBrowser(t.url);
    const start = await startAt(browser, 'client=web');
    const back = await browser.signInAtProvider(start.headers.get('location') ?? '', sub);
    expect(back.searchParams.get('iss')).toBe(op.issuer);
    back.searchParams.set('iss', 'https://attacker.example');
    expect((await browser.request(back.toString())).status).toBe(400);
  });

  it('the user cancelling at the provider gives a 401 envelope on the web', async () => {
    const sub = account({ email: 'webcancel@example.com', email_verified: true });
    const browser = new TestBrowser(t.url);
    const start = await startAt(browser, 'client=web');
    const back = await browser.signInAtProvider(start.headers.get('location') ?? '', sub, { abort: true });
    const res = await browser.request(back.toString());
    expect(res.status).toBe(401);
    expect(await json(res)).toMatchObject({ error: true, code: 'unauthenticated' });
  });

  it('after the account was deleted, the same provider login starts a fresh account', async () => {
    const sub = account({ email: 'phoenix@example.com', email_verified: true });
    const first = await signIn(sub);
    const auth = await refreshWithCookie(first.browser);
    // DELETE /users/me asks for a password this account has none of: anonymise as that service does.
    await t.storage.users.update(auth.user.id, {
      email: `deleted-${auth.user.id}@deleted.invalid`,
      deletedAt: new Date(),
    });
    const again = await signIn(sub);
    expect(again.res.status).toBe(302);
    const fresh = await me((await refreshWithCookie(again.browser)).accessToken);
    expect(fresh.id).not.toBe(auth.user.id);
    expect(fresh.email).toBe('phoenix@example.com');
    expect((await t.storage.identities.find('oidc', sub))?.userId).toBe(fresh.id);
  });

  it('a suspended account cannot sign in', async () => {
    const sub = account({ email: 'suspended@example.com', email_verified: true });
    const first = await signIn(sub);
    const user = await me((await refreshWithCookie(first.browser)).accessToken);
    await t.storage.users.update(user.id, { suspendedAt: new Date() });
    const { res } = await signIn(sub);
    expect(res.status).toBe(403);
    expect((await json(res)).code).toBe('account_suspended');
  });
});
