import { API_PREFIX, CSRF_HEADER, paths } from '@charla/shared-types';
import { describe, expect, it, vi } from 'vitest';
import { LIST_PAGE } from './api/queries.ts';
import { EARLY_CSRF_HEADER, EARLY_LIST_URL, EARLY_REFRESH_URL, startEarly } from './early-start.ts';
import { forgetEarly, takeEarly } from './platform/early.ts';

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status });
type W = Parameters<typeof startEarly>[0];

describe('early start (refresh and first list page before the app loads)', () => {
  it('asks for exactly what the app would: the refresh, then the first list page with its token', async () => {
    expect(EARLY_REFRESH_URL).toBe(`${API_PREFIX}${paths.auth.refresh}`);
    expect(EARLY_LIST_URL).toBe(`${API_PREFIX}${paths.conversations.list}?limit=${LIST_PAGE}`);
    expect(EARLY_CSRF_HEADER).toBe(CSRF_HEADER);
    const calls: [string, RequestInit][] = [];
    const fetchFn = vi.fn(async (url: string, init: RequestInit) => {
      calls.push([url, init]);
      return url === EARLY_REFRESH_URL ? json(200, { data: { accessToken: 'tok' } }) : json(200, { data: [] });
    });
    const w = {} as W;
    startEarly(w, fetchFn as unknown as typeof fetch);
    const early = w.__charlaEarly;
    expect((await early?.refresh)?.status).toBe(200);
    expect((await early?.list)?.status).toBe(200);
    expect(calls.map(([u]) => u)).toEqual([EARLY_REFRESH_URL, EARLY_LIST_URL]);
    expect(calls[0]?.[1]).toMatchObject({ method: 'POST', credentials: 'include', body: '{"client":"web"}' });
    expect(calls[0]?.[1].headers).toMatchObject({ [CSRF_HEADER]: '1' });
    expect(calls[1]?.[1].headers).toMatchObject({ authorization: 'Bearer tok' });
    // The app can still read the refresh answer's body (the token was read from a clone).
    expect(await (await early?.refresh)?.json()).toEqual({ data: { accessToken: 'tok' } });
  });

  it('fetches no list when signed out or offline, and nothing at all in the desktop app', async () => {
    const signedOut = vi.fn(async () => json(401, { error: true, code: 'unauthenticated' }));
    const w1 = {} as W;
    startEarly(w1, signedOut as unknown as typeof fetch);
    expect(await w1.__charlaEarly?.list).toBeNull();
    expect(signedOut).toHaveBeenCalledTimes(1);

    const offline = vi.fn(async () => {
      throw new TypeError('offline');
    });
    const w2 = {} as W;
    startEarly(w2, offline as unknown as typeof fetch);
    expect(await w2.__charlaEarly?.refresh).toBeNull();
    expect(await w2.__charlaEarly?.list).toBeNull();

    const never = vi.fn();
    const desktop = { desktop: {} } as W;
    startEarly(desktop, never as unknown as typeof fetch);
    expect(desktop.__charlaEarly).toBeUndefined();
    expect(never).not.toHaveBeenCalled();
  });

  it('each answer is taken once, only while fresh, and forgotten on sign-in or sign-out', async () => {
    const w = window as W;
    const answer = Promise.resolve(json(200, {}));
    w.__charlaEarly = { at: 1_000, refresh: answer, list: answer };
    expect(takeEarly('refresh', 2_000)).toBe(answer);
    expect(takeEarly('refresh', 2_000)).toBeNull();
    expect(takeEarly('list', 60_000)).toBeNull(); // stale: the app fetches it itself
    w.__charlaEarly = { at: 1_000, refresh: answer, list: answer };
    forgetEarly();
    expect(takeEarly('list', 2_000)).toBeNull();
  });
});
