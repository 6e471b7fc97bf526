import { z } from 'zod';
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

const detected = z.object({ language: z.string(), confidence: z.number().optional() });
const translateResponse = z.object({
  translatedText: z.union([z.string(), z.array(z.string())]),
  detectedLanguage: z.union([detected, z.array(detected)]).optional(),
});
const languagesResponse = z.array(z.object({ code: z.string(), name: z.string() }));
const errorResponse = z.object({ error: z.string() });

/**
 * LibreTranslate (self-hostable): POST /translate with JSON { q: [...], source, target, format,
 * api_key? }; an array `q` is one call for the whole batch. Errors are { error } with 400 (bad
 * input, unsupported language), 403 (bad or missing key), 429 (slow down), 5xx.
 */
export function createLibreTranslateProvider(options: {
  baseUrl: string;
  apiKey?: string | undefined;
  retry: RetryPolicy;
  fetchImpl?: typeof fetch;
}): TranslationProvider {
  const base = trimSlashes(options.baseUrl);

  async function fail(res: Response): Promise<never> {
    const body = errorResponse.safeParse(await readJson(res));
    const said = body.success ? body.data.error : `HTTP ${res.status}`;
    if (res.status === 403) throw new TranslationProviderError('auth', `LibreTranslate refused the API key: ${said}`);
    if (res.status === 429)
      throw new TranslationProviderError(
        'rate_limited',
        `LibreTranslate rate limit: ${said}`,
        retryAfterMs(res.headers.get('retry-after')),
      );
    if (res.status === 400) throw new TranslationProviderError('bad_request', `LibreTranslate refused: ${said}`);
    throw new TranslationProviderError('unavailable', `LibreTranslate failed: ${said}`);
  }

  async function call(chunk: string[], target: string, source: string | null): Promise<ProviderTranslation[]> {
    const res = await fetchWithRetry(
      `${base}/translate`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({
          q: chunk,
          source: source ?? 'auto',
          target,
          format: 'html',
          ...(options.apiKey ? { api_key: options.apiKey } : {}),
        }),
      },
      options.retry,
      options.fetchImpl,
    );
    if (!res.ok) return fail(res);
    const parsed = translateResponse.safeParse(await readJson(res));
    if (!parsed.success)
      throw new TranslationProviderError('unavailable', 'LibreTranslate answered an unreadable body');
    const texts = Array.isArray(parsed.data.translatedText) ? parsed.data.translatedText : [parsed.data.translatedText];
    const det = parsed.data.detectedLanguage;
    const dets = Array.isArray(det) ? det : texts.map(() => det);
    return texts.map((text, i) => {
      const d = dets[i];
      return { text, detectedSource: d ? baseCode(d.language) : source };
    });
  }

  return {
    name: 'libretranslate',
    translate: (texts, target, source) =>
      translateInChunks(texts, { maxItems: 50, maxChars: 30_000 }, (chunk) => call(chunk, target, source)),
    async languages(): Promise<ProviderLanguage[]> {
      const url = new URL(`${base}/languages`);
      const res = await fetchWithRetry(
        url.toString(),
        { headers: { accept: 'application/json' } },
        options.retry,
        options.fetchImpl,
      );
      if (!res.ok) return fail(res);
      const parsed = languagesResponse.safeParse(await readJson(res));
      if (!parsed.success)
        throw new TranslationProviderError('unavailable', 'LibreTranslate answered an unreadable language list');
      return dedupe(parsed.data.map((l) => ({ code: baseCode(l.code), name: l.name })));
    },
  };
}

export function dedupe(languages: ProviderLanguage[]): ProviderLanguage[] {
  const seen = new Map<string, ProviderLanguage>();
  for (const l of languages) if (!seen.has(l.code)) seen.set(l.code, l);
  return [...seen.values()].sort((a, b) => a.code.localeCompare(b.code));
}
