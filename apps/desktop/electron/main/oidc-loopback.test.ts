// @vitest-environment node
import { createHash } from 'node:crypto';
import { pkceChallengeSchema, pkceVerifierSchema } from '@charla/shared-types';
import { describe, expect, it, vi } from 'vitest';
import { createPkcePair, createProviderSignIn, startLoopback } from './oidc-loopback.ts';

const sha256url = (s: string) => createHash('sha256').update(s).digest('base64url');
const get = (url: string) => fetch(url, { redirect: 'manual' });

describe('PKCE pair', () => {
  it('is a valid S256 verifier/challenge pair, fresh every time', () => {
    const a = createPkcePair();
    const b = createPkcePair();
    expect(pkceVerifierSchema.safeParse(a.verifier).success).toBe(true);
    expect(pkceChallengeSchema.safeParse(a.challenge).success).toBe(true);
    expect(a.challenge).toBe(sha256url(a.verifier));
    expect(a.verifier).not.toBe(b.verifier);
  });
});

describe('loopback listener (real HTTP on 127.0.0.1)', () => {
  it('answers the browser with a "you can close this tab" page, yields the code once, then stops listening', async () => {
    const lb = await startLoopback({ state: 'st-1' });
    expect(lb.redirectUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/oidc\/callback$/);
    const res = await get(`${lb.redirectUri}?code=abc123&state=st-1`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.text()).toContain('You can close this tab');
    await expect(lb.result).resolves.toEqual({ code: 'abc123' });
    await expect(get(`${lb.redirectUri}?code=again&state=st-1`)).rejects.toThrow();
  });

  it('other paths, other methods and a foreign state do not consume it', async () => {
    const lb = await startLoopback({ state: 'st-2' });
    const origin = new URL(lb.redirectUri).origin;
    expect((await get(`${origin}/favicon.ico`)).status).toBe(404);
    expect((await fetch(`${lb.redirectUri}?code=x&state=st-2`, { method: 'POST' })).status).toBe(404);
    expect((await get(`${lb.redirectUri}?code=evil&state=not-ours`)).status).toBe(400);
    expect((await get(`${lb.redirectUri}?code=good&state=st-2`)).status).toBe(200);
    await expect(lb.result).resolves.toEqual({ code: 'good' });
  });

  it('a provider error comes back as a typed rejection, and the tab is told it did not complete', async () => {
    const lb = await startLoopback({ state: 'st-3' });
    const res = await get(`${lb.redirectUri}?error=account_suspended&error_description=Suspended&state=st-3`);
    expect(await res.text()).toContain('did not complete');
    await expect(lb.result).rejects.toMatchObject({ code: 'account_suspended', message: 'Suspended' });
  });

  it('a missing or oversized code is refused', async () => {
    const lb = await startLoopback({ state: 'st-4' });
    await get(`${lb.redirectUri}?code=${'x'.repeat(300)}&state=st-4`);
    await expect(lb.result).rejects.toMatchObject({ code: 'unauthenticated' });
  });

  it('times out and closes when nothing comes back', async () => {
    const lb = await startLoopback({ state: 'st-5', timeoutMs: 50 });
    await expect(lb.result).rejects.toThrow(/timed out/);
    await expect(get(`${lb.redirectUri}?code=late&state=st-5`)).rejects.toThrow();
  });

  it('cancel closes it', async () => {
    const lb = await startLoopback({ state: 'st-6' });
    lb.cancel();
    await expect(lb.result).rejects.toThrow(/cancelled/);
    await expect(get(`${lb.redirectUri}?code=late&state=st-6`)).rejects.toThrow();
  });
});

/** A stand-in for "the system browser + the server": follows the start URL's redirect back to the loopback. */
function fakeBrowser(answer: (start: URL) => Record<string, string>) {
  const opened: URL[] = [];
  const openExternal = vi.fn(async (url: string) => {
    const start = new URL(url);
    opened.push(start);
    const back = new URL(start.searchParams.get('redirect') ?? '');
    for (const [k, v] of Object.entries(answer(start))) back.searchParams.set(k, v);
    setTimeout(() => void get(back.href).catch(() => undefined), 5);
  });
  return { openExternal, opened };
}

const auth = {
  user: { id: 'u1' },
  accessToken: 'access',
  accessTokenExpiresAt: '2026-01-01T00:15:00.000Z',
  sessionId: 's1',
} as never;

describe('provider sign-in in main', () => {
  it('opens the desktop start URL with PKCE and state, then exchanges the loopback code with the verifier', async () => {
    const browser = fakeBrowser((start) => ({ code: 'one-time', state: start.searchParams.get('state') ?? '' }));
    const exchange = vi.fn(async () => auth);
    const flow = createProviderSignIn({
      serverOrigin: () => 'http://localhost:4000',
      openExternal: browser.openExternal,
      exchange,
    });
    await expect(flow.signIn('google')).resolves.toBe(auth);
    const start = browser.opened[0];
    expect(`${start?.origin}${start?.pathname}`).toBe('http://localhost:4000/api/v1/auth/oidc/google/start');
    expect(Object.fromEntries(start?.searchParams ?? [])).toMatchObject({
      client: 'desktop',
      code_challenge_method: 'S256',
      redirect: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/oidc\/callback$/),
    });
    const [code, verifier] = exchange.mock.calls[0] as unknown as [string, string];
    expect(code).toBe('one-time');
    expect(sha256url(verifier)).toBe(start?.searchParams.get('code_challenge'));
  });

  it('the start URL goes through the URL validator: a non-http(s) server never reaches the OS', async () => {
    const exchange = vi.fn();
    const openExternal = vi.fn(async () => undefined);
    const flow = createProviderSignIn({ serverOrigin: () => 'javascript:alert(1)//', openExternal, exchange });
    await expect(flow.signIn('google')).rejects.toMatchObject({
      code: 'validation_failed',
      details: { serverUrl: [expect.any(String)] },
    });
    expect(openExternal).not.toHaveBeenCalled();
    expect(exchange).not.toHaveBeenCalled();
  });

  it('an answer with another state is ignored (the sign-in then times out)', async () => {
    const browser = fakeBrowser(() => ({ code: 'planted', state: 'someone-elses' }));
    const exchange = vi.fn();
    const flow = createProviderSignIn({
      serverOrigin: () => 'http://localhost:4000',
      openExternal: browser.openExternal,
      exchange,
      timeoutMs: 200,
    });
    await expect(flow.signIn('oidc')).rejects.toThrow(/timed out/);
    expect(exchange).not.toHaveBeenCalled();
  });

  it('starting a second sign-in cancels the first', async () => {
    const exchange = vi.fn(async () => auth);
    let n = 0;
    const flow = createProviderSignIn({
      serverOrigin: () => 'http://localhost:4000',
      // The first "browser" never comes back; the second does.
      openExternal: async (url) => {
        n += 1;
        if (n === 2) {
          const start = new URL(url);
          const back = new URL(start.searchParams.get('redirect') ?? '');
          back.searchParams.set('code', 'second');
          back.searchParams.set('state', start.searchParams.get('state') ?? '');
          setTimeout(() => void get(back.href), 5);
        }
      },
      exchange,
    });
    const first = flow.signIn('google');
    await new Promise((r) => setTimeout(r, 20));
    const second = flow.signIn('google');
    await expect(first).rejects.toThrow(/cancelled/);
    await expect(second).resolves.toBe(auth);
    expect(exchange).toHaveBeenCalledTimes(1);
  });
});
