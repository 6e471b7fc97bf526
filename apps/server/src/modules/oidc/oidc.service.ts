import { createHash, randomBytes } from 'node:crypto';
import { API_PREFIX, type ClientKind, paths } from '@charla/shared-types';
import type { AppContext } from '../../app-context.ts';
import { AppError, badRequest, unauthenticated } from '../../http/errors.ts';
import type { UserRecord } from '../../storage/ports.ts';
import type { OidcAccounts } from './oidc.accounts.ts';
import { redeemOidcCode } from './oidc.code.ts';
import type { ExternalProvider, OidcRegistry } from './oidc.registry.ts';
import { createExpiringStore, type RedisCommand } from './oidc.store.ts';
import { type ExternalProfile, profileFromClaims, safeEqual, verifyIdToken } from './oidc.verify.ts';

/** How long the user has at the provider between /start and /callback. */
export const PENDING_TTL_MS = 10 * 60 * 1000;
/** How long the desktop app has to trade its loopback code. */
export const EXCHANGE_CODE_TTL_MS = 2 * 60 * 1000;
export const ID_TOKEN_NONCE_TTL_MS = 10 * 60 * 1000;
const STORE_MAX = 10_000;

type Pending = {
  providerId: string;
  nonce: string;
  codeVerifier: string;
  /** Hash of the browser-binding cookie set at /start (login-CSRF defence). */
  bindingHash: string;
  client: ClientKind;
  desktop: { redirect: string; challenge: string; state: string | undefined } | undefined;
  /** Set when a signed-in user links this provider (Settings) instead of signing in. */
  linkUserId?: string | undefined;
};

type ExchangeGrant = { userId: string; challenge: string };

const random = (bytes = 32) => randomBytes(bytes).toString('base64url');
const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** Only http://127.0.0.1:<port>/…, http://[::1]:<port>/… or http://localhost:<port>/… (RFC 8252 §7.3). */
export function parseLoopbackRedirect(value: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  const ok =
    url.protocol === 'http:' &&
    LOOPBACK_HOSTS.has(url.hostname) &&
    url.port !== '' &&
    !url.username &&
    !url.password &&
    !url.hash;
  return ok ? url : undefined;
}

export type OidcStartInput = {
  client: ClientKind;
  redirect?: string | undefined;
  codeChallenge?: string | undefined;
  state?: string | undefined;
  /** Signed in and linking: the account the external one joins. */
  linkUserId?: string | undefined;
};

export type CallbackOutcome =
  | { kind: 'web'; user: UserRecord }
  | { kind: 'desktop'; redirect: string }
  /** A failure after the state was recognised: the desktop app is told through its loopback. */
  | { kind: 'desktop-error'; redirect: string }
  /** A link from Settings ended (linked, or refused with a code): back to the web client's settings. */
  | { kind: 'link-done'; redirect: string };

type Deps = Pick<AppContext, 'config' | 'clock' | 'storage' | 'logger'> & {
  registry: OidcRegistry;
  accounts: OidcAccounts;
  /** Set with REDIS_URL: pending sign-ins, codes and nonces then live in Redis (any node can finish). */
  redisCommand?: RedisCommand | undefined;
  /** Entries per in-memory store (default 10,000); tests lower it to show what a flood evicts. */
  storeMax?: number | undefined;
};

