// @vitest-environment node
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { chainedStore, memoryBackend, type SecretStore, secretAccount } from './secrets.ts';
import { createSessionManager, DesktopError, type SessionDeps, type StoredAccount } from './session.ts';

const ORIGIN = 'https://chat.example.com';
const user = {
  id: 'u1',
  email: 'ana@example.com',
  emailVerified: true,
  username: 'ana',
  displayName: 'Ana',
  about: '',
  avatarUrl: null,
  role: 'user',
  lastSeenVisibility: 'everyone',
  hasPassword: true,
  createdAt: '2026-01-01T00:00:00.000Z',
};

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const ok = (data: unknown) => json(200, { error: false, status: 200, message: 'OK', data });
const err = (status: number, code: string) => json(status, { error: true, status, message: code, code });

/** A stand-in for the server's auth endpoints: rotating refresh tokens, reuse detection. */
function fakeServer(now: () => number) {
  let n = 0;
  const valid = new Set<string>();
  const calls: Array<{ path: string; body: Record<string, unknown>; auth: string | null }> = [];
  let down = false;
  const issue = () => {
    n += 1;
    const refreshToken = `refresh-${n}-${'x'.repeat(24)}`;
    valid.add(refreshToken);
    return {
      deviceToken: `kd1.${user.id}.device.${n}.sig`,
      user,
      accessToken: `access-${n}`,
      accessTokenExpiresAt: new Date(now() + 15 * 60_000).toISOString(),
      sessionId: 's1',
      refreshToken,
    };
  };
  const fetch = vi.fn(async (input: string | URL | Request, init?: RequestInit) => {
    if (down) throw new TypeError('fetch failed');
    const url = new URL(String(input));
    const body = JSON.parse(String(init?.body ?? '{}')) as Record<string, unknown>;
    const path = url.pathname.replace('/api/v1', '');
    calls.push({ path, body, auth: new Headers(init?.headers).get('authorization') });
    await new Promise((r) => setTimeout(r, 5));
    if (path === '/auth/login') return body.password === 'right-password' ? ok(issue()) : err(401, 'unauthenticated');
    if (path === '/auth/register/verify')
      return body.code === '123456' && body.password === 'right-password' ? ok(issue()) : err(400, 'validation_failed');
    if (path === '/auth/oidc/exchange')
      return body.code === 'one-time-code-from-loopback' && body.codeVerifier === 'v'.repeat(43)
        ? ok(issue())
        : err(401, 'unauthenticated');
    if (path === '/auth/refresh') {
      const token = String(body.refreshToken);
      if (!valid.has(token)) return err(401, 'session_revoked');
      valid.delete(token);
      return ok(issue());
    }
    if (path === '/auth/logout') {
      valid.delete(String(body.refreshToken));
      return ok(null);
    }
    return err(404, 'not_found');
  });
  return {
    fetch: fetch as unknown as typeof globalThis.fetch,
    calls,
    valid,
    setDown: (v: boolean) => {
      down = v;
    },
  };
}

let clock: number;
let server: ReturnType<typeof fakeServer>;
let secrets: SecretStore;
let account: StoredAccount | null;
let origin: string;

function manager(overrides: Partial<SessionDeps> = {}) {
  return createSessionManager({
    fetch: server.fetch,
    secrets,
    serverOrigin: () => origin,
    device: { name: 'test box', platform: 'linux' },
    loadAccount: () => account,
    saveAccount: (a) => {
      account = a;
    },
    now: () => clock,
    ...overrides,
  });
}

beforeEach(() => {
  clock = Date.parse('2026-06-01T12:00:00Z');
  server = fakeServer(() => clock);
  secrets = chainedStore([memoryBackend()]);
  account = null;
  origin = ORIGIN;
});

