import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../../../test/harness.ts';
import { loadConfig } from '../../config.ts';
import { AppError } from '../../http/errors.ts';
import { deriveUsername, displayNameFromClaim, usernameCandidate } from './oidc.accounts.ts';
import { authProvidersFromConfig, createOidcRegistry, isAcceptableProviderUrl } from './oidc.registry.ts';
import { parseLoopbackRedirect } from './oidc.service.ts';
import { createMemoryStore } from './oidc.store.ts';

const clock = { now: () => new Date() };
const configFor = (env: Record<string, string>) => loadConfig({ DATA_DIR: '/tmp/charla-oidc-unit', ...env });

/**
 * A misbehaving "provider": serves whatever discovery document the test sets, counting requests.
 * (The well-behaved provider is the real oidc-provider in the flow tests.)
 */
let server: http.Server;
let origin = '';
let hits = 0;
let answer: { status: number; body: unknown } = { status: 200, body: {} };

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/.well-known/openid-configuration') hits++;
    res.writeHead(answer.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const goodDoc = (issuer: string) => ({
  issuer,
  authorization_endpoint: `${issuer}/auth`,
  token_endpoint: `${issuer}/token`,
  jwks_uri: `${issuer}/jwks`,
});

async function expectUnavailable(promise: Promise<unknown>) {
  const err = await promise.catch((e: unknown) => e);
  expect(err).toBeInstanceOf(AppError);
  expect(err).toMatchObject({ status: 502, code: 'provider_unavailable' });
}

describe('provider registry and discovery', () => {
  it('builds providers from config; Google is a preset issuer', () => {
    const config = configFor({
      GOOGLE_CLIENT_ID: 'g-id',
      OIDC_ISSUER: 'https://sso.example.com/realms/x',
      OIDC_CLIENT_ID: 'k-id',
      OIDC_NAME: 'Keycloak',
    });
    const registry = createOidcRegistry(config, clock);
    expect(registry.get('google')).toMatchObject({ issuer: 'https://accounts.google.com', clientId: 'g-id' });
    expect(registry.get('oidc')).toMatchObject({ issuer: 'https://sso.example.com/realms/x', name: 'Keycloak' });
    expect(authProvidersFromConfig(config)).toEqual({
      password: true,
      google: true,
      github: false,
      oidc: { name: 'Keycloak' },
    });
  });

  it('unknown and unconfigured providers are 404s', () => {
    const registry = createOidcRegistry(configFor({}), clock);
    expect(() => registry.get('oidc')).toThrow(/OIDC is not configured/);
    expect(() => registry.get('google')).toThrow(/Google is not configured/);
    expect(() => registry.get('__proto__')).toThrow(AppError);
    expect(() => registry.get('constructor')).toThrow(/not found/);
    expect(authProvidersFromConfig(configFor({}))).toEqual({
      password: true,
      google: false,
      github: false,
      oidc: null,
    });
  });

  it('caches the discovery document', async () => {
    answer = { status: 200, body: goodDoc(origin) };
    const provider = createOidcRegistry(configFor({ OIDC_ISSUER: origin, OIDC_CLIENT_ID: 'c' }), clock).get('oidc');
    hits = 0;
    const [a, b] = await Promise.all([provider.metadata(), provider.metadata()]);
    await provider.metadata();
    expect(a).toEqual(b);
    expect(a.tokenEndpoint).toBe(`${origin}/token`);
    expect(hits).toBe(1);
  });

  it('does not cache a failure', async () => {
    answer = { status: 503, body: { error: 'down' } };
    const provider = createOidcRegistry(configFor({ OIDC_ISSUER: origin, OIDC_CLIENT_ID: 'c' }), clock).get('oidc');
    await expectUnavailable(provider.metadata());
    answer = { status: 200, body: goodDoc(origin) };
    await expect(provider.metadata()).resolves.toMatchObject({ issuer: origin });
  });

  it('refuses a document that names another issuer', async () => {
    answer = { status: 200, body: goodDoc('https://someone-else.example') };
    const provider = createOidcRegistry(configFor({ OIDC_ISSUER: origin, OIDC_CLIENT_ID: 'c' }), clock).get('oidc');
    await expectUnavailable(provider.metadata());
  });

  it('refuses plain-http endpoints off this machine, and malformed documents', async () => {
    answer = { status: 200, body: { ...goodDoc(origin), token_endpoint: 'http://tokens.example.com/token' } };
    const config = configFor({ OIDC_ISSUER: origin, OIDC_CLIENT_ID: 'c' });
    await expectUnavailable(createOidcRegistry(config, clock).get('oidc').metadata());
    answer = { status: 200, body: { issuer: origin } };
    await expectUnavailable(createOidcRegistry(config, clock).get('oidc').metadata());
    answer = { status: 200, body: 'not json at all' };
    await expectUnavailable(createOidcRegistry(config, clock).get('oidc').metadata());
  });

  it('never fetches a plain-http issuer off this machine', async () => {
    hits = 0;
    const provider = createOidcRegistry(
      configFor({ OIDC_ISSUER: 'http://sso.example.com', OIDC_CLIENT_ID: 'c' }),
      clock,
    ).get('oidc');
    await expectUnavailable(provider.metadata());
    expect(hits).toBe(0);
  });

  it('an unreachable provider is a 502 envelope at /start, not a 500', async () => {
    const t = await startTestApp({ env: { OIDC_ISSUER: 'http://127.0.0.1:1', OIDC_CLIENT_ID: 'c' } });
    try {
      const res = await fetch(`${t.api}/auth/oidc/oidc/start`, { redirect: 'manual' });
      expect(res.status).toBe(502);
      expect(await res.json()).toMatchObject({ error: true, status: 502, code: 'provider_unavailable' });
    } finally {
      await t.close();
    }
  });
});

describe('helpers', () => {
  it.each([
    ['https://accounts.google.com', true],
    ['http://127.0.0.1:8080', true],
    ['http://[::1]:8080/realm', true],
    ['http://localhost:8080', true],
    ['http://sso.example.com', false],
    ['http://127.0.0.1.nip.io', false],
    ['https://user:pw@sso.example.com', false],
    ['ftp://sso.example.com', false],
    ['nonsense', false],
  ])('provider URL %s acceptable: %s', (url, ok) => {
    expect(isAcceptableProviderUrl(url)).toBe(ok);
  });

  it.each([
    ['http://127.0.0.1:5000/cb', true],
    ['http://[::1]:5000/cb?x=1', true],
    ['http://localhost:5000/', true],
    ['http://127.0.0.1:5000/cb#frag', false],
    ['https://127.0.0.1:5000/cb', false],
    ['http://127.0.0.2:5000/cb', false],
    ['http://0.0.0.0:5000/cb', false],
  ])('loopback redirect %s accepted: %s', (url, ok) => {
    expect(parseLoopbackRedirect(url) !== undefined).toBe(ok);
  });

  it('derives usernames from preferred_username, then email, then name', () => {
    expect(deriveUsername({ preferredUsername: 'jane.doe@corp.example', email: 'x@y.z', name: null })).toBe('jane.doe');
    expect(deriveUsername({ preferredUsername: null, email: 'Zoë.Ñúñez+tag@mail.example', name: null })).toBe(
      'Zoe.Nunez_tag',
    );
    expect(deriveUsername({ preferredUsername: 'ab', email: null, name: 'Иван Петров' })).toBe('user');
    expect(deriveUsername({ preferredUsername: null, email: null, name: 'Ada Lovelace' })).toBe('Ada_Lovelace');
    expect(usernameCandidate('___')).toBeNull();
    expect(usernameCandidate('a'.repeat(80))).toHaveLength(24);
    // A huge claim is cut before any pattern sees it; separators are trimmed by a walk, not `[_.]+$`.
    const started = performance.now();
    expect(usernameCandidate(`x${'.'.repeat(200_000)}y`)).toBeNull();
    expect(usernameCandidate(`__ab.c${'_'.repeat(200_000)}`)).toBe('ab.c');
    expect(performance.now() - started).toBeLessThan(100);
  });

  it('strips invisible and text-direction characters from the name claim (issue 21 #11)', () => {
    expect(displayNameFromClaim('Ana\u202Egnp.exe', 'ana')).toBe('Anagnp.exe');
    expect(displayNameFromClaim('\u200B\u3164\u200B', 'ana')).toBe('ana');
    expect(displayNameFromClaim('👩‍💻 Zoë', 'zoe')).toBe('👩‍💻 Zoë');
    expect(displayNameFromClaim(null, 'fallback')).toBe('fallback');
    expect(displayNameFromClaim('x'.repeat(100), 'f')).toHaveLength(64);
  });

  it('memory store: single use, expiry, bounded size', async () => {
    let now = 1_000_000;
    const c = { now: () => new Date(now) };
    const store = createMemoryStore<string>(1000, 3, c);
    await store.put('a', 'A');
    expect(await store.take('a')).toBe('A');
    expect(await store.take('a')).toBeUndefined();
    await store.put('b', 'B');
    now += 1001;
    expect(await store.take('b')).toBeUndefined();
    for (const k of ['1', '2', '3', '4']) await store.put(k, k);
    expect(store.size()).toBe(3);
    expect(await store.take('1')).toBeUndefined();
    expect(await store.take('4')).toBe('4');
  });
});
