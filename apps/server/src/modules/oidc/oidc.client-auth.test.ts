import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/harness.ts';
import { REFRESH_COOKIE } from '../auth/auth.cookies.ts';
import {
  PUBLIC_HOST,
  startTestProvider,
  TEST_CLIENT_ID,
  TEST_PUBLIC_CLIENT_ID,
  TestBrowser,
  type TestProvider,
} from './oidc.test-provider.ts';

const PUBLIC_URL = `http://${PUBLIC_HOST}`;

let op: TestProvider;
const apps: TestApp[] = [];

beforeAll(async () => {
  op = await startTestProvider({ redirectUris: [`${PUBLIC_URL}/api/v1/auth/oidc/oidc/callback`] });
  op.accounts.set('client-auth-user', { email: 'client.auth@example.com', email_verified: true });
});

afterAll(async () => {
  for (const t of apps) await t.close();
  await op?.close();
});

async function appWith(env: Record<string, string>): Promise<TestApp> {
  const t = await startTestApp({ env: { PUBLIC_URL, OIDC_ISSUER: op.issuer, ...env } });
  apps.push(t);
  return t;
}

async function callback(t: TestApp): Promise<{ res: Response; browser: TestBrowser }> {
  const browser = new TestBrowser(t.url);
  const start = await browser.request(`${t.api}/auth/oidc/oidc/start?client=web`);
  expect(start.status).toBe(302);
  const back = await browser.signInAtProvider(start.headers.get('location') ?? '', 'client-auth-user');
  return { res: await browser.request(back.toString()), browser };
}

describe('client authentication at the token endpoint', () => {
  it('a public client (no OIDC_CLIENT_SECRET) signs in with PKCE alone', async () => {
    const t = await appWith({ OIDC_CLIENT_ID: TEST_PUBLIC_CLIENT_ID });
    const { res, browser } = await callback(t);
    expect(res.status).toBe(302);
    expect(browser.cookie(new URL(t.url).host, REFRESH_COOKIE)).toBeTruthy();
  });

  it('a wrong client secret is a 502 envelope (misconfiguration), not a 500 and not a session', async () => {
    const t = await appWith({ OIDC_CLIENT_ID: TEST_CLIENT_ID, OIDC_CLIENT_SECRET: 'wrong-secret-wrong-secret' });
    const { res, browser } = await callback(t);
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({ error: true, status: 502, code: 'provider_unavailable' });
    expect(browser.cookie(new URL(t.url).host, REFRESH_COOKIE)).toBeUndefined();
  });
});
