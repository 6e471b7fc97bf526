import { trimWhere } from '@charla/shared-types';
import { z } from 'zod';
import type { Config } from '../../config.ts';
import { AppError, badRequest } from '../../http/errors.ts';
import type { ExternalProfile } from './oidc.verify.ts';

/**
 * "Sign in with GitHub": OAuth 2.0 authorization code (GitHub is not an OpenID provider, so there
 * is no ID token). The code is traded for an access token, then the account is read from the REST
 * API: GET /user for the stable numeric id and login, GET /user/emails for the addresses, of which
 * only verified ones count.
 */
export type GithubProvider = {
  kind: 'github';
  id: 'github';
  name: 'GitHub';
  clientId: string;
  clientSecret: string;
  /** read:user for the profile, user:email for private and unverified-flagged addresses. */
  scope: string;
  authorizationUrl(params: { state: string; redirectUri: string; codeChallenge: string }): string;
  /** Trades the code and reads the account; AppErrors only (400 bad code, 502 GitHub unusable). */
  identify(code: string, codeVerifier: string, redirectUri: string): Promise<ExternalProfile>;
};

const FETCH_TIMEOUT_MS = 5000;
/** GitHub refuses API requests without a User-Agent. */
const USER_AGENT = 'Charla';
const API_VERSION = '2022-11-28';

/** A 200 with `error` is how GitHub reports a refused code (docs: "Troubleshooting OAuth app access token request errors"). */
const tokenSchema = z.union([
  z.object({ access_token: z.string().min(1).max(1024), token_type: z.string().optional() }),
  z.object({ error: z.string().max(200), error_description: z.string().max(1000).optional() }),
]);
const userSchema = z.object({
  id: z.number().int().positive(),
  login: z.string().min(1).max(100),
  name: z.string().max(255).nullable().optional(),
  html_url: z.string().max(2048).optional(),
});
const emailsSchema = z
  .array(
    z.object({
      email: z.string().max(320),
      verified: z.boolean(),
      primary: z.boolean(),
    }),
  )
  .max(500);

export const githubUnavailable = () =>
  new AppError(502, 'provider_unavailable', 'Could not reach GitHub; try again in a moment');

/** Configured when GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET are set. */
export function githubFromConfig(config: Config): GithubProvider | undefined {
  if (!config.GITHUB_CLIENT_ID || !config.GITHUB_CLIENT_SECRET) return undefined;
  return createGithubProvider({
    clientId: config.GITHUB_CLIENT_ID,
    clientSecret: config.GITHUB_CLIENT_SECRET,
    oauthUrl: config.GITHUB_OAUTH_URL,
    apiUrl: config.GITHUB_API_URL,
  });
}

/** Linear, unlike `/\/+$/` (retried from every slash of a long run). */
const base = (url: string) => trimWhere(url, (unit) => unit === '/', 'end');

export function createGithubProvider(settings: {
  clientId: string;
  clientSecret: string;
  oauthUrl: string;
  apiUrl: string;
}): GithubProvider {
  const oauth = base(settings.oauthUrl);
  const api = base(settings.apiUrl);

  async function getJson(url: string, init: RequestInit): Promise<{ status: number; body: unknown }> {
    try {
      const res = await fetch(url, { ...init, redirect: 'error', signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
      return { status: res.status, body: await res.json().catch(() => undefined) };
    } catch {
      throw githubUnavailable();
    }
  }

  async function accessToken(code: string, codeVerifier: string, redirectUri: string): Promise<string> {
    const { status, body } = await getJson(`${oauth}/login/oauth/access_token`, {
      method: 'POST',
      headers: {
        accept: 'application/json',
        'content-type': 'application/x-www-form-urlencoded',
        'user-agent': USER_AGENT,
      },
      body: new URLSearchParams({
        client_id: settings.clientId,
        client_secret: settings.clientSecret,
        code,
        redirect_uri: redirectUri,
        code_verifier: codeVerifier,
      }),
    });
    const parsed = tokenSchema.safeParse(body);
    if (status !== 200 || !parsed.success) throw githubUnavailable();
    if ('error' in parsed.data) {
      if (parsed.data.error === 'bad_verification_code')
        throw badRequest('This sign-in link was already used or has expired; start again');
      throw githubUnavailable();
    }
    return parsed.data.access_token;
  }

  async function read<T>(path: string, token: string, schema: z.ZodType<T>): Promise<T> {
    const { status, body } = await getJson(`${api}${path}`, {
      headers: {
        accept: 'application/vnd.github+json',
        authorization: `Bearer ${token}`,
        'user-agent': USER_AGENT,
        'x-github-api-version': API_VERSION,
      },
    });
    const parsed = schema.safeParse(body);
    if (status !== 200 || !parsed.success) throw githubUnavailable();
    return parsed.data;
  }

  return {
    kind: 'github',
    id: 'github',
    name: 'GitHub',
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
    scope: 'read:user user:email',
    authorizationUrl({ state, redirectUri, codeChallenge }) {
      const url = new URL(`${oauth}/login/oauth/authorize`);
      const params = {
        client_id: settings.clientId,
        redirect_uri: redirectUri,
        scope: this.scope,
        state,
        code_challenge: codeChallenge,
        code_challenge_method: 'S256',
        allow_signup: 'true',
      };
      for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
      return url.toString();
    },
    async identify(code, codeVerifier, redirectUri) {
      const token = await accessToken(code, codeVerifier, redirectUri);
      const [user, emails] = await Promise.all([
        read('/user', token, userSchema),
        read('/user/emails', token, emailsSchema),
      ]);
      // Only an address GitHub verified may create or join an account; the primary one first.
      const verified = emails.filter((e) => e.verified).sort((a, b) => Number(b.primary) - Number(a.primary));
      const email = verified[0]?.email ?? null;
      return {
        sub: String(user.id),
        email,
        emailVerified: email !== null,
        name: user.name?.trim() || null,
        preferredUsername: user.login,
        accountName: user.login,
      };
    },
  };
}
