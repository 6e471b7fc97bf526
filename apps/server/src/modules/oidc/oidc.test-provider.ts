/**
 * Test support (not a test): a REAL OpenID Provider (`oidc-provider`) on 127.0.0.1:<random>, and a
 * tiny scripted "browser" (manual redirects + a cookie jar per host) that signs in at it.
 */
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import { API_PREFIX, type AuthResult, CSRF_HEADER } from '@charla/shared-types';
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import { type KoaContextWithOIDC, Provider } from 'oidc-provider';
import { REFRESH_COOKIE } from '../auth/auth.cookies.ts';

export const TEST_CLIENT_ID = 'charla-test-client';
export const TEST_CLIENT_SECRET = 'charla-test-secret-0123456789abcdef';
export const TEST_PUBLIC_CLIENT_ID = 'charla-test-public-client';
export const TEST_KID = 'test-key-1';
export const TEST_EC_KID = 'test-ec-key-1';
/** Host of the app's PUBLIC_URL in the harness; the browser maps it to the real listening port. */
export const PUBLIC_HOST = 'charla.test';

export type TestAccount = { email?: string; email_verified?: boolean; name?: string; preferred_username?: string };

export type TestProvider = {
  issuer: string;
  /** Edit freely between sign-ins: claims are read at each token issuance. */
  accounts: Map<string, TestAccount>;
  /** Signs arbitrary claims with the provider's real signing key (the one its JWKS publishes). */
  sign(payload: JWTPayload, header?: { alg?: string; kid?: string }): Promise<string>;
  close(): Promise<void>;
};