describe('desktop session', () => {
  it('logs in as a desktop client, keeps the refresh token in main and returns it to nobody', async () => {
    const s = manager();
    const result = await s.login({ login: 'ana', password: 'right-password' });
    expect(result).not.toHaveProperty('refreshToken');
    expect(result.accessToken).toBe('access-1');
    expect(server.calls[0]?.body).toMatchObject({ client: 'desktop', device: { name: 'test box', platform: 'linux' } });
    expect(account).toEqual({ serverOrigin: ORIGIN, userId: 'u1' });
    expect(await secrets.get(secretAccount(ORIGIN, 'u1'))).toBe(`refresh-1-${'x'.repeat(24)}`);
  });

  it('keeps the known-device token with the secrets and sends it with the next password login', async () => {
    const s = manager();
    const first = await s.login({ login: 'ana', password: 'right-password' });
    expect(first).not.toHaveProperty('deviceToken');
    expect(server.calls[0]?.body).not.toHaveProperty('deviceTokens');
    expect(JSON.parse((await secrets.get(secretAccount(ORIGIN, 'known-devices'))) ?? '[]')).toEqual([
      'kd1.u1.device.1.sig',
    ]);
    await s.logout();
    // Signing out keeps the device known (that is the point); the next login presents it.
    await s.login({ login: 'ana', password: 'right-password' });
    expect(server.calls.at(-1)?.body).toMatchObject({ deviceTokens: ['kd1.u1.device.1.sig'] });
    // One token per account: the newer one replaced it.
    expect(JSON.parse((await secrets.get(secretAccount(ORIGIN, 'known-devices'))) ?? '[]')).toHaveLength(1);
    // Another server never gets this one's tokens.
    origin = 'https://other.example.com';
    await s.login({ login: 'ana', password: 'right-password' });
    expect(server.calls.at(-1)?.body).not.toHaveProperty('deviceTokens');
  });

  it('leaving a server signs out there and deletes its refresh token; the new server never sees it', async () => {
    const s = manager();
    await s.login({ login: 'ana', password: 'right-password' });
    const old = { serverOrigin: ORIGIN, userId: 'u1' };
    const token = await secrets.get(secretAccount(ORIGIN, 'u1'));
    expect(token).toBeTruthy();
    // What the settings service does on a switch: the account is forgotten, the origin changes.
    account = null;
    origin = 'https://new.example.com';
    await s.leaveServer(old);
    expect(await secrets.get(secretAccount(ORIGIN, 'u1'))).toBeNull();
    const logout = server.calls.at(-1);
    expect(logout).toMatchObject({ path: '/auth/logout', body: { refreshToken: token } });
    expect(server.fetch).toHaveBeenLastCalledWith(`${ORIGIN}/api/v1/auth/logout`, expect.anything());
    expect(server.valid.has(String(token))).toBe(false);
    expect(await s.getAccessToken()).toBeNull();
    expect(server.calls.filter((c) => JSON.stringify(c.body).includes(String(token)))).toHaveLength(1);
  });

  it('deletes the old refresh token even when the old server cannot be reached', async () => {
    const s = manager();
    await s.login({ login: 'ana', password: 'right-password' });
    server.setDown(true);
    origin = 'https://new.example.com';
    await s.leaveServer({ serverOrigin: ORIGIN, userId: 'u1' });
    expect(await secrets.get(secretAccount(ORIGIN, 'u1'))).toBeNull();
  });

  it('finishes a sign-up with the emailed code like a login: refresh token to the keychain only', async () => {
    const s = manager();
    await expect(
      s.completeRegistration({ email: 'ana@example.com', code: '000000', password: 'right-password' }),
    ).rejects.toMatchObject({ code: 'validation_failed' });
    expect(account).toBeNull();
    const result = await s.completeRegistration({
      email: 'ana@example.com',
      code: '123456',
      password: 'right-password',
    });
    expect(result).not.toHaveProperty('refreshToken');
    expect(server.calls.at(-1)).toMatchObject({
      path: '/auth/register/verify',
      body: { email: 'ana@example.com', code: '123456', client: 'desktop', device: { name: 'test box' } },
    });
    expect(account).toEqual({ serverOrigin: ORIGIN, userId: 'u1' });
    expect(await secrets.get(secretAccount(ORIGIN, 'u1'))).toBe(`refresh-1-${'x'.repeat(24)}`);
  });

  it('exchanges an OIDC loopback code: refresh token to the keychain, the renderer gets none', async () => {
    const s = manager();
    const result = await s.exchangeOidc('one-time-code-from-loopback', 'v'.repeat(43));
    expect(result).not.toHaveProperty('refreshToken');
    expect(server.calls[0]).toMatchObject({
      path: '/auth/oidc/exchange',
      body: { code: 'one-time-code-from-loopback', codeVerifier: 'v'.repeat(43), device: { name: 'test box' } },
    });
    expect(await secrets.get(secretAccount(ORIGIN, 'u1'))).toBe(`refresh-1-${'x'.repeat(24)}`);
    expect(await s.getAccessToken()).toBe('access-1');
  });

  it('a refused OIDC exchange stores nothing', async () => {
    const s = manager();
    await expect(s.exchangeOidc('used-or-guessed-code-xxxxxxxx', 'v'.repeat(43))).rejects.toMatchObject({
      code: 'unauthenticated',
    });
    expect(account).toBeNull();
  });

  it('maps the server error envelope (wrong password) to a typed error', async () => {
    const s = manager();
    await expect(s.login({ login: 'ana', password: 'wrong' })).rejects.toMatchObject({
      code: 'unauthenticated',
      status: 401,
    });
    expect(account).toBeNull();
  });

  it('serves the cached access token until shortly before expiry, then refreshes and rotates', async () => {
    const s = manager();
    await s.login({ login: 'ana', password: 'right-password' });
    expect(await s.getAccessToken()).toBe('access-1');
    expect(server.calls).toHaveLength(1);
    clock += 14.6 * 60_000; // within the 30 s margin
    expect(await s.getAccessToken()).toBe('access-2');
    expect(server.calls[1]).toMatchObject({ path: '/auth/refresh', body: { client: 'desktop' } });
    expect(await secrets.get(secretAccount(ORIGIN, 'u1'))).toBe(`refresh-2-${'x'.repeat(24)}`);
    expect(server.valid.has(`refresh-1-${'x'.repeat(24)}`)).toBe(false);
  });

  it('single-flight: concurrent callers share one refresh (a second would reuse a rotated token)', async () => {
    const s = manager();
    await s.login({ login: 'ana', password: 'right-password' });
    const tokens = await Promise.all(Array.from({ length: 8 }, () => s.getAccessToken({ forceRefresh: true })));
    expect(new Set(tokens)).toEqual(new Set(['access-2']));
    expect(server.calls.filter((c) => c.path === '/auth/refresh')).toHaveLength(1);
    expect(await s.getAccessToken({ forceRefresh: true })).toBe('access-3');
  });

  it('restores a session after a restart from the stored refresh token', async () => {
    await manager().login({ login: 'ana', password: 'right-password' });
    const restarted = manager();
    const restored = await restarted.restore();
    expect(restored?.user.id).toBe('u1');
    expect(restored).not.toHaveProperty('refreshToken');
    expect(await restarted.getAccessToken()).toBe('access-2');
  });

  it('restore returns null when signed out', async () => {
    expect(await manager().restore()).toBeNull();
    expect(await manager().getAccessToken()).toBeNull();
    expect(server.calls).toHaveLength(0);
  });

  it('a revoked refresh token ends the session and deletes the secret', async () => {
    const s = manager();
    await s.login({ login: 'ana', password: 'right-password' });
    server.valid.clear();
    expect(await s.getAccessToken({ forceRefresh: true })).toBeNull();
    expect(account).toBeNull();
    expect(await secrets.get(secretAccount(ORIGIN, 'u1'))).toBeNull();
  });

  it('a network failure keeps the secret for a later try and reports network', async () => {
    const s = manager();
    await s.login({ login: 'ana', password: 'right-password' });
    server.setDown(true);
    await expect(s.getAccessToken({ forceRefresh: true })).rejects.toMatchObject({ code: 'network' });
    expect(await secrets.get(secretAccount(ORIGIN, 'u1'))).not.toBeNull();
    server.setDown(false);
    expect(await s.getAccessToken({ forceRefresh: true })).toBe('access-2');
  });

  it('rate limiting or a server error does not sign the user out', async () => {
    const s = manager();
    await s.login({ login: 'ana', password: 'right-password' });
    vi.mocked(server.fetch).mockResolvedValueOnce(err(429, 'rate_limited'));
    await expect(s.getAccessToken({ forceRefresh: true })).rejects.toBeInstanceOf(DesktopError);
    vi.mocked(server.fetch).mockResolvedValueOnce(json(502, '<html>bad gateway</html>'));
    await expect(s.getAccessToken({ forceRefresh: true })).rejects.toMatchObject({ code: 'internal' });
    expect(account).not.toBeNull();
  });

  it('never sends a refresh token to a server other than the one that issued it', async () => {
    const s = manager();
    await s.login({ login: 'ana', password: 'right-password' });
    origin = 'https://evil.example.com';
    // Neither the cached access token nor the refresh token goes to the new server.
    expect(await s.getAccessToken()).toBeNull();
    expect(await s.getAccessToken({ forceRefresh: true })).toBeNull();
    expect(server.calls.filter((c) => c.path === '/auth/refresh')).toHaveLength(0);
  });

  it('rejects malformed auth responses', async () => {
    const s = manager();
    vi.mocked(server.fetch).mockResolvedValueOnce(ok({ user: { id: 1 }, accessToken: 5 }));
    await expect(s.login({ login: 'ana', password: 'right-password' })).rejects.toMatchObject({
      code: 'bad_response',
    });
    vi.mocked(server.fetch).mockResolvedValueOnce(new Response('not json', { status: 200 }));
    await expect(s.login({ login: 'ana', password: 'right-password' })).rejects.toMatchObject({
      code: 'bad_response',
    });
    expect(account).toBeNull();
  });

  it('logout revokes on the server and deletes the secret, even when the server is down', async () => {
    const s = manager();
    await s.login({ login: 'ana', password: 'right-password' });
    await s.logout();
    const logout = server.calls.find((c) => c.path === '/auth/logout');
    expect(logout?.body).toMatchObject({ refreshToken: `refresh-1-${'x'.repeat(24)}`, client: 'desktop' });
    expect(logout?.auth).toBe('Bearer access-1');
    expect(await secrets.get(secretAccount(ORIGIN, 'u1'))).toBeNull();

    const again = manager();
    await again.login({ login: 'ana', password: 'right-password' });
    server.setDown(true);
    await again.logout();
    expect(account).toBeNull();
    expect(await again.getAccessToken()).toBeNull();
  });

  it("logging in as someone else removes the previous user's secret", async () => {
    const s = manager();
    await s.login({ login: 'ana', password: 'right-password' });
    account = { serverOrigin: ORIGIN, userId: 'old-user' };
    await secrets.set(secretAccount(ORIGIN, 'old-user'), 'old-secret-token-xxxxxxxxxxxx');
    await s.login({ login: 'ana', password: 'right-password' });
    expect(await secrets.get(secretAccount(ORIGIN, 'old-user'))).toBeNull();
  });
});
