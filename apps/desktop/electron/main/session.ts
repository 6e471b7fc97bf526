/**
 * The desktop session: main holds the refresh token (in the SecretStore), calls the server's auth
 * endpoints itself with fetch, rotates and stores the new refresh token, and gives the renderer
 * only short-lived access tokens. Concurrent refreshes share one request (single flight), because
 * the server rotates refresh tokens and a second use of the old one would revoke the session.
 */
import { API_PREFIX, type AuthResult, authResultSchema, errorEnvelopeSchema, paths } from '@charla/shared-types';
import type { z } from 'zod';
import { createTokenCache } from '../../src/platform/token-cache.ts';
import type {
  completeRegistrationArgsSchema,
  IpcErrorCode,
  loginArgsSchema,
  PublicAuthResult,
} from '../shared/ipc-contract.ts';
import { type SecretStore, secretAccount } from './secrets.ts';

/** Refresh answers that mean the refresh token is dead. */
const SESSION_OVER = new Set([400, 401, 403]);

export class DesktopError extends Error {
  readonly code: IpcErrorCode;
  readonly status: number | undefined;
  readonly details: Record<string, string[]> | undefined;
  constructor(
    code: IpcErrorCode,
    message: string,
    extra: { status?: number; details?: Record<string, string[]> } = {},
  ) {
    super(message);
    this.name = 'DesktopError';
    this.code = code;
    this.status = extra.status;
    this.details = extra.details;
  }
}

/** Which account's refresh token is in the keychain (not secret; kept in settings). */
export type StoredAccount = { serverOrigin: string; userId: string };

export type SessionDeps = {
  fetch: typeof fetch;
  secrets: SecretStore;
  serverOrigin: () => string;
  device: { name: string; platform: 'windows' | 'macos' | 'linux' | 'other' | 'web' };
  loadAccount: () => StoredAccount | null;
  saveAccount: (account: StoredAccount | null) => void;
  now?: () => number;
  /** Refresh this long before the access token expires. */
  refreshMarginMs?: number;
};

export type SessionManager = {
  login(args: z.infer<typeof loginArgsSchema>): Promise<PublicAuthResult>;
  /** Finishes a sign-up with the emailed code (or link) and signs in, like a login. */
  completeRegistration(args: z.infer<typeof completeRegistrationArgsSchema>): Promise<PublicAuthResult>;
  restore(): Promise<PublicAuthResult | null>;
  /** "Sign in with Google/OIDC": trades the loopback's one-time code and the PKCE verifier. */
  exchangeOidc(code: string, codeVerifier: string): Promise<PublicAuthResult>;
  getAccessToken(options?: { forceRefresh?: boolean }): Promise<string | null>;
  logout(): Promise<void>;
  /**
   * The app was pointed at another server: sign the old server's session out there (best effort)
   * and delete its refresh token from the keychain. The new server never sees it.
   */
  leaveServer(account: StoredAccount): Promise<void>;
};

/**
 * The server's known-device tokens for this origin (one per account signed in here), kept with the
 * secrets: with one, the right password still gets through a lock that strangers' guesses caused.
 */
const knownDevicesAccount = (origin: string) => secretAccount(origin, 'known-devices');
const MAX_KNOWN_DEVICES = 5;
const tokenUser = (token: string) => token.split('.')[1];

function toPublic(result: AuthResult): PublicAuthResult {
  const { refreshToken: _omit, deviceToken: _device, ...rest } = result;
  return rest;
}

