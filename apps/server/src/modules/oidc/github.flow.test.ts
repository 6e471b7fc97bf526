import type { LinkedAccountList, Me, SocialLink } from '@charla/shared-types';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { authHeader, registerUser, startTestApp, type TestApp } from '../../../test/harness.ts';
import { type GithubStandIn, startGithubStandIn } from './github.stand-in.ts';
import { OIDC_BINDING_COOKIE } from './oidc.routes.ts';
import { PUBLIC_HOST, TestBrowser } from './oidc.test-provider.ts';

/*
 * "Sign in with GitHub" and linked accounts, against a local stand-in of GitHub's OAuth pages and
 * REST API that checks what it receives (credentials, code, redirect_uri, PKCE, Bearer token).
 */

const CALLBACK = `http://${PUBLIC_HOST}/api/v1/auth/oidc/github/callback`;
type Envelope<T = unknown> = { error: boolean; status: number; message: string; code?: string; data?: T };

let gh: GithubStandIn;
let t: TestApp;
let seq = 0;

const freshLogin = () => `octo-${++seq}-${Math.random().toString(36).slice(2, 7)}`;
const json = async <T>(res: Response) => (await res.json()) as Envelope<T>;

/** /start → the stand-in's consent (as `login`) → our callback; returns the callback's answer. */
async function signInWithGithub(login: string, browser = new TestBrowser(t.url)) {
  const start = await browser.request(`${t.api}/auth/oidc/github/start?client=web`);
  expect(start.status).toBe(302);
  const back = await gh.approve(start.headers.get('location') ?? '', login);
  expect(back.toString().startsWith(CALLBACK)).toBe(true);
  return { res: await browser.request(back.toString()), browser };
}

/** Settings › Link GitHub as the signed-in `token`: POST /link in this browser, then consent. */
async function linkGithub(token: string, login: string, browser = new TestBrowser(t.url)) {
  const res = await fetch(`${t.api}/auth/oidc/github/link`, { method: 'POST', headers: authHeader(token) });
  expect(res.status).toBe(201);
  const binding = res.headers
    .getSetCookie()
    .find((c) => c.startsWith(`${OIDC_BINDING_COOKIE}=`))
    ?.split(';')[0]
    ?.split('=')[1];
  expect(binding).toBeTruthy();
  browser.jars.set(new URL(t.url).host, new Map([[OIDC_BINDING_COOKIE, binding ?? '']]));
  const { location } = (await json<{ location: string }>(res)).data ?? { location: '' };
  const back = await gh.approve(location, login);
  const done = await browser.request(back.toString());
  expect(done.status).toBe(302);
  return new URL(done.headers.get('location') ?? '');
}

async function me(token: string): Promise<Me> {
  return (await json<Me>(await fetch(`${t.api}/auth/me`, { headers: authHeader(token) }))).data as Me;
}
async function linked(token: string): Promise<LinkedAccountList> {
  const res = await fetch(`${t.api}/auth/linked-accounts`, { headers: authHeader(token) });
  expect(res.status).toBe(200);
  return (await json<LinkedAccountList>(res)).data as LinkedAccountList;
}
async function socialLinks(token: string): Promise<SocialLink[]> {
  const res = await fetch(`${t.api}/users/me/social-links`, { headers: authHeader(token) });
  return ((await json<{ items: SocialLink[] }>(res)).data as { items: SocialLink[] }).items;
}
const unlink = (token: string, id: string) =>
  fetch(`${t.api}/auth/linked-accounts/${id}`, { method: 'DELETE', headers: authHeader(token) });

beforeAll(async () => {
  gh = await startGithubStandIn();
  t = await startTestApp({
    env: {
      GITHUB_CLIENT_ID: gh.clientId,
      GITHUB_CLIENT_SECRET: gh.clientSecret,
      GITHUB_OAUTH_URL: gh.url,
      GITHUB_API_URL: gh.url,
    },
  });
});

