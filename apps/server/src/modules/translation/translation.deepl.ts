import * as deepl from 'deepl-node';
import { dedupe } from './translation.libretranslate.ts';
import {
  baseCode,
  type ProviderLanguage,
  type TranslationProvider,
  TranslationProviderError,
  translateInChunks,
  trimSlashes,
} from './translation.provider.ts';
import type { RetryPolicy } from './translation.retry.ts';

/** DeepL wants a region for these targets ('en' and 'pt' alone are refused by the SDK). */
const TARGET_VARIANT: Record<string, deepl.TargetLanguageCode> = { en: 'en-US', pt: 'pt-BR' };

function mapError(err: unknown): TranslationProviderError {
  if (err instanceof TranslationProviderError) return err;
  if (err instanceof deepl.QuotaExceededError)
    return new TranslationProviderError('quota', `DeepL quota used up: ${err.message}`);
  if (err instanceof deepl.TooManyRequestsError)
    return new TranslationProviderError('rate_limited', `DeepL rate limit: ${err.message}`);
  if (err instanceof deepl.AuthorizationError)
    return new TranslationProviderError('auth', `DeepL refused the API key: ${err.message}`);
  if (err instanceof deepl.ConnectionError)
    return new TranslationProviderError('unavailable', `DeepL unreachable: ${err.message}`);
  if (err instanceof deepl.DeepLError && err.message.startsWith('Bad request'))
    return new TranslationProviderError('bad_request', `DeepL refused: ${err.message}`);
  const message = err instanceof Error ? err.message : String(err);
  return new TranslationProviderError('unavailable', `DeepL failed: ${message}`);
}

/**
 * DeepL through its official SDK. `serverUrl` points it at the free or pro API (or a stand-in in
 * tests); the SDK itself retries 429 and 5xx with exponential backoff (maxRetries). One call per 50
 * texts (DeepL's documented per-request limit); markup kept with tag_handling=html.
 */
export function createDeepLProvider(options: {
  authKey: string;
  serverUrl?: string | undefined;
  retry: RetryPolicy;
}): TranslationProvider {
  const translator = new deepl.Translator(options.authKey, {
    ...(options.serverUrl ? { serverUrl: trimSlashes(options.serverUrl) } : {}),
    // The SDK counts the first attempt: maxRetries 1 means no retry.
    maxRetries: options.retry.maxRetries + 1,
    minTimeout: options.retry.timeoutMs,
    sendPlatformInfo: false,
    appInfo: { appName: 'charla', appVersion: '0.1.0' },
  });

  return {
    name: 'deepl',
    async translate(texts, target, source) {
      const targetCode = TARGET_VARIANT[target] ?? (target as deepl.TargetLanguageCode);
      return translateInChunks(texts, { maxItems: 50, maxChars: 30_000 }, async (chunk) => {
        try {
          const results = await translator.translateText(
            chunk,
            (source as deepl.SourceLanguageCode | null) ?? null,
            targetCode,
            { tagHandling: 'html' },
          );
          // Typed by the SDK but read from the wire unchecked: translateInChunks checks the texts.
          return results.map((r) => ({
            text: r.text,
            detectedSource: typeof r.detectedSourceLang === 'string' ? baseCode(r.detectedSourceLang) : null,
          }));
        } catch (err) {
          throw mapError(err);
        }
      });
    },
    async languages(): Promise<ProviderLanguage[]> {
      try {
        const langs = await translator.getTargetLanguages();
        return dedupe(langs.map((l) => ({ code: baseCode(l.code), name: l.name.split(' (')[0] ?? l.name })));
      } catch (err) {
        throw mapError(err);
      }
    },
  };
}
