import { z } from 'zod';
import { dedupe } from './translation.libretranslate.ts';
import {
  baseCode,
  type ProviderLanguage,
  type ProviderTranslation,
  type TranslationProvider,
  TranslationProviderError,
  translateInChunks,
  trimSlashes,
} from './translation.provider.ts';
import { fetchWithRetry, type RetryPolicy, readJson, retryAfterMs } from './translation.retry.ts';

const translateResponse = z.object({
  data: z.object({
    translations: z.array(z.object({ translatedText: z.string(), detectedSourceLanguage: z.string().optional() })),
  }),
});
const languagesResponse = z.object({
  data: z.object({ languages: z.array(z.object({ language: z.string(), name: z.string().optional() })) }),
});
/** Google's error JSON: { error: { code, message, errors: [{ reason, domain, message }], status } }. */
const errorResponse = z.object({
  error: z.object({
    code: z.number().optional(),
    message: z.string().optional(),
    status: z.string().optional(),
    errors: z.array(z.object({ reason: z.string().optional() })).optional(),
    details: z.array(z.object({ reason: z.string().optional() }).loose()).optional(),
  }),
});

const QUOTA_REASONS = new Set(['dailyLimitExceeded', 'quotaExceeded', 'dailyLimitExceededUnreg', 'billingNotEnabled']);
const RATE_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded', 'RATE_LIMIT_EXCEEDED']);
const KEY_REASONS = new Set(['keyInvalid', 'API_KEY_INVALID', 'keyExpired', 'accessNotConfigured', 'forbidden']);

/**
 * Google Cloud Translation v2 (Basic): POST {base}/language/translate/v2 with JSON { q: [...],
 * target, source?, format } and the API key in the X-Goog-Api-Key header (kept out of URLs and
 * logs). Up to 128 segments per call.
 */
export function createGoogleProvider(options: {
  apiKey: string;
  baseUrl: string;
  retry: RetryPolicy;
  fetchImpl?: typeof fetch;
}): TranslationProvider {
  const base = `${trimSlashes(options.baseUrl)}/language/translate/v2`;
  const headers = { 'content-type': 'application/json', accept: 'application/json', 'x-goog-api-key': options.apiKey };

  async function fail(res: Response): Promise<never> {
    const parsed = errorResponse.safeParse(await readJson(res));
    const e = parsed.success ? parsed.data.error : undefined;
    const reasons = new Set([
      ...(e?.errors ?? []).map((x) => x.reason ?? ''),
      ...(e?.details ?? []).map((x) => x.reason ?? ''),
      e?.status ?? '',
    ]);
    const said = e?.message ?? `HTTP ${res.status}`;
    const has = (set: Set<string>) => [...reasons].some((r) => set.has(r));
    if (has(QUOTA_REASONS)) throw new TranslationProviderError('quota', `Google Translation quota used up: ${said}`);
    if (res.status === 429 || has(RATE_REASONS))
      throw new TranslationProviderError(
        'rate_limited',
        `Google Translation rate limit: ${said}`,
        retryAfterMs(res.headers.get('retry-after')),
      );
    if (res.status === 401 || res.status === 403 || has(KEY_REASONS))
      throw new TranslationProviderError('auth', `Google Translation refused the API key: ${said}`);
    if (res.status === 400) throw new TranslationProviderError('bad_request', `Google Translation refused: ${said}`);
    throw new TranslationProviderError('unavailable', `Google Translation failed: ${said}`);
  }

  async function call(chunk: string[], target: string, source: string | null): Promise<ProviderTranslation[]> {
    const res = await fetchWithRetry(
      base,
      {
        method: 'POST',
        headers,
        body: JSON.stringify({ q: chunk, target, format: 'html', ...(source ? { source } : {}) }),
      },
      options.retry,
      options.fetchImpl,
    );
    if (!res.ok) return fail(res);
    const parsed = translateResponse.safeParse(await readJson(res));
    if (!parsed.success)
      throw new TranslationProviderError('unavailable', 'Google Translation answered an unreadable body');
    return parsed.data.data.translations.map((t) => ({
      text: t.translatedText,
      detectedSource: t.detectedSourceLanguage ? baseCode(t.detectedSourceLanguage) : source,
    }));
  }

  return {
    name: 'google',
    translate: (texts, target, source) =>
      translateInChunks(texts, { maxItems: 128, maxChars: 30_000 }, (chunk) => call(chunk, target, source)),
    async languages(): Promise<ProviderLanguage[]> {
      const res = await fetchWithRetry(`${base}/languages?target=en`, { headers }, options.retry, options.fetchImpl);
      if (!res.ok) return fail(res);
      const parsed = languagesResponse.safeParse(await readJson(res));
      if (!parsed.success)
        throw new TranslationProviderError('unavailable', 'Google Translation answered an unreadable language list');
      return dedupe(
        parsed.data.data.languages.map((l) => ({ code: baseCode(l.language), name: l.name ?? l.language })),
      );
    },
  };
}