afterAll(async () => {
  await t?.close();
  await gh?.close();
});

beforeEach(() => {
  gh.tokenFailure = null;
  gh.received.length = 0;
  gh.refusals.length = 0;
});

describe('sign in with GitHub (OAuth 2.0 code + PKCE, then GET /user and /user/emails)', () => {
  it('sends the documented authorize request and is offered on /auth/providers', async () => {
    const providers = await json<{ github: boolean }>(await fetch(`${t.api}/auth/providers`));
    expect(providers.data?.github).toBe(true);
    const start = await new TestBrowser(t.url).request(`${t.api}/auth/oidc/github/start?client=web`);
    const location = new URL(start.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(`${gh.url}/login/oauth/authorize`);
    expect(Object.fromEntries(location.searchParams)).toMatchObject({
      client_id: gh.clientId,
      redirect_uri: CALLBACK,
      scope: 'read:user user:email',
      code_challenge_method: 'S256',
    });
    expect(location.searchParams.get('state')).toMatch(/^[\w-]{40,}$/);
  });

  it('creates an account with the verified primary email, and signs the same person in again', async () => {
    const login = freshLogin();
    gh.accounts.set(login, {
      id: 4_200_000 + seq,
      login,
      name: 'Octo Cat',
      emails: [
        { email: `${login}-unverified@example.com`, verified: false, primary: false },
        { email: `${login}-old@example.com`, verified: true, primary: false },
        { email: `${login}@example.com`, verified: true, primary: true },
      ],
    });
    const { res, browser } = await signInWithGithub(login);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(`http://${PUBLIC_HOST}/`);
    const auth = await browser.refreshSession();
    const user = await me(auth.accessToken);
    expect(user).toMatchObject({ email: `${login}@example.com`, emailVerified: true, hasPassword: false });
    expect(user.displayName).toBe('Octo Cat');

    // What GitHub received: the secret and code at the token endpoint, the token on the API.
    const token = gh.received.find((r) => r.path === '/login/oauth/access_token');
    expect(token?.headers.accept).toContain('application/json');
    expect(token?.form).toMatchObject({
      client_id: gh.clientId,
      client_secret: gh.clientSecret,
      redirect_uri: CALLBACK,
    });
    expect(token?.form.code_verifier).toMatch(/^[\w-]{43,128}$/);
    const apiCalls = gh.received.filter((r) => r.path.startsWith('/user'));
    expect(apiCalls.map((r) => r.path).sort()).toEqual(['/user', '/user/emails']);
    for (const call of apiCalls) expect(call.headers.authorization).toMatch(/^Bearer gho_/);
    expect(gh.refusals).toEqual([]);

    // The GitHub login is a verified social profile; the second sign-in finds the same account.
    expect((await socialLinks(auth.accessToken)).find((l) => l.network === 'github')).toMatchObject({
      handle: login,
      verified: true,
      visibility: 'shared',
    });
    const again = await signInWithGithub(login);
    const second = await me((await again.browser.refreshSession()).accessToken);
    expect(second.id).toBe(user.id);
    const list = await linked(auth.accessToken);
    expect(list.hasPassword).toBe(false);
    expect(list.items).toEqual([
      expect.objectContaining({ provider: 'github', providerName: 'GitHub', accountName: login }),
    ]);
  });

  it('refuses an account whose only emails are unverified, creating nothing', async () => {
    const login = freshLogin();
    gh.accounts.set(login, {
      id: 5_100_000 + seq,
      login,
      name: null,
      emails: [{ email: `${login}@example.com`, verified: false, primary: true }],
    });
    const before = await t.storage.users.count();
    const { res } = await signInWithGithub(login);
    expect(res.status).toBe(422);
    const body = await json(res);
    expect(body).toMatchObject({ error: true, code: 'unprocessable' });
    expect(body.message).toMatch(/no verified email/);
    expect(await t.storage.users.count()).toBe(before);
    expect(await t.storage.users.findByEmail(`${login}@example.com`)).toBeNull();
  });

  it('joins the existing account whose address GitHub verified, as the OIDC path does', async () => {
    // Same rule as OIDC: a verified address joins the existing, verified account (no second account).
    const existing = await registerUser(t);
    const login = freshLogin();
    gh.accounts.set(login, {
      id: 5_200_000 + seq,
      login,
      name: null,
      emails: [{ email: existing.user.email, verified: true, primary: true }],
    });
    const { res, browser } = await signInWithGithub(login);
    expect(res.status).toBe(302);
    const signedIn = await me((await browser.refreshSession()).accessToken);
    expect(signedIn.id).toBe(existing.user.id);
    // The password still works, and the account now lists GitHub.
    expect((await linked(existing.accessToken)).hasPassword).toBe(true);
  });

  it('answers a bad or replayed state with a 400 envelope, before anything reaches GitHub', async () => {
    const browser = new TestBrowser(t.url);
    const unknown = await browser.request(`${CALLBACK}?code=abc&state=not-a-state-we-issued`);
    expect(unknown.status).toBe(400);
    expect(await json(unknown)).toMatchObject({ error: true, code: 'bad_request' });

    const start = await browser.request(`${t.api}/auth/oidc/github/start?client=web`);
    const back = await gh.approve(start.headers.get('location') ?? '', freshLogin());
    // Finished in another browser (no binding cookie): refused.
    const elsewhere = await new TestBrowser(t.url).request(back.toString());
    expect(elsewhere.status).toBe(400);
    expect((await json(elsewhere)).message).toMatch(/another browser/);
    // And the state is single-use.
    const replay = await browser.request(back.toString());
    expect(replay.status).toBe(400);
    expect(gh.received.some((r) => r.path === '/login/oauth/access_token')).toBe(false);
  });

  it('turns token endpoint failures into envelopes: 502 provider_unavailable, 400 for a spent code', async () => {
    for (const failure of ['http-500', 'not-json', 'unknown-error'] as const) {
      gh.tokenFailure = failure;
      const { res } = await signInWithGithub(freshLogin());
      expect(res.status, failure).toBe(502);
      expect(await json(res)).toMatchObject({ error: true, code: 'provider_unavailable' });
    }
    gh.tokenFailure = null;
    // A code GitHub already redeemed: its documented bad_verification_code answer.
    const browser = new TestBrowser(t.url);
    const start = await browser.request(`${t.api}/auth/oidc/github/start?client=web`);
    const back = await gh.approve(start.headers.get('location') ?? '', freshLogin());
    await fetch(`${gh.url}/login/oauth/access_token`, {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: gh.clientId,
        client_secret: gh.clientSecret,
        code: back.searchParams.get('code') ?? '',
      }),
    });
    const res = await browser.request(back.toString());
    expect(res.status).toBe(400);
    expect((await json(res)).message).toMatch(/already used or has expired/);
  });

  it('a person who cancels at GitHub gets a 401 envelope', async () => {
    const browser = new TestBrowser(t.url);
    const start = await browser.request(`${t.api}/auth/oidc/github/start?client=web`);
    const state = new URL(start.headers.get('location') ?? '').searchParams.get('state') ?? '';
    const res = await browser.request(`${CALLBACK}?error=access_denied&state=${state}`);
    expect(res.status).toBe(401);
    expect((await json(res)).message).toMatch(/GitHub did not sign you in/);
  });
});

