import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDeepLProvider } from './translation.deepl.ts';
import { createGoogleProvider } from './translation.google.ts';
import { createLibreTranslateProvider } from './translation.libretranslate.ts';
import { TranslationProviderError } from './translation.provider.ts';
import type { RetryPolicy } from './translation.retry.ts';
import { startTranslationStandIn, type TranslationStandIn } from './translation.stand-in.ts';

const noRetry: RetryPolicy = { maxRetries: 0, baseDelayMs: 10, maxDelayMs: 2000, timeoutMs: 5000 };
const quickRetry: RetryPolicy = { maxRetries: 2, baseDelayMs: 10, maxDelayMs: 2000, timeoutMs: 5000 };

async function failure(p: Promise<unknown>): Promise<TranslationProviderError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TranslationProviderError);
  return err as TranslationProviderError;
}

let standIn: TranslationStandIn;
beforeAll(async () => {
  standIn = await startTranslationStandIn({ deeplKey: 'deepl-key:fx', googleKey: 'g-key', libreKey: 'libre-key' });
});
afterAll(() => standIn.close());
beforeEach(() => standIn.reset());

describe('DeepL adapter (official SDK against the stand-in)', () => {
  const make = (retry = noRetry, key = 'deepl-key:fx') =>
    createDeepLProvider({ authKey: key, serverUrl: standIn.url, retry });

  it('one call for a batch: auth header, target with region, auto source, html tag handling', async () => {
    const out = await make().translate(
      ['Hola, ¿cómo estás?', 'Nos vemos mañana en la oficina', 'otra cosa'],
      'en',
      null,
    );
    expect(out).toEqual([
      { text: 'Hi, how are you?', detectedSource: 'es' },
      { text: 'See you tomorrow at the office', detectedSource: 'es' },
      { text: '[en] otra cosa', detectedSource: 'en' },
    ]);
    expect(standIn.calls.deepl).toBe(1);
    const [req] = standIn.requests;
    expect(req?.path).toBe('/v2/translate');
    expect(req?.headers.authorization).toBe('DeepL-Auth-Key deepl-key:fx');
    expect(req?.body).toMatchObject({ target_lang: 'en-US', tag_handling: 'html' });
    expect(req?.body.source_lang).toBeUndefined();
    expect(req?.body.text).toEqual(['Hola, ¿cómo estás?', 'Nos vemos mañana en la oficina', 'otra cosa']);
  });

  it('passes a known source language and splits batches at 50 texts', async () => {
    const texts = Array.from({ length: 60 }, (_, i) => `texto ${i}`);
    const out = await make().translate(texts, 'fr', 'es');
    expect(out).toHaveLength(60);
    expect(standIn.calls.deepl).toBe(2);
    expect(standIn.requests.map((r) => (r.body.text as string[]).length)).toEqual([50, 10]);
    expect(standIn.requests[0]?.body).toMatchObject({ source_lang: 'es', target_lang: 'fr' });
  });

  it('456 is the quota, 403 a bad key, 429 a rate limit', async () => {
    standIn.failNext('deepl', { status: 456, body: { message: 'Quota exceeded' } });
    expect((await failure(make().translate(['x'], 'en', null))).failure).toBe('quota');
    expect((await failure(make(noRetry, 'wrong').translate(['x'], 'en', null))).failure).toBe('auth');
    standIn.failNext('deepl', { status: 429, body: { message: 'Too many requests' } });
    expect((await failure(make().translate(['x'], 'en', null))).failure).toBe('rate_limited');
  });

  it('the SDK backs off and retries a 429', async () => {
    standIn.failNext('deepl', { status: 429, body: { message: 'Too many requests' } });
    const out = await make({ ...noRetry, maxRetries: 1 }).translate(['hola'], 'en', null);
    expect(out[0]?.text).toBe('[en] hola');
    expect(standIn.calls.deepl).toBe(2);
  });

  it('lists target languages by base code', async () => {
    const langs = await make().languages();
    expect(langs.map((l) => l.code)).toEqual(['de', 'en', 'es', 'fr', 'pt']);
    expect(langs.find((l) => l.code === 'en')?.name).toBe('English');
  });
});

