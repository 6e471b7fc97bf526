import { type AuthProviders, trimWhere } from '@charla/shared-types';
import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import type { Clock } from '../../app-context.ts';
import type { Config } from '../../config.ts';
import { AppError, badRequest, notFound } from '../../http/errors.ts';
import { type GithubProvider, githubFromConfig } from './github.provider.ts';

export const GOOGLE_ISSUER = 'https://accounts.google.com';
/** Registry keys (also the `:provider` path segment) and how an unconfigured one is named. */
const PRESET_NAMES: Record<string, string> = { google: 'Google', oidc: 'OIDC', github: 'GitHub' };

export type OidcProviderSettings = {
  id: string;
  /** Shown to users ("Google", OIDC_NAME). */
  name: string;
  issuer: string;
  clientId: string;
  /** Unset: a public client that authenticates with PKCE only. */
  clientSecret: string | undefined;
  scope: string;
};

export type OidcRegistryOptions = {
  /**
   * Replaces a preset issuer, e.g. `{ google: 'http://127.0.0.1:5555' }` so a test can point the
   * Google preset at an in-process provider. Never set from the environment.
   */
  issuerOverrides?: Partial<Record<string, string>>;
  /** Test hook: entries per in-memory pending store (default 10,000), to show floods cheaply. */
  storeMax?: number;
};

/** The configured providers: Google is a preset issuer, `oidc` is whatever OIDC_ISSUER names. */
export function providerSettingsFromConfig(config: Config, options: OidcRegistryOptions = {}): OidcProviderSettings[] {
  const out: OidcProviderSettings[] = [];
  const override = options.issuerOverrides ?? {};
  if (config.GOOGLE_CLIENT_ID) {
    out.push({
      id: 'google',
      name: 'Google',
      issuer: override.google ?? GOOGLE_ISSUER,
      clientId: config.GOOGLE_CLIENT_ID,
      clientSecret: config.GOOGLE_CLIENT_SECRET,
      scope: 'openid email profile',
    });
  }
  if (config.OIDC_ISSUER && config.OIDC_CLIENT_ID) {
    out.push({
      id: 'oidc',
      name: config.OIDC_NAME,
      issuer: override.oidc ?? config.OIDC_ISSUER,
      clientId: config.OIDC_CLIENT_ID,
      clientSecret: config.OIDC_CLIENT_SECRET,
      scope: 'openid email profile',
    });
  }
  return out;
}

/** What GET /auth/providers reports. */
export function authProvidersFromConfig(config: Config): AuthProviders {
  const configured = new Map(providerSettingsFromConfig(config).map((p) => [p.id, p]));
  const oidc = configured.get('oidc');
  return {
    password: true,
    google: configured.has('google'),
    github: Boolean(config.GITHUB_CLIENT_ID && config.GITHUB_CLIENT_SECRET),
    oidc: oidc ? { name: oidc.name } : null,
  };
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** https everywhere; plain http only towards this machine (tests, a provider on a dev box). */
export function isAcceptableProviderUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);
}

const discoverySchema = z.object({
  issuer: z.string().min(1),
  authorization_endpoint: z.string().min(1),
  token_endpoint: z.string().min(1),
  jwks_uri: z.string().min(1),
  token_endpoint_auth_methods_supported: z.array(z.string()).optional(),
  code_challenge_methods_supported: z.array(z.string()).optional(),
});

export type OidcMetadata = {
  /** Exactly as the provider spells it: what the ID token's `iss` must equal. */
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  jwksUri: string;
  tokenAuthMethods: string[];
};

export type OidcProvider = OidcProviderSettings & {
  kind: 'oidc';
  /** Discovery document, fetched once and cached (failures are not cached). */
  metadata(): Promise<OidcMetadata>;
  /** Key lookup for jose's jwtVerify (cached and refreshed on unknown `kid` by jose). */
  keys(): Promise<JWTVerifyGetKey>;
  /** Accepted `iss` values (Google also signs tokens with the scheme-less form). */
  acceptedIssuers(): Promise<string[]>;
};

/** Any provider one can sign in with or link: OpenID Connect ones and GitHub (plain OAuth 2.0). */
export type ExternalProvider = OidcProvider | GithubProvider;