export function createSessionManager(deps: SessionDeps): SessionManager {
  // Shared with the web session: single-flight refresh, margin, and tokens bound to their server.
  const tokens = createTokenCache<AuthResult>({
    refresh: () => doRefresh(),
    ...(deps.now ? { now: deps.now } : {}),
    marginMs: deps.refreshMarginMs ?? 30_000,
    scope: deps.serverOrigin,
  });

  async function call(path: string, body: unknown, bearer?: string, origin = deps.serverOrigin()): Promise<unknown> {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (bearer) headers.authorization = `Bearer ${bearer}`;
    let response: Response;
    try {
      response = await deps.fetch(`${origin}${API_PREFIX}${path}`, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
        redirect: 'error',
      });
    } catch (error) {
      throw new DesktopError('network', `Cannot reach the server (${(error as Error).message})`);
    }
    const json: unknown = await response.json().catch(() => null);
    if (!response.ok) {
      const parsed = errorEnvelopeSchema.safeParse(json);
      if (parsed.success)
        throw new DesktopError(parsed.data.code, parsed.data.message, {
          status: parsed.data.status,
          ...(parsed.data.details ? { details: parsed.data.details } : {}),
        });
      throw new DesktopError(response.status >= 500 ? 'internal' : 'bad_response', `HTTP ${response.status}`, {
        status: response.status,
      });
    }
    return json;
  }

  function parseAuth(json: unknown): AuthResult {
    const data = (json as { data?: unknown } | null)?.data;
    const parsed = authResultSchema.safeParse(data);
    if (!parsed.success) throw new DesktopError('bad_response', 'The server sent an invalid auth response');
    return parsed.data;
  }

  async function knownDevices(origin: string): Promise<string[]> {
    const raw = await deps.secrets.get(knownDevicesAccount(origin)).catch(() => null);
    try {
      const list: unknown = JSON.parse(raw ?? '[]');
      return Array.isArray(list)
        ? list.filter((t): t is string => typeof t === 'string').slice(0, MAX_KNOWN_DEVICES)
        : [];
    } catch {
      return [];
    }
  }

  async function rememberDevice(origin: string, token: string): Promise<void> {
    const others = (await knownDevices(origin)).filter((t) => tokenUser(t) !== tokenUser(token));
    const list = [token, ...others].slice(0, MAX_KNOWN_DEVICES);
    await deps.secrets.set(knownDevicesAccount(origin), JSON.stringify(list)).catch(() => undefined);
  }

  /** Stores the (rotated) refresh token and caches the access token. */
  async function adopt(result: AuthResult): Promise<PublicAuthResult> {
    if (!result.refreshToken) throw new DesktopError('bad_response', 'The server sent no refresh token');
    const account = { serverOrigin: deps.serverOrigin(), userId: result.user.id };
    await deps.secrets.set(secretAccount(account.serverOrigin, account.userId), result.refreshToken);
    if (result.deviceToken && tokenUser(result.deviceToken) === result.user.id)
      await rememberDevice(account.serverOrigin, result.deviceToken);
    deps.saveAccount(account);
    tokens.adopt(result);
    return toPublic(result);
  }

  async function forget(account: StoredAccount | null): Promise<void> {
    tokens.clear();
    deps.saveAccount(null);
    if (account) await deps.secrets.delete(secretAccount(account.serverOrigin, account.userId));
  }

  async function doRefresh(): Promise<AuthResult | null> {
    const account = deps.loadAccount();
    // A token for another server must never be sent to the configured one.
    if (!account || account.serverOrigin !== deps.serverOrigin()) return null;
    const refreshToken = await deps.secrets.get(secretAccount(account.serverOrigin, account.userId));
    if (!refreshToken) {
      await forget(account);
      return null;
    }
    let json: unknown;
    try {
      json = await call(paths.auth.refresh, { refreshToken, client: 'desktop' });
    } catch (error) {
      // The server says the session is over: drop the secret. Network trouble, rate limits and
      // server errors keep it for a later try.
      if (error instanceof DesktopError && SESSION_OVER.has(error.status ?? 0)) {
        await forget(account);
        return null;
      }
      throw error;
    }
    const result = parseAuth(json);
    if (result.user.id !== account.userId) {
      await forget(account);
      throw new DesktopError('bad_response', 'The server returned a different user');
    }
    await adopt(result);
    return result;
  }

  /** Adopts a new sign-in and drops the previous account's secret when it was someone else's. */
  async function switchTo(json: unknown): Promise<PublicAuthResult> {
    const previous = deps.loadAccount();
    const result = await adopt(parseAuth(json));
    if (previous && (previous.userId !== result.user.id || previous.serverOrigin !== deps.serverOrigin()))
      await deps.secrets.delete(secretAccount(previous.serverOrigin, previous.userId)).catch(() => undefined);
    return result;
  }

  return {
    async login(args) {
      const deviceTokens = await knownDevices(deps.serverOrigin());
      return switchTo(
        await call(paths.auth.login, {
          ...args,
          client: 'desktop',
          device: deps.device,
          ...(deviceTokens.length ? { deviceTokens } : {}),
        }),
      );
    },
    async exchangeOidc(code, codeVerifier) {
      return switchTo(await call(paths.auth.oidcExchange, { code, codeVerifier, device: deps.device }));
    },
    async completeRegistration(args) {
      return switchTo(await call(paths.auth.registerVerify, { ...args, client: 'desktop', device: deps.device }));
    },
    async restore() {
      const result = await tokens.refresh();
      return result ? toPublic(result) : null;
    },
    getAccessToken: (options = {}) => tokens.get(options),
    async leaveServer(previous) {
      const key = secretAccount(previous.serverOrigin, previous.userId);
      const refreshToken = await deps.secrets.get(key).catch(() => null);
      try {
        // Addressed to the old origin explicitly: the configured one is already the new server.
        if (refreshToken)
          await call(paths.auth.logout, { refreshToken, client: 'desktop' }, undefined, previous.serverOrigin);
      } catch {
        // Unreachable or already signed out: the local copy goes anyway.
      } finally {
        await deps.secrets.delete(key);
      }
    },
    async logout() {
      const account = deps.loadAccount();
      const refreshToken = account
        ? await deps.secrets.get(secretAccount(account.serverOrigin, account.userId)).catch(() => null)
        : null;
      const bearer = tokens.peek() ?? undefined;
      try {
        if (refreshToken && account?.serverOrigin === deps.serverOrigin())
          await call(paths.auth.logout, { refreshToken, client: 'desktop' }, bearer);
      } catch {
        // Logging out locally must succeed even when the server is unreachable.
      } finally {
        await forget(account);
      }
    },
  };
}
