import { HOME_SPACE_ID } from '@charla/shared-types';
import type { z } from 'zod';
import { spaceHeaders } from '../features/spaces/space-state.ts';
import { ApiError, isApiError } from '../platform/errors.ts';
import { type HttpRequest, httpJson } from '../platform/http.ts';
import type { Platform } from '../platform/platform.ts';

export type SessionLostReason = 'revoked' | 'expired';

export type ApiClient = {
  get<S extends z.ZodType>(path: string, schema: S, signal?: AbortSignal): Promise<z.infer<S>>;
  send<S extends z.ZodType>(
    method: 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    path: string,
    schema: S,
    body?: unknown,
  ): Promise<z.infer<S>>;
  /** Raw access for uploads (XHR progress): a current token or null when signed out. */
  token(): Promise<string | null>;
  base(): string;
  /** The headers naming the current space for a request to `path` (uploads add them themselves). */
  spaceHeaders(path: string): Record<string, string>;
};

/**
 * The authenticated REST client. An expired access token is refreshed and the call retried once,
 * transparently; a revoked session calls `onSessionLost` so the app shows the login screen.
 */
export function createApiClient(
  platform: Pick<Platform, 'session' | 'serverUrl'>,
  onSessionLost: (r: SessionLostReason) => void,
  /** The space requests act in (read per request: switching spaces does not rebuild the client). */
  currentSpace: () => string = () => HOME_SPACE_ID,
) {
  async function call<S extends z.ZodType>(path: string, schema: S, req: HttpRequest): Promise<z.infer<S>> {
    const attempt = async (forceRefresh: boolean) => {
      const token = await platform.session.getAccessToken({ forceRefresh });
      if (!token) {
        onSessionLost('expired');
        throw new ApiError('unauthenticated', 401, 'Signed out');
      }
      return httpJson(platform.serverUrl(), path, schema, {
        ...req,
        headers: { ...req.headers, ...spaceHeaders(currentSpace(), path), authorization: `Bearer ${token}` },
      });
    };
    try {
      return await attempt(false);
    } catch (e) {
      if (isApiError(e, 'token_expired')) {
        try {
          return await attempt(true);
        } catch (again) {
          if (isApiError(again, 'session_revoked') || isApiError(again, 'token_expired')) onSessionLost('revoked');
          throw again;
        }
      }
      if (isApiError(e, 'session_revoked')) onSessionLost('revoked');
      throw e;
    }
  }
  const client: ApiClient = {
    get: (path, schema, signal) => call(path, schema, { signal }),
    send: (method, path, schema, body) => call(path, schema, { method, body }),
    token: () => platform.session.getAccessToken(),
    base: () => platform.serverUrl(),
    spaceHeaders: (path) => spaceHeaders(currentSpace(), path),
  };
  return client;
}