export type OidcRegistry = {
  /** Any provider (redirect sign-in, linking). Throws 404 for unknown and for unconfigured ones. */
  external(id: string): ExternalProvider;
  /** As `external`, for what only OpenID Connect has (discovery, ID tokens): 400 for GitHub. */
  get(id: string): OidcProvider;
  list(): ExternalProvider[];
};

export const providerUnavailable = (name: string) =>
  new AppError(502, 'provider_unavailable', `Could not reach ${name}; try again in a moment`);

const DISCOVERY_TTL_MS = 60 * 60 * 1000;
/** Linear, unlike `/\/+$/` (retried from every slash of a long run). */
const withoutTrailingSlashes = (url: string) => trimWhere(url, (unit) => unit === '/', 'end');
const FETCH_TIMEOUT_MS = 5000;

function createProvider(settings: OidcProviderSettings, clock: Clock): OidcProvider {
  let cached: { at: number; promise: Promise<OidcMetadata> } | undefined;
  let jwks: { uri: string; getKey: JWTVerifyGetKey } | undefined;
  const base = withoutTrailingSlashes(settings.issuer);

  async function discover(): Promise<OidcMetadata> {
    if (!isAcceptableProviderUrl(settings.issuer)) throw providerUnavailable(settings.name);
    let body: unknown;
    try {
      const res = await fetch(`${base}/.well-known/openid-configuration`, {
        headers: { accept: 'application/json' },
        redirect: 'error',
        signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
      });
      if (!res.ok) throw new Error(`discovery answered ${res.status}`);
      body = await res.json();
    } catch {
      throw providerUnavailable(settings.name);
    }
    const doc = discoverySchema.safeParse(body);
    // A document naming another issuer is a misconfiguration or an impersonation: refuse either way.
    if (!doc.success || withoutTrailingSlashes(doc.data.issuer) !== base) throw providerUnavailable(settings.name);
    const d = doc.data;
    if (![d.authorization_endpoint, d.token_endpoint, d.jwks_uri].every(isAcceptableProviderUrl))
      throw providerUnavailable(settings.name);
    return {
      issuer: d.issuer,
      authorizationEndpoint: d.authorization_endpoint,
      tokenEndpoint: d.token_endpoint,
      jwksUri: d.jwks_uri,
      tokenAuthMethods: d.token_endpoint_auth_methods_supported ?? ['client_secret_basic'],
    };
  }

  const metadata = (): Promise<OidcMetadata> => {
    const now = clock.now().getTime();
    if (!cached || now - cached.at > DISCOVERY_TTL_MS) {
      const promise = discover();
      const entry = { at: now, promise };
      cached = entry;
      promise.catch(() => {
        if (cached === entry) cached = undefined;
      });
    }
    return cached.promise;
  };

  return {
    ...settings,
    kind: 'oidc',
    metadata,
    async keys() {
      const { jwksUri } = await metadata();
      if (jwks?.uri !== jwksUri) {
        jwks = { uri: jwksUri, getKey: createRemoteJWKSet(new URL(jwksUri), { timeoutDuration: FETCH_TIMEOUT_MS }) };
      }
      return jwks.getKey;
    },
    async acceptedIssuers() {
      const { issuer } = await metadata();
      return issuer === GOOGLE_ISSUER ? [GOOGLE_ISSUER, 'accounts.google.com'] : [issuer];
    },
  };
}

export function createOidcRegistry(config: Config, clock: Clock, options: OidcRegistryOptions = {}): OidcRegistry {
  const providers = new Map<string, ExternalProvider>(
    providerSettingsFromConfig(config, options).map((s) => [s.id, createProvider(s, clock)]),
  );
  const github = githubFromConfig(config);
  if (github) providers.set(github.id, github);
  const external = (id: string): ExternalProvider => {
    const provider = providers.get(id);
    if (provider) return provider;
    const preset = Object.hasOwn(PRESET_NAMES, id) ? PRESET_NAMES[id] : undefined;
    if (preset) throw new AppError(404, 'not_found', `Sign-in with ${preset} is not configured`);
    throw notFound('Sign-in provider');
  };
  return {
    external,
    get(id) {
      const provider = external(id);
      if (provider.kind !== 'oidc') throw badRequest(`${provider.name} has no ID tokens; use the sign-in redirect`);
      return provider;
    },
    list: () => [...providers.values()],
  };
}
