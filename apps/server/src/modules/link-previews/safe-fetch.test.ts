import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSite, type TestSite } from './link-preview.test-site.ts';
import { createSafeFetcher } from './safe-fetch.ts';
import { SSRF_TARGETS, ssrfResolver } from './ssrf.corpus.ts';
import { createSsrfPolicy, refusedRange, SafeFetchError } from './ssrf.policy.ts';

async function reasonOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'fetched';
  } catch (err) {
    if (err instanceof SafeFetchError) return err.reason;
    throw err;
  }
}

describe('address ranges', () => {
  it('allows public unicast and refuses every special-purpose range', () => {
    for (const ok of ['8.8.8.8', '93.184.216.34', '2606:4700::1111', '64:ff9b::808:808', '::ffff:8.8.8.8'])
      expect(refusedRange(ok), ok).toBeNull();
    for (const bad of [
      '127.0.0.1',
      '127.255.0.9',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '224.0.0.1',
      '255.255.255.255',
      '0.0.0.0',
      '192.0.2.1',
      '198.18.0.1',
      '240.0.0.1',
      '::1',
      '::',
      'fe80::1',
      'fd00::1',
      'ff02::1',
      '::ffff:127.0.0.1',
      '::ffff:169.254.169.254',
      '::127.0.0.1',
      '64:ff9b::7f00:1',
      '64:ff9b::a9fe:a9fe',
      '64:ff9b:1::1',
      '2002:7f00:1::',
      '2001::1',
      '2001:db8::1',
      '100::1',
      'fec0::1',
      '4000::1',
    ])
      expect(refusedRange(bad), bad).not.toBeNull();
  });

  it('ignores the test allow-list unless test mode is on', () => {
    const off = createSsrfPolicy({ allow: ['127.0.0.1:8080'], testMode: false });
    expect(() => off.checkAddress('127.0.0.1', 8080)).toThrow(SafeFetchError);
    const on = createSsrfPolicy({ allow: ['127.0.0.1:8080'], testMode: true });
    expect(() => on.checkAddress('127.0.0.1', 8080)).not.toThrow();
    // Only the listed pair: the same address on another port, or another loopback address, stays refused.
    expect(() => on.checkAddress('127.0.0.1', 80)).toThrow(SafeFetchError);
    expect(() => on.checkAddress('127.0.0.2', 8080)).toThrow(SafeFetchError);
  });
});

describe('safe fetch against a local site', () => {
  let site: TestSite;
  let url: (path: string) => string;
  let named: (path: string) => string;
  const calls: string[] = [];
  const fetcher = () =>
    createSafeFetcher({
      resolver: ssrfResolver(calls),
      policy: createSsrfPolicy({ allow: [`127.0.0.1:${site.port}`], testMode: true }),
      timeoutMs: 1500,
    });

  beforeAll(async () => {
    site = await startTestSite();
    url = (p) => `${site.origin}${p}`;
    named = (p) => `http://site.test:${site.port}${p}`;
  });
  afterAll(async () => {
    await site.close();
  });

  it('fetches an allowed page by IP and by name, sending no cookies or credentials', async () => {
    const f = fetcher();
    const page = await f.fetch(url('/og'), 'html');
    expect(page.contentType).toBe('text/html');
    expect(page.body.toString()).toContain('og:title');
    calls.length = 0;
    const byName = await f.fetch(named('/og'), 'html');
    expect(byName.url.hostname).toBe('site.test');
    // One resolution per connection, made by the socket's own lookup: what was checked is what was used.
    expect(calls).toEqual(['site.test']);
    const headers = site.lastHeaders.get('/og') ?? {};
    expect(headers.cookie).toBeUndefined();
    expect(headers.authorization).toBeUndefined();
    expect(headers['accept-encoding']).toBe('identity');
  });

  it('refuses the same site without the test allow-list (loopback is never fetched in production)', async () => {
    const strict = createSafeFetcher({ resolver: ssrfResolver(), timeoutMs: 1500 });
    const before = site.hits.get('/og') ?? 0;
    expect(await reasonOf(strict.fetch(url('/og'), 'html'))).toMatch(/^(address|port)$/);
    expect(await reasonOf(strict.fetch(named('/og'), 'html'))).toMatch(/^(address|port)$/);
    expect(site.hits.get('/og') ?? 0).toBe(before);
  });

  it('follows at most 3 redirects, each re-checked', async () => {
    const f = fetcher();
    const three = await f.fetch(url('/redirect/3'), 'html');
    expect(three.redirects).toBe(3);
    expect(three.url.pathname).toBe('/og');
    expect(await reasonOf(f.fetch(url('/redirect/4'), 'html'))).toBe('redirects');
    // A cookie set on a redirect is not sent on the next hop.
    await f.fetch(url('/set-cookie'), 'html');
    expect(site.lastHeaders.get('/og')?.cookie).toBeUndefined();
    expect(await reasonOf(f.fetch(url('/no-location'), 'html'))).toBe('status');
  });

  it('refuses redirects and names that lead to private, loopback or metadata addresses', async () => {
    const f = fetcher();
    const to = (target: string) => f.fetch(url(`/to?u=${encodeURIComponent(target)}`), 'html');
    const cases = SSRF_TARGETS.map((c) => [c.target, c.reason] as const);
    for (const [target, reason] of cases) expect(await reasonOf(to(target)), target).toBe(reason);
    // And the same targets named directly.
    for (const [target, reason] of cases) expect(await reasonOf(f.fetch(target, 'html')), target).toBe(reason);
  });

  it('caps size, time and content types', async () => {
    const f = fetcher();
    expect(await reasonOf(f.fetch(url('/huge'), 'html'))).toBe('too_large');
    expect(await reasonOf(f.fetch(url('/huge-chunked'), 'html'))).toBe('too_large');
    const t0 = Date.now();
    expect(await reasonOf(f.fetch(url('/slow'), 'html'))).toBe('timeout');
    expect(await reasonOf(f.fetch(url('/never-ending'), 'html'))).toBe('timeout');
    expect(Date.now() - t0).toBeLessThan(3 * 1500 + 1000);
    for (const p of ['/pdf', '/svg', '/no-type', '/json', '/image.png'])
      expect(await reasonOf(f.fetch(url(p), 'html')), p).toBe('content_type');
    expect(await reasonOf(f.fetch(url('/og'), 'image'))).toBe('content_type');
    expect(await reasonOf(f.fetch(url('/not-found'), 'html'))).toBe('status');
    expect((await f.fetch(url('/image.png'), 'image')).contentType).toBe('image/png');
  });
});