describe('linked accounts (Settings)', () => {
  it('links GitHub to a password account, signs in with it, and unlinks it', async () => {
    const owner = await registerUser(t);
    const login = freshLogin();
    const back = await linkGithub(owner.accessToken, login);
    expect(back.toString()).toBe(`http://${PUBLIC_HOST}/#/settings?linked=github`);
    const list = await linked(owner.accessToken);
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({ provider: 'github', accountName: login });
    expect(new Date(list.items[0]?.linkedAt ?? '').getTime()).toBeGreaterThan(0);
    expect((await socialLinks(owner.accessToken)).find((l) => l.network === 'github')).toMatchObject({
      handle: login,
      verified: true,
    });

    const { browser } = await signInWithGithub(login);
    expect((await me((await browser.refreshSession()).accessToken)).id).toBe(owner.user.id);

    const res = await unlink(owner.accessToken, list.items[0]?.id ?? '');
    expect(res.status).toBe(200);
    expect((await linked(owner.accessToken)).items).toEqual([]);
    // The profile link stays, no longer verified.
    expect((await socialLinks(owner.accessToken)).find((l) => l.network === 'github')).toMatchObject({
      handle: login,
      verified: false,
    });
    // Typing a handle never verifies it unless it is a linked login.
    const typed = await fetch(`${t.api}/users/me/social-links/github`, {
      method: 'PUT',
      headers: { ...authHeader(owner.accessToken), 'content-type': 'application/json' },
      body: JSON.stringify({ handle: login }),
    });
    expect((await json<SocialLink>(typed)).data?.verified).toBe(false);
  });

  it('refuses a GitHub account already linked to another Charla account (409 identity_linked_elsewhere)', async () => {
    const first = await registerUser(t);
    const second = await registerUser(t);
    const login = freshLogin();
    await linkGithub(first.accessToken, login);
    const back = await linkGithub(second.accessToken, login);
    expect(back.toString()).toBe(`http://${PUBLIC_HOST}/#/settings?linkError=identity_linked_elsewhere`);
    expect((await linked(second.accessToken)).items).toEqual([]);
    expect((await linked(first.accessToken)).items).toHaveLength(1);
    expect((await socialLinks(second.accessToken)).some((l) => l.network === 'github')).toBe(false);
  });

  it('refuses to unlink the last way to sign in (409 last_sign_in_method), allows it with another', async () => {
    const login = freshLogin();
    const { browser } = await signInWithGithub(login);
    const auth = await browser.refreshSession();
    const [only] = (await linked(auth.accessToken)).items;
    const refused = await unlink(auth.accessToken, only?.id ?? '');
    expect(refused.status).toBe(409);
    expect(await json(refused)).toMatchObject({ error: true, code: 'last_sign_in_method' });
    expect((await linked(auth.accessToken)).items).toHaveLength(1);

    // A second GitHub account linked: now the first may go.
    await linkGithub(auth.accessToken, freshLogin());
    expect((await unlink(auth.accessToken, only?.id ?? '')).status).toBe(200);
    const left = (await linked(auth.accessToken)).items;
    expect(left).toHaveLength(1);
    expect((await unlink(auth.accessToken, left[0]?.id ?? '')).status).toBe(409);
  });

  it('answers 404 for someone else’s or an unknown linked account, and 401 without a session', async () => {
    const owner = await registerUser(t);
    const other = await registerUser(t);
    await linkGithub(owner.accessToken, freshLogin());
    const [item] = (await linked(owner.accessToken)).items;
    expect((await unlink(other.accessToken, item?.id ?? '')).status).toBe(404);
    expect((await unlink(owner.accessToken, 'x'.repeat(300))).status).toBe(404);
    expect((await fetch(`${t.api}/auth/linked-accounts`)).status).toBe(401);
    expect((await fetch(`${t.api}/auth/oidc/github/link`, { method: 'POST' })).status).toBe(401);
    expect((await linked(owner.accessToken)).items).toHaveLength(1);
  });

  it('ID-token sign-in is not offered for GitHub (400), and an unconfigured provider is a 404', async () => {
    const nonce = await fetch(`${t.api}/auth/oidc/github/nonce`, { method: 'POST' });
    expect(nonce.status).toBe(400);
    const google = await new TestBrowser(t.url).request(`${t.api}/auth/oidc/google/start?client=web`);
    expect(google.status).toBe(404);
    expect((await json(google)).message).toMatch(/Google is not configured/);
  });
});