export async function startTestProvider(options: { redirectUris: string[] }): Promise<TestProvider> {
  const accounts = new Map<string, TestAccount>();
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: TEST_KID, alg: 'RS256', use: 'sig' };
  // A second published key, to show that ES256 tokens verify too.
  const ec = await generateKeyPair('ES256', { extractable: true });
  const ecJwk = { ...(await exportJWK(ec.privateKey)), kid: TEST_EC_KID, alg: 'ES256', use: 'sig' };

  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const issuer = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: TEST_CLIENT_ID,
        client_secret: TEST_CLIENT_SECRET,
        redirect_uris: options.redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
      {
        // A public client (no secret): PKCE alone protects the code.
        client_id: TEST_PUBLIC_CLIENT_ID,
        redirect_uris: options.redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
      },
    ],
    jwks: { keys: [jwk, ecJwk] },
    cookies: { keys: [randomBytes(16).toString('hex')] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'preferred_username'] },
    // Like Google: profile and email claims inside the ID token, not only at userinfo.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true } },
    findAccount: async (_ctx: unknown, id: string) => {
      const account = accounts.get(id);
      if (!account) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, ...accounts.get(id) }) };
    },
    // Consent is not what these tests are about: grant the requested scopes straight away.
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const { client, session, result, provider: op } = ctx.oidc;
      if (!client || !session?.accountId) return undefined;
      const existing = result?.consent?.grantId ?? session.grantIdFor(client.clientId);
      if (existing) return op.Grant.find(existing);
      const grant = new op.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope('openid email profile');
      await grant.save();
      return grant;
    },
  });
  // oidc-provider logs its own errors to the console; tests look at HTTP answers instead.
  provider.on('server_error', () => {});
  server.on('request', provider.callback());

  return {
    issuer,
    accounts,
    async sign(payload, header = {}) {
      const alg = header.alg ?? 'RS256';
      const ecdsa = alg === 'ES256';
      return new SignJWT(payload)
        .setProtectedHeader({ alg, kid: header.kid ?? (ecdsa ? TEST_EC_KID : TEST_KID), typ: 'JWT' })
        .sign(ecdsa ? ec.privateKey : privateKey);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A browser in miniature: cookies per host, manual redirects, `charla.test` mapped to the app. */
export class TestBrowser {
  readonly jars = new Map<string, Map<string, string>>();
  readonly appOrigin: string;
  constructor(appOrigin: string) {
    this.appOrigin = appOrigin;
  }

  /** The real URL to connect to for a URL the app or provider named. */
  resolve(url: string): URL {
    const u = new URL(url);
    if (u.hostname === PUBLIC_HOST) {
      const app = new URL(this.appOrigin);
      u.protocol = app.protocol;
      u.host = app.host;
    }
    return u;
  }

  cookie(host: string, name: string): string | undefined {
    return this.jars.get(host)?.get(name);
  }

  /** What the web client does after a redirect sign-in: trades the refresh cookie for a session. */
  async refreshSession(): Promise<AuthResult> {
    const cookie = this.cookie(new URL(this.appOrigin).host, REFRESH_COOKIE);
    if (!cookie) throw new Error('no refresh cookie in this browser');
    const res = await fetch(`${this.appOrigin}${API_PREFIX}/auth/refresh`, {
      method: 'POST',
      headers: { cookie: `${REFRESH_COOKIE}=${cookie}`, [CSRF_HEADER]: '1', 'content-type': 'application/json' },
      body: '{}',
    });
    const body = (await res.json()) as { data?: AuthResult };
    if (res.status !== 200 || !body.data) throw new Error(`refresh answered ${res.status}`);
    return body.data;
  }

  async request(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Response> {
    const target = this.resolve(url);
    const jar = this.jars.get(target.host) ?? new Map<string, string>();
    this.jars.set(target.host, jar);
    const headers: Record<string, string> = {};
    if (jar.size) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    if (init.form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(target, {
      method: init.method ?? 'GET',
      headers,
      body: init.form ? new URLSearchParams(init.form) : undefined,
      redirect: 'manual',
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*(max-age=0|expires=thu, 01 jan 1970)/i.test(a));
      if (expired || value === '') jar.delete(name);
      else jar.set(name, value);
    }
    return res;
  }

  /**
   * Follows redirects from `url` until an answer that is not a redirect, or until a redirect to a
   * URL for which `stop` says true (returned unfollowed, with that URL).
   */
  async follow(url: string, stop: (next: URL) => boolean = () => false): Promise<{ res: Response; url: string }> {
    let current = url;
    for (let hops = 0; hops < 20; hops++) {
      const res = await this.request(current);
      const location = res.headers.get('location');
      if (res.status < 300 || res.status >= 400 || !location) return { res, url: current };
      const next = new URL(location, this.resolve(current));
      if (stop(next)) return { res, url: next.toString() };
      current = next.toString();
      await res.body?.cancel();
    }
    throw new Error('too many redirects');
  }

  /**
   * From the provider's authorize URL: logs in as `accountId` through the provider's own login
   * form and returns the redirect back to the client (not followed).
   */
  async signInAtProvider(authorizeUrl: string, accountId: string, opts: { abort?: boolean } = {}): Promise<URL> {
    const leavesProvider = (u: URL) => u.origin !== new URL(authorizeUrl).origin;
    let step = await this.follow(authorizeUrl, leavesProvider);
    for (let round = 0; round < 4 && step.res.status === 200; round++) {
      const html = await step.res.text();
      const uid = /\/interaction\/([\w-]+)/.exec(step.url)?.[1];
      if (!uid) throw new Error(`unexpected provider page at ${step.url}`);
      const base = new URL(step.url).origin;
      if (opts.abort) {
        step = await this.follow(`${base}/interaction/${uid}/abort`, leavesProvider);
        break;
      }
      const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1] ?? 'login';
      const form: Record<string, string> =
        prompt === 'login' ? { prompt, login: accountId, password: 'any' } : { prompt };
      const posted = await this.request(`${base}/interaction/${uid}`, { method: 'POST', form });
      const location = posted.headers.get('location');
      if (!location) throw new Error(`provider answered ${posted.status} to the ${prompt} form`);
      const next = new URL(location, base);
      if (leavesProvider(next)) return next;
      step = await this.follow(next.toString(), leavesProvider);
    }
    if (step.res.status >= 300 && step.res.status < 400) return new URL(step.url);
    throw new Error(`sign-in at the provider ended with ${step.res.status}`);
  }
}

export const pkcePair = (): { verifier: string; challenge: string } => {
  const verifier = randomBytes(48).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
};

/** Plays the client itself (code + PKCE at the provider) to get a real ID token carrying `nonce`. */
export async function obtainIdToken(
  op: TestProvider,
  sub: string,
  nonce: string,
  redirectUri: string,
): Promise<string> {
  const { verifier, challenge } = pkcePair();
  const authorize = new URL(`${op.issuer}/auth`);
  const params = {
    client_id: TEST_CLIENT_ID,
    response_type: 'code',
    scope: 'openid email profile',
    redirect_uri: redirectUri,
    nonce,
    state: randomBytes(8).toString('hex'),
    code_challenge: challenge,
    code_challenge_method: 'S256',
  };
  for (const [k, v] of Object.entries(params)) authorize.searchParams.set(k, v);
  const back = await new TestBrowser('http://127.0.0.1:1').signInAtProvider(authorize.toString(), sub);
  const code = back.searchParams.get('code');
  if (!code) throw new Error(`no code in ${back.toString()}`);
  const res = await fetch(`${op.issuer}/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${TEST_CLIENT_ID}:${TEST_CLIENT_SECRET}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      code_verifier: verifier,
    }),
  });
  const body = (await res.json()) as { id_token?: string };
  if (!body.id_token) throw new Error(`token endpoint answered ${res.status}`);
  return body.id_token;
}
