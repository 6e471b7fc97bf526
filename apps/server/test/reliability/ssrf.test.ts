/**
 * Server-side request forgery through link previews: every target of the corpus (private, loopback,
 * link-local, metadata, CGNAT, multicast, reserved, IPv4-mapped/NAT64/6to4/Teredo IPv6, odd
 * spellings, other schemes and ports), named directly and reached through a redirect from a page
 * the link points to; then the limits (huge, slow, never-ending, wrong types, redirect chains) at
 * their production values; then the same links sent as messages through the real app.
 */
import type { ConversationSummary, Message } from '@charla/shared-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSite, type TestSite } from '../../src/modules/link-previews/link-preview.test-site.ts';
import { createSafeFetcher, FETCH_LIMITS } from '../../src/modules/link-previews/safe-fetch.ts';
import { SSRF_TARGETS, ssrfResolver } from '../../src/modules/link-previews/ssrf.corpus.ts';
import { createSsrfPolicy, SafeFetchError } from '../../src/modules/link-previews/ssrf.policy.ts';
import { restAs } from '../chat.ts';
import { registerUser, startTestApp } from '../harness.ts';
import { vitestCommand, writeFigures } from './support.ts';

const FILE = 'ssrf.test.ts';

async function attempt(p: Promise<unknown>): Promise<{ reason: string; ms: number }> {
  const t0 = performance.now();
  try {
    await p;
    return { reason: 'fetched', ms: performance.now() - t0 };
  } catch (err) {
    if (!(err instanceof SafeFetchError)) throw err;
    return { reason: err.reason, ms: performance.now() - t0 };
  }
}

