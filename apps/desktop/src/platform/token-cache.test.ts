import { describe, expect, it, vi } from 'vitest';
import { createTokenCache } from './token-cache.ts';

const issued = (token: string, expiresAt: number) => ({
  accessToken: token,
  accessTokenExpiresAt: new Date(expiresAt).toISOString(),
});

describe('token cache (web and desktop sessions)', () => {
  it('hands out the cached token until the margin, then refreshes once for concurrent callers', async () => {
    let t = 0;
    let n = 0;
    const refresh = vi.fn(async () => issued(`t${++n}`, t + 120_000));
    const cache = createTokenCache({ refresh, now: () => t, marginMs: 30_000 });
    cache.adopt(issued('login', 100_000));
    expect(await cache.get()).toBe('login');
    t = 71_000; // 29 s left: inside the margin
    const [a, b] = await Promise.all([cache.get(), cache.get()]);
    expect([a, b]).toEqual(['t1', 't1']);
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(await cache.get({ forceRefresh: true })).toBe('t2');
  });

  it('drops the token when the refresh says signed out, and never crosses scopes', async () => {
    let origin = 'https://a.example';
    const refresh = vi.fn(async () => null);
    const cache = createTokenCache({ refresh, now: () => 0, scope: () => origin });
    cache.adopt(issued('for-a', 600_000));
    expect(cache.peek()).toBe('for-a');
    origin = 'https://b.example';
    expect(cache.peek()).toBeNull();
    expect(await cache.get()).toBeNull();
    expect(refresh).toHaveBeenCalledTimes(1);
  });

  it('trusts an unreadable expiry only briefly', async () => {
    let t = 0;
    const cache = createTokenCache({ refresh: async () => null, now: () => t, marginMs: 0 });
    cache.adopt({ accessToken: 'x', accessTokenExpiresAt: 'soon' });
    expect(await cache.get()).toBe('x');
    t = 61_000;
    expect(await cache.get()).toBeNull();
  });

  it('a failed refresh rejects every waiting caller and the next call tries again', async () => {
    const refresh = vi.fn().mockRejectedValueOnce(new Error('offline')).mockResolvedValueOnce(issued('ok', 1e12));
    const cache = createTokenCache({ refresh, now: () => 0 });
    await expect(Promise.all([cache.get(), cache.get()])).rejects.toThrow('offline');
    expect(await cache.get()).toBe('ok');
    expect(refresh).toHaveBeenCalledTimes(2);
  });
});
