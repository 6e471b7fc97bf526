import { HOME_SPACE_ID, SPACE_HEADER } from '@charla/shared-types';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { ApiError } from '../platform/errors.ts';
import { createApiClient } from './client.ts';

const ok = (data: unknown) =>
  new Response(JSON.stringify({ error: false, status: 200, message: 'OK', data }), { status: 200 });
const fail = (status: number, code: string) =>
  new Response(JSON.stringify({ error: true, status, message: code, code }), { status });

function session(tokens: string[]) {
  const getAccessToken = vi.fn(async (o?: { forceRefresh?: boolean }) =>
    o?.forceRefresh ? (tokens.shift() ?? null) : 'old',
  );
  return { getAccessToken, login: vi.fn(), completeRegistration: vi.fn(), restore: vi.fn(), logout: vi.fn() };
}

afterEach(() => vi.unstubAllGlobals());

describe('api client', () => {
  it('refreshes once on token_expired and retries with the new token', async () => {
    const seen: string[] = [];
    vi.stubGlobal('fetch', async (_url: string, init: RequestInit) => {
      const auth = (init.headers as Record<string, string>).authorization ?? '';
      seen.push(auth);
      return auth === 'Bearer new' ? ok({ n: 1 }) : fail(401, 'token_expired');
    });
    const s = session(['new']);
    const lost = vi.fn();
    const api = createApiClient({ session: s, serverUrl: () => '' }, lost);
    await expect(api.get('/x', z.object({ n: z.number() }))).resolves.toEqual({ n: 1 });
    expect(seen).toEqual(['Bearer old', 'Bearer new']);
    expect(lost).not.toHaveBeenCalled();
  });

  it('reports a revoked session and rejects with its code', async () => {
    vi.stubGlobal('fetch', async () => fail(401, 'session_revoked'));
    const lost = vi.fn();
    const api = createApiClient({ session: session([]), serverUrl: () => '' }, lost);
    await expect(api.get('/x', z.unknown())).rejects.toMatchObject({ code: 'session_revoked' });
    expect(lost).toHaveBeenCalledWith('revoked');
  });

  it('treats a failed refresh as a lost session', async () => {
    vi.stubGlobal('fetch', async () => fail(401, 'token_expired'));
    const lost = vi.fn();
    const api = createApiClient({ session: session([]), serverUrl: () => '' }, lost);
    await expect(api.get('/x', z.unknown())).rejects.toBeInstanceOf(ApiError);
    expect(lost).toHaveBeenCalledWith('expired');
  });

  it('rejects a success body that does not match the schema', async () => {
    vi.stubGlobal('fetch', async () => ok({ n: 'one' }));
    const api = createApiClient({ session: session([]), serverUrl: () => '' }, vi.fn());
    await expect(api.get('/x', z.object({ n: z.number() }))).rejects.toMatchObject({ code: 'bad_response' });
  });

  it('maps an unreachable server to code network and a non-envelope 404 to not_found', async () => {
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch');
    });
    const api = createApiClient({ session: session([]), serverUrl: () => '' }, vi.fn());
    await expect(api.get('/x', z.unknown())).rejects.toMatchObject({ code: 'network', status: 0 });
    vi.stubGlobal('fetch', async () => new Response('<html>nope</html>', { status: 404 }));
    await expect(api.send('POST', '/x', z.unknown(), {})).rejects.toMatchObject({ code: 'not_found' });
  });

  it('keeps field details from validation errors', async () => {
    vi.stubGlobal(
      'fetch',
      async () =>
        new Response(
          JSON.stringify({
            error: true,
            status: 400,
            message: 'bad',
            code: 'validation_failed',
            details: { email: ['Enter a valid email address'] },
          }),
          { status: 400 },
        ),
    );
    const api = createApiClient({ session: session([]), serverUrl: () => '' }, vi.fn());
    await expect(api.send('POST', '/x', z.unknown(), {})).rejects.toMatchObject({
      code: 'validation_failed',
      details: { email: ['Enter a valid email address'] },
    });
  });

  it('names the current space in a header, read per request, except on home and the /spaces routes', async () => {
    const seen: (string | undefined)[] = [];
    vi.stubGlobal('fetch', async (_url: string, init: RequestInit) => {
      seen.push((init.headers as Record<string, string>)[SPACE_HEADER]);
      return ok(null);
    });
    let space = HOME_SPACE_ID;
    const api = createApiClient({ session: session([]), serverUrl: () => '' }, vi.fn(), () => space);
    await api.get('/conversations', z.unknown());
    space = 'sp-1';
    await api.get('/conversations', z.unknown());
    await api.send('POST', '/spaces', z.unknown(), {});
    expect(seen).toEqual([undefined, 'sp-1', undefined]);
    expect(api.spaceHeaders('/media')).toEqual({ [SPACE_HEADER]: 'sp-1' });
  });
});