describe('SSRF corpus (link previews)', () => {
  let site: TestSite;
  const figures: Record<string, unknown> = {};
  const allow = () => [`127.0.0.1:${site.port}`];

  beforeAll(async () => {
    site = await startTestSite();
  });
  afterAll(async () => {
    await site?.close();
    writeFigures('ssrf', {
      scenario: 'SSRF corpus through link previews (direct, via redirect, via messages)',
      family: 'hostile input',
      command: vitestCommand(FILE),
      ...figures,
    });
  });

  it('refuses every corpus target, named directly and through a redirect, before connecting', async () => {
    const fetcher = createSafeFetcher({
      resolver: ssrfResolver(),
      policy: createSsrfPolicy({ allow: allow(), testMode: true }),
    });
    const byReason: Record<string, number> = {};
    let wrong = 0;
    let slowest = 0;
    for (const c of SSRF_TARGETS) {
      const via = `${site.origin}/to?u=${encodeURIComponent(c.target)}`;
      for (const url of [c.target, via]) {
        const r = await attempt(fetcher.fetch(url, 'html'));
        if (r.reason !== c.reason) wrong++;
        expect(r.reason, `${c.what}: ${url}`).toBe(c.reason);
        byReason[r.reason] = (byReason[r.reason] ?? 0) + 1;
        slowest = Math.max(slowest, r.ms);
      }
    }
    // The test site's own socket, spelled so the allow-list does not name it: still refused.
    const canaries = [`http://[::ffff:127.0.0.1]:${site.port}/canary`, `http://0.0.0.0:${site.port}/canary`];
    for (const url of canaries) expect((await attempt(fetcher.fetch(url, 'html'))).reason).toBe('address');
    expect(site.hits.get('/canary') ?? 0).toBe(0);
    Object.assign(figures, {
      corpusTargets: SSRF_TARGETS.length,
      attempts: SSRF_TARGETS.length * 2 + canaries.length,
      refused: SSRF_TARGETS.length * 2 + canaries.length - wrong,
      fetched: wrong,
      refusedByReason: byReason,
      canaryHits: site.hits.get('/canary') ?? 0,
      slowestRefusalMs: Math.round(slowest),
    });
  });

  it('refuses the loopback test site itself without the test-only allow-list', async () => {
    const strict = createSafeFetcher({ resolver: ssrfResolver() });
    const before = site.hits.get('/og') ?? 0;
    const urls = [`${site.origin}/og`, `http://site.test:${site.port}/og`];
    for (const url of urls) expect((await attempt(strict.fetch(url, 'html'))).reason).toMatch(/^(address|port)$/);
    // The allow-list is honoured only in test mode: a production policy ignores it.
    const production = createSafeFetcher({
      resolver: ssrfResolver(),
      policy: createSsrfPolicy({ allow: allow(), testMode: false }),
    });
    for (const url of urls) expect((await attempt(production.fetch(url, 'html'))).reason).toMatch(/^(address|port)$/);
    expect(site.hits.get('/og') ?? 0).toBe(before);
    figures.withoutAllowList = { attempts: urls.length * 2, siteHits: (site.hits.get('/og') ?? 0) - before };
  });

  it('holds the limits at their production values', async () => {
    const fetcher = createSafeFetcher({
      resolver: ssrfResolver(),
      policy: createSsrfPolicy({ allow: allow(), testMode: true }),
    });
    const url = (p: string) => `${site.origin}${p}`;
    const huge = await attempt(fetcher.fetch(url('/huge'), 'html'));
    const chunked = await attempt(fetcher.fetch(url('/huge-chunked'), 'html'));
    const slow = await attempt(fetcher.fetch(url('/slow'), 'html'));
    const endless = await attempt(fetcher.fetch(url('/never-ending'), 'html'));
    expect([huge.reason, chunked.reason, slow.reason, endless.reason]).toEqual([
      'too_large',
      'too_large',
      'timeout',
      'timeout',
    ]);
    expect(slow.ms).toBeLessThan(FETCH_LIMITS.timeoutMs + 1500);
    expect(endless.ms).toBeLessThan(FETCH_LIMITS.timeoutMs + 1500);
    const types = ['/pdf', '/svg', '/no-type', '/json', '/image.png'];
    const typeResults = await Promise.all(types.map((p) => attempt(fetcher.fetch(url(p), 'html'))));
    expect(typeResults.map((r) => r.reason)).toEqual(types.map(() => 'content_type'));
    const three = await fetcher.fetch(url('/redirect/3'), 'html');
    const four = await attempt(fetcher.fetch(url('/redirect/4'), 'html'));
    expect([three.redirects, four.reason]).toEqual([3, 'redirects']);
    figures.limits = {
      maxBytes: FETCH_LIMITS.maxBytes,
      timeoutMs: FETCH_LIMITS.timeoutMs,
      huge2MbMs: Math.round(huge.ms),
      hugeChunked2MbMs: Math.round(chunked.ms),
      slowHeadersGaveUpMs: Math.round(slow.ms),
      neverEndingGaveUpMs: Math.round(endless.ms),
      nonHtmlRefused: typeResults.length,
      redirectsFollowed: three.redirects,
      fourthRedirect: four.reason,
    };
  }, 30_000);

  it('sent as messages through the real app: no preview for any corpus target, previews for the controls', async () => {
    const t = await startTestApp({
      // Limits out of the way: this counts what the policy refuses, not what the rate limit skips.
      deps: {
        linkPreviews: {
          resolver: ssrfResolver(),
          allow: allow(),
          limits: { perUserPerMinute: 10_000, concurrency: 1000 },
        },
      },
    });
    try {
      const ana = await registerUser(t);
      const A = restAs(t.api, ana.accessToken);
      const g = (await A.post<ConversationSummary>('/conversations', { kind: 'group', title: 'ssrf', memberIds: [] }))
        .body.data.id;
      const ids: string[] = [];
      let n = 0;
      for (const c of SSRF_TARGETS) {
        const via = `${site.origin}/to?u=${encodeURIComponent(c.target)}&m=${n}`;
        for (const text of [`look ${c.target}`, `look ${via}`]) {
          const res = await A.post<Message>(`/conversations/${g}/messages`, { clientMsgId: `s${++n}`, text });
          ids.push(res.body.data.id);
        }
      }
      await t.charla.linkPreviews.service.idle();
      const controls = ['/og', '/twitter', '/oembed-page'].map((p) => `http://site.test:${site.port}${p}`);
      const controlIds: string[] = [];
      for (const text of controls) {
        const res = await A.post<Message>(`/conversations/${g}/messages`, { clientMsgId: `c${++n}`, text });
        controlIds.push(res.body.data.id);
      }
      await t.charla.linkPreviews.service.idle();
      const found = await t.storage.messages.findByIds([...ids, ...controlIds]);
      const withPreview = new Set(found.filter((m) => m.linkPreview).map((m) => m.id));
      const leaked = ids.filter((id) => withPreview.has(id));
      expect(leaked).toEqual([]);
      expect(controlIds.filter((id) => withPreview.has(id))).toHaveLength(controls.length);
      figures.throughMessages = {
        messages: ids.length,
        previewsForCorpus: leaked.length,
        controls: controls.length,
        controlPreviews: controlIds.filter((id) => withPreview.has(id)).length,
      };
    } finally {
      await t.close();
    }
  }, 60_000);
});
