// @vitest-environment node
/// <reference path="../../../server/src/modules/oidc/oidc-provider.d.ts" />
/**
 * The desktop provider sign-in end to end: the real Charla server (SQLite in a temp dir) and a real
 * in-process OpenID provider (oidc-provider), as apps/server's oidc.flow.test.ts uses them. Only the
 * system browser is a stand-in: it follows the redirects and fills in the provider's login form.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PUBLIC_HOST,
  startTestProvider,
  TEST_CLIENT_ID,
  TEST_CLIENT_SECRET,
  TestBrowser,
  type TestProvider,
} from '../../../server/src/modules/oidc/oidc.test-provider.ts';
import { startTestApp, type TestApp } from '../../../server/test/harness.ts';
import { createProviderSignIn } from './oidc-loopback.ts';
import { chainedStore, memoryBackend, type SecretStore, secretAccount } from './secrets.ts';
import { createSessionManager, type StoredAccount } from './session.ts';

const PUBLIC_URL = `http://${PUBLIC_HOST}`;
let op: TestProvider;
let t: TestApp;

beforeAll(async () => {
  op = await startTestProvider({ redirectUris: [`${PUBLIC_URL}/api/v1/auth/oidc/oidc/callback`] });
  t = await startTestApp({
    env: { PUBLIC_URL, OIDC_ISSUER: op.issuer, OIDC_CLIENT_ID: TEST_CLIENT_ID, OIDC_CLIENT_SECRET: TEST_CLIENT_SECRET },
  });
}, 30_000);

afterAll(async () => {
  await t?.close();
  await op?.close();
});

/** "The system browser": start URL -> provider login form -> server callback -> loopback. */
function systemBrowser(sub: string, tamper?: (loopback: URL) => void) {
  const visited: string[] = [];
  return {
    visited,
    openExternal: async (url: string) => {
      const browser = new TestBrowser(t.url);
      visited.push(url);
      void (async () => {
        const start = await browser.request(url);
        const back = await browser.signInAtProvider(start.headers.get('location') ?? '', sub);
        const callback = await browser.request(back.toString());
        const loopback = new URL(callback.headers.get('location') ?? '');
        tamper?.(loopback);
        visited.push(loopback.toString());
        const page = await browser.request(loopback.toString());
        visited.push(await page.text());
      })().catch((e: unknown) => visited.push(`browser failed: ${String(e)}`));
    },
  };
}

/** Main's session over a secret store; pass the previous one's store and account to "restart the app". */
function desktop(previous?: { secrets: SecretStore; account: () => StoredAccount | null }) {
  let account: StoredAccount | null = previous?.account() ?? null;
  const secrets: SecretStore = previous?.secrets ?? chainedStore([memoryBackend()]);
  const session = createSessionManager({
    fetch: globalThis.fetch,
    secrets,
    serverOrigin: () => t.url,
    device: { name: 'Charla desktop test', platform: 'linux' },
    loadAccount: () => account,
    saveAccount: (a) => {
      account = a;
    },
  });
  return { session, secrets, account: () => account };
}

describe('desktop "Sign in with OIDC" against the real server and provider', () => {
  it('signs in through the loopback, keeps the refresh token in the secret store, and the session restores', async () => {
    op.accounts.set('desk-sub-1', { email: 'loop@example.com', email_verified: true, name: 'Loop Back' });
    const d = desktop();
    const browser = systemBrowser('desk-sub-1');
    const flow = createProviderSignIn({
      serverOrigin: () => t.url,
      openExternal: browser.openExternal,
      exchange: (code, verifier) => d.session.exchangeOidc(code, verifier),
    });
    const result = await flow.signIn('oidc');
    expect(result.user).toMatchObject({ email: 'loop@example.com', displayName: 'Loop Back' });
    expect(result).not.toHaveProperty('refreshToken');
    expect(browser.visited[1]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/oidc\/callback\?code=/);
    expect(browser.visited[2]).toContain('You can close this tab');

    const account = d.account();
    expect(account).toEqual({ serverOrigin: t.url, userId: result.user.id });
    expect(await d.secrets.get(secretAccount(t.url, result.user.id))).toMatch(/.{20,}/);
    // The refresh token works: a forced refresh rotates it and the new access token is accepted.
    const token = await d.session.getAccessToken({ forceRefresh: true });
    const me = await fetch(`${t.api}/auth/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);
    // "Restart": a new session manager over the same secret store restores the session.
    const restarted = desktop(d);
    expect((await restarted.session.restore())?.user.id).toBe(result.user.id);
  }, 30_000);

  it('a code replayed with another verifier is refused and nothing is stored', async () => {
    op.accounts.set('desk-sub-2', { email: 'replay@example.com', email_verified: true, name: 'Re Play' });
    const d = desktop();
    const browser = systemBrowser('desk-sub-2');
    const flow = createProviderSignIn({
      serverOrigin: () => t.url,
      openExternal: browser.openExternal,
      // A verifier that does not match the challenge main sent to /start.
      exchange: (code) => d.session.exchangeOidc(code, 'w'.repeat(43)),
    });
    await expect(flow.signIn('oidc')).rejects.toMatchObject({ code: 'unauthenticated', status: 401 });
    expect(d.account()).toBeNull();
  }, 30_000);

  it('an unknown provider fails at the start page, and the sign-in times out cleanly', async () => {
    const d = desktop();
    const browser = systemBrowser('nobody');
    const flow = createProviderSignIn({
      serverOrigin: () => t.url,
      openExternal: browser.openExternal,
      exchange: (code, verifier) => d.session.exchangeOidc(code, verifier),
      timeoutMs: 1_500,
    });
    await expect(flow.signIn('nosuchprovider')).rejects.toThrow(/timed out/);
    expect(d.account()).toBeNull();
    expect(browser.visited.at(-1)).toMatch(/^browser failed/);
  }, 30_000);
});
