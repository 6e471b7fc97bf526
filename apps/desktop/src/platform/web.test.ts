import { afterEach, describe, expect, it, vi } from 'vitest';
import { createWebPlatform, createWebSession } from './web.ts';

const grant = (token: string, expiresInMs: number) =>
  new Response(
    JSON.stringify({
      error: false,
      status: 200,
      message: 'OK',
      data: {
        user: {
          id: 'u1',
          email: 'a@b.c',
          emailVerified: true,
          username: 'ana',
          displayName: 'Ana',
          about: '',
          avatarUrl: null,
          role: 'user',
          lastSeenVisibility: 'everyone',
          readingLanguage: null,
          hasPassword: true,
          createdAt: '2026-01-01T00:00:00.000Z',
        },
        accessToken: token,
        accessTokenExpiresAt: new Date(Date.now() + expiresInMs).toISOString(),
        sessionId: 's1',
      },
    }),
    { status: 200 },
  );
const fail = (status: number, code: string) =>
  new Response(JSON.stringify({ error: true, status, message: code, code }), { status });

afterEach(() => {
  vi.unstubAllGlobals();
  localStorage.clear();
});

describe('web session', () => {
  it('refreshes through the cookie with the CSRF header, once for concurrent callers', async () => {
    const calls: RequestInit[] = [];
    vi.stubGlobal('fetch', async (_url: string, init: RequestInit) => {
      calls.push(init);
      return grant(`t${calls.length}`, 15 * 60_000);
    });
    const s = createWebSession(() => '');
    const [a, b] = await Promise.all([s.getAccessToken(), s.getAccessToken()]);
    expect([a, b]).toEqual(['t1', 't1']);
    expect(calls).toHaveLength(1);
    expect((calls[0]?.headers ?? {}) as Record<string, string>).toHaveProperty('x-charla-csrf');
    expect(calls[0]?.credentials).toBe('include');
    // Cached while fresh; forced refresh rotates.
    expect(await s.getAccessToken()).toBe('t1');
    expect(await s.getAccessToken({ forceRefresh: true })).toBe('t2');
  });

  it('refreshes shortly before expiry instead of racing it', async () => {
    let n = 0;
    vi.stubGlobal('fetch', async () => grant(`t${++n}`, 10_000));
    const s = createWebSession(() => '');
    expect(await s.getAccessToken()).toBe('t1');
    expect(await s.getAccessToken()).toBe('t2'); // 10 s left < 30 s margin
  });

  it('treats a refused refresh as signed out, but a network failure as an error', async () => {
    vi.stubGlobal('fetch', async () => fail(401, 'session_revoked'));
    const s = createWebSession(() => '');
    expect(await s.restore()).toBeNull();
    expect(await s.getAccessToken()).toBeNull();
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('offline');
    });
    await expect(s.restore()).rejects.toMatchObject({ code: 'network' });
  });

  it('retries once when another tab just rotated the cookie (409)', async () => {
    let n = 0;
    vi.stubGlobal('fetch', async () => (++n === 1 ? fail(409, 'conflict') : grant('t', 60_000)));
    const s = createWebSession(() => '');
    expect((await s.restore())?.accessToken).toBe('t');
  });

  it('takes the refresh answer fetched before the app loaded instead of refreshing again', async () => {
    const fetchFn = vi.fn(async () => grant('late', 60_000));
    vi.stubGlobal('fetch', fetchFn);
    (window as Window & { __charlaEarly?: unknown }).__charlaEarly = {
      at: Date.now(),
      refresh: Promise.resolve(grant('early', 15 * 60_000)),
    };
    const s = createWebSession(() => '');
    expect((await s.restore())?.accessToken).toBe('early');
    expect(await s.getAccessToken()).toBe('early');
    expect(fetchFn).not.toHaveBeenCalled();
    // A failed early refresh falls back to the app's own (here: another tab rotated the cookie).
    (window as Window & { __charlaEarly?: unknown }).__charlaEarly = {
      at: Date.now(),
      refresh: Promise.resolve(fail(409, 'conflict')),
    };
    expect((await createWebSession(() => '').restore())?.accessToken).toBe('late');
  });

  it('logs in as a web client with a device name', async () => {
    let body: Record<string, unknown> = {};
    vi.stubGlobal('fetch', async (_u: string, init: RequestInit) => {
      body = JSON.parse(String(init.body));
      return grant('t', 60_000);
    });
    await createWebSession(() => '').login({ login: 'ana', password: 'pw' });
    expect(body).toMatchObject({ login: 'ana', client: 'web', device: { platform: 'web' } });
  });
});

describe('web platform', () => {
  it('shows the unread count in the title at once and in the favicon once a burst settles', async () => {
    vi.useFakeTimers();
    try {
      const drawn: string[] = [];
      const real = HTMLCanvasElement.prototype.getContext;
      const fake = () => ({ beginPath() {}, arc() {}, fill() {}, fillText: (text: string) => drawn.push(text) });
      HTMLCanvasElement.prototype.getContext = fake as unknown as typeof real;
      const toDataURL = HTMLCanvasElement.prototype.toDataURL;
      HTMLCanvasElement.prototype.toDataURL = () => `data:image/png;base64,${drawn.at(-1)}`;
      try {
        const p = createWebPlatform();
        p.setUnreadBadge(3);
        expect(document.title).toBe('(3) Charla');
        p.setUnreadBadge(5);
        expect(drawn).toEqual([]);
        await vi.advanceTimersByTimeAsync(1000);
        expect(drawn).toEqual(['5']);
        expect(document.querySelector<HTMLLinkElement>('link[rel="icon"]')?.href).toContain('base64,5');
        p.setUnreadBadge(0);
        expect(document.title).toBe('Charla');
        await vi.advanceTimersByTimeAsync(1000);
        expect(drawn).toEqual(['5', 'C']);
      } finally {
        HTMLCanvasElement.prototype.getContext = real;
        HTMLCanvasElement.prototype.toDataURL = toDataURL;
      }
    } finally {
      vi.useRealTimers();
    }
  });

  it('keeps settings in localStorage and ignores corrupt or unknown values', async () => {
    const p = createWebPlatform();
    expect((await p.loadSettings()).theme).toBe('system');
    await p.saveSettings({ theme: 'dark', locale: 'es' });
    expect(await p.loadSettings()).toMatchObject({ theme: 'dark', locale: 'es', serverUrl: '' });
    localStorage.setItem('charla.settings', '{"theme":"neon"');
    expect((await p.loadSettings()).theme).toBe('system');
    localStorage.setItem('charla.settings', '{"theme":"neon","locale":"es"}');
    expect((await p.loadSettings()).theme).toBe('system');
  });

  it('opens only safe links, without opener', async () => {
    const open = vi.fn();
    vi.stubGlobal('open', open);
    const p = createWebPlatform();
    await p.openExternal('javascript:alert(1)');
    await p.openExternal('https://example.com/');
    expect(open).toHaveBeenCalledTimes(1);
    expect(open).toHaveBeenCalledWith('https://example.com/', '_blank', 'noopener,noreferrer');
  });
});