export function createOidcService(deps: Deps) {
  const { config, clock, storage, registry, accounts, logger } = deps;
  const storeOptions = { max: deps.storeMax ?? STORE_MAX, clock, redisCommand: deps.redisCommand };
  const pending = createExpiringStore<Pending>('pending', PENDING_TTL_MS, storeOptions);
  const exchangeCodes = createExpiringStore<ExchangeGrant>('exchange', EXCHANGE_CODE_TTL_MS, storeOptions);
  const nonces = createExpiringStore<string>('nonce', ID_TOKEN_NONCE_TTL_MS, storeOptions);

  const callbackUrl = (providerId: string) => `${config.publicUrl}${API_PREFIX}${paths.auth.oidcCallback(providerId)}`;
  const settingsUrl = (params: Record<string, string>) =>
    `${config.webUrl}/#/settings?${new URLSearchParams(params).toString()}`;

  async function authorizationUrl(
    provider: ExternalProvider,
    p: { state: string; nonce: string; codeChallenge: string },
  ): Promise<string> {
    const redirectUri = callbackUrl(provider.id);
    if (provider.kind === 'github')
      return provider.authorizationUrl({ state: p.state, redirectUri, codeChallenge: p.codeChallenge });
    const url = new URL((await provider.metadata()).authorizationEndpoint);
    const params: Record<string, string> = {
      response_type: 'code',
      client_id: provider.clientId,
      redirect_uri: redirectUri,
      scope: provider.scope,
      state: p.state,
      nonce: p.nonce,
      code_challenge: p.codeChallenge,
      code_challenge_method: 'S256',
    };
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
    return url.toString();
  }

  /** The code from the callback, traded for who signed in (ID token, or GitHub's API). */
  async function identify(
    provider: ExternalProvider,
    query: { code?: string | undefined; iss?: string | undefined },
    entry: Pending,
  ): Promise<ExternalProfile> {
    if (!query.code) throw badRequest('The provider sent no authorization code');
    const redirectUri = callbackUrl(provider.id);
    if (provider.kind === 'github') return provider.identify(query.code, entry.codeVerifier, redirectUri);
    // RFC 9207: when the provider names itself, it must be the one we sent the user to.
    if (query.iss !== undefined && query.iss !== (await provider.metadata()).issuer)
      throw badRequest('The answer came from an unexpected issuer');
    const input = { code: query.code, codeVerifier: entry.codeVerifier, redirectUri };
    const idToken = await redeemOidcCode(provider, input, logger);
    return profileFromClaims(await verifyIdToken(provider, idToken, { nonce: entry.nonce, now: clock.now() }));
  }

  return {
    /** Returns the provider URL to send the browser to, and the browser-binding cookie value. */
    async start(providerId: string, input: OidcStartInput): Promise<{ location: string; binding: string }> {
      const provider = registry.external(providerId);
      let desktop: Pending['desktop'];
      if (input.client === 'desktop') {
        const redirect = parseLoopbackRedirect(input.redirect ?? '');
        if (!redirect || !input.codeChallenge)
          throw badRequest(
            'The desktop app must pass a loopback redirect (http://127.0.0.1:<port>/…) and a code_challenge',
            {
              redirect: ['Must be http://127.0.0.1:<port>/…, http://[::1]:<port>/… or http://localhost:<port>/…'],
            },
          );
        desktop = { redirect: redirect.toString(), challenge: input.codeChallenge, state: input.state };
      }
      const state = random();
      const nonce = random();
      const codeVerifier = random(48);
      const binding = random();
      await pending.put(state, {
        providerId: provider.id,
        nonce,
        codeVerifier,
        bindingHash: sha256(binding),
        client: input.client,
        desktop,
        linkUserId: input.linkUserId,
      });
      const location = await authorizationUrl(provider, { state, nonce, codeChallenge: sha256(codeVerifier) });
      return { location, binding };
    },

    async callback(
      providerId: string,
      query: {
        code?: string | undefined;
        state?: string | undefined;
        error?: string | undefined;
        iss?: string | undefined;
      },
      binding: string | undefined,
    ): Promise<CallbackOutcome> {
      const provider = registry.external(providerId);
      const entry = query.state ? await pending.take(query.state) : undefined;
      if (!entry || entry.providerId !== provider.id)
        throw badRequest('This sign-in attempt is unknown or has expired; start again');
      // The browser finishing the sign-in must be the one that started it.
      if (!binding || !safeEqual(sha256(binding), entry.bindingHash))
        throw badRequest('This sign-in was started in another browser; start again');
      try {
        if (query.error) throw unauthenticated(`${provider.name} did not sign you in (${query.error.slice(0, 60)})`);
        const profile = await identify(provider, query, entry);
        if (entry.linkUserId) {
          await accounts.linkTo(provider, profile, entry.linkUserId);
          return { kind: 'link-done', redirect: settingsUrl({ linked: provider.id }) };
        }
        const user = await accounts.resolve(provider, profile);
        if (user.suspendedAt) throw new AppError(403, 'account_suspended', 'This account is suspended');
        if (!entry.desktop) return { kind: 'web', user };
        const code = random();
        await exchangeCodes.put(code, { userId: user.id, challenge: entry.desktop.challenge });
        return { kind: 'desktop', redirect: withParams(entry.desktop.redirect, { code, state: entry.desktop.state }) };
      } catch (err) {
        // Linking happens in the signed-in web client: it explains the code (e.g. linked elsewhere).
        if (entry.linkUserId && err instanceof AppError)
          return { kind: 'link-done', redirect: settingsUrl({ linkError: err.code }) };
        if (!entry.desktop || !(err instanceof AppError)) throw err;
        return {
          kind: 'desktop-error',
          redirect: withParams(entry.desktop.redirect, {
            error: err.code,
            error_description: err.message,
            state: entry.desktop.state,
          }),
        };
      }
    },

    /** Desktop: one-time loopback code + the PKCE verifier whose challenge it sent to /start. */
    async exchange(code: string, codeVerifier: string): Promise<UserRecord> {
      // Taken before checking the verifier: a wrong guess burns the code.
      const grant = await exchangeCodes.take(code);
      if (!grant) throw unauthenticated('This sign-in code is unknown, expired or already used');
      if (!safeEqual(sha256(codeVerifier), grant.challenge))
        throw unauthenticated('The code verifier does not match this sign-in');
      const user = await storage.users.findById(grant.userId);
      if (!user || user.deletedAt) throw unauthenticated('This account has been deleted');
      return user;
    },

    /** A single-use nonce for a client that will obtain an ID token itself. */
    async issueNonce(providerId: string): Promise<{ nonce: string; expiresAt: string }> {
      const provider = registry.get(providerId);
      const nonce = random();
      await nonces.put(nonce, provider.id);
      return { nonce, expiresAt: new Date(clock.now().getTime() + ID_TOKEN_NONCE_TTL_MS).toISOString() };
    },

    async signInWithIdToken(providerId: string, idToken: string, nonce: string): Promise<UserRecord> {
      const provider = registry.get(providerId);
      const issuedFor = await nonces.take(nonce);
      if (issuedFor !== provider.id) throw unauthenticated('Unknown, expired or already used nonce');
      const claims = await verifyIdToken(provider, idToken, { nonce, now: clock.now() });
      return accounts.resolve(provider, profileFromClaims(claims));
    },
  };
}

function withParams(base: string, params: Record<string, string | undefined>): string {
  const url = new URL(base);
  for (const [key, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(key, value);
  return url.toString();
}

export type OidcService = ReturnType<typeof createOidcService>;