describe('LibreTranslate adapter (HTTP API against the stand-in)', () => {
  const make = (retry = noRetry, apiKey: string | undefined = 'libre-key') =>
    createLibreTranslateProvider({ baseUrl: `${standIn.url}/`, apiKey, retry });

  it('one POST /translate with q as an array, source auto, the api_key in the body', async () => {
    const out = await make().translate(['Hola, ¿cómo estás?', 'plain words'], 'en', null);
    expect(out).toEqual([
      { text: 'Hi, how are you?', detectedSource: 'es' },
      { text: '[en] plain words', detectedSource: 'en' },
    ]);
    expect(standIn.calls.libretranslate).toBe(1);
    expect(standIn.requests[0]?.body).toEqual({
      q: ['Hola, ¿cómo estás?', 'plain words'],
      source: 'auto',
      target: 'en',
      format: 'html',
      api_key: 'libre-key',
    });
  });

  it('400 unsupported language, 403 bad key, 429 rate limit', async () => {
    expect((await failure(make().translate(['x'], 'xx', null))).failure).toBe('bad_request');
    expect((await failure(make(noRetry, '').translate(['x'], 'en', null))).failure).toBe('auth');
    standIn.failNext('libretranslate', { status: 429, body: { error: 'Too many request limits violations' } });
    expect((await failure(make().translate(['x'], 'en', null))).failure).toBe('rate_limited');
  });

  it('honours Retry-After on 429, then succeeds', async () => {
    standIn.failNext('libretranslate', {
      status: 429,
      body: { error: 'Slow down' },
      headers: { 'Retry-After': '1' },
    });
    const started = Date.now();
    const out = await make(quickRetry).translate(['hola'], 'en', 'es');
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(out).toEqual([{ text: '[en] hola', detectedSource: 'es' }]);
    expect(standIn.calls.libretranslate).toBe(2);
  });

  it('a Retry-After longer than we may wait fails at once, carrying the delay', async () => {
    standIn.failNext('libretranslate', {
      status: 429,
      body: { error: 'Slow down' },
      headers: { 'Retry-After': '120' },
    });
    const err = await failure(make(quickRetry).translate(['hola'], 'en', null));
    expect(err.failure).toBe('rate_limited');
    expect(err.retryAfterMs).toBe(120_000);
    expect(standIn.calls.libretranslate).toBe(1);
  });

  it('5xx is retried with backoff, then reported unavailable', async () => {
    standIn.failNext('libretranslate', { status: 500, body: 'Internal Server Error' }, 3);
    expect((await failure(make(quickRetry).translate(['x'], 'en', null))).failure).toBe('unavailable');
    expect(standIn.calls.libretranslate).toBe(3);
  });

  it('an unreadable success body is unavailable, not a crash', async () => {
    standIn.failNext('libretranslate', { status: 200, body: { translated: 'nope' } });
    expect((await failure(make().translate(['x'], 'en', null))).failure).toBe('unavailable');
  });

  it('lists languages', async () => {
    expect((await make().languages()).map((l) => l.code)).toContain('es');
  });
});

describe('Google Cloud Translation v2 adapter (REST against the stand-in)', () => {
  const make = (retry = noRetry, apiKey = 'g-key') => createGoogleProvider({ apiKey, baseUrl: standIn.url, retry });
  const googleError = (code: number, reason: string, status: string) => ({
    error: { code, message: `${reason} happened`, errors: [{ message: 'm', domain: 'usageLimits', reason }], status },
  });

  it('one POST with q[] and the key in X-Goog-Api-Key, never in the URL', async () => {
    const out = await make().translate(['Great, we stayed home and watched films', 'two'], 'es', null);
    expect(out).toEqual([
      { text: 'Genial, nos quedamos en casa y vimos películas', detectedSource: 'en' },
      { text: '[es] two', detectedSource: 'en' },
    ]);
    const [req] = standIn.requests;
    expect(req?.path).toBe('/language/translate/v2');
    expect(req?.headers['x-goog-api-key']).toBe('g-key');
    expect(req?.body).toEqual({ q: ['Great, we stayed home and watched films', 'two'], target: 'es', format: 'html' });
  });

  it('splits at 128 segments', async () => {
    await make().translate(
      Array.from({ length: 130 }, (_, i) => `t${i}`),
      'es',
      'en',
    );
    expect(standIn.requests.map((r) => (r.body.q as string[]).length)).toEqual([128, 2]);
    expect(standIn.requests[0]?.body.source).toBe('en');
  });

  it('maps the error JSON: daily limit, rate limit, bad key, server error', async () => {
    standIn.failNext('google', { status: 403, body: googleError(403, 'dailyLimitExceeded', 'PERMISSION_DENIED') });
    expect((await failure(make().translate(['x'], 'es', null))).failure).toBe('quota');
    standIn.failNext('google', { status: 403, body: googleError(403, 'userRateLimitExceeded', 'PERMISSION_DENIED') });
    expect((await failure(make().translate(['x'], 'es', null))).failure).toBe('rate_limited');
    expect((await failure(make(noRetry, 'bad').translate(['x'], 'es', null))).failure).toBe('auth');
    standIn.failNext('google', { status: 429, body: googleError(429, 'rateLimitExceeded', 'RESOURCE_EXHAUSTED') });
    expect((await failure(make().translate(['x'], 'es', null))).failure).toBe('rate_limited');
    standIn.failNext('google', { status: 400, body: googleError(400, 'invalid', 'INVALID_ARGUMENT') });
    expect((await failure(make().translate(['x'], 'zz', null))).failure).toBe('bad_request');
    standIn.failNext('google', { status: 503, body: googleError(503, 'backendError', 'UNAVAILABLE') });
    expect((await failure(make().translate(['x'], 'es', null))).failure).toBe('unavailable');
  });

  it('retries a 429 with backoff', async () => {
    standIn.failNext('google', { status: 429, body: googleError(429, 'rateLimitExceeded', 'RESOURCE_EXHAUSTED') });
    expect(await make(quickRetry).translate(['x'], 'es', 'en')).toEqual([{ text: '[es] x', detectedSource: 'en' }]);
    expect(standIn.calls.google).toBe(2);
  });

  it('lists languages', async () => {
    expect((await make().languages()).map((l) => l.code)).toEqual(['de', 'en', 'es', 'fr', 'pt']);
  });

  it('an unreachable provider is unavailable', async () => {
    const p = createGoogleProvider({ apiKey: 'k', baseUrl: 'http://127.0.0.1:1', retry: noRetry });
    expect((await failure(p.translate(['x'], 'es', null))).failure).toBe('unavailable');
  });
});
