import { z } from 'zod';

/**
 * The translation port: one adapter per provider (DeepL through its official SDK, LibreTranslate and
 * Google Cloud Translation v2 through their documented HTTP APIs), chosen by TRANSLATE_PROVIDER.
 * Adapters translate a batch of already protected texts (see translation.protect.ts) in one call per
 * chunk of the provider's documented batch limit, and report failures as TranslationProviderError so
 * the service can answer with a clear envelope instead of a 500.
 */

export type ProviderName = 'deepl' | 'libretranslate' | 'google';

/** A language a reader may choose: lower-case ISO 639-1 code (the provider's region variants collapsed). */
export type ProviderLanguage = { code: string; name: string };

export type ProviderTranslation = {
  text: string;
  /** Lower-case base code the provider detected, when it says. */
  detectedSource: string | null;
};

export type TranslationProvider = {
  readonly name: ProviderName;
  /** Texts are sent with HTML-style placeholders; providers are asked to keep markup. */
  translate(texts: string[], target: string, source: string | null): Promise<ProviderTranslation[]>;
  /** Target languages the provider offers. */
  languages(): Promise<ProviderLanguage[]>;
};

/**
 * quota: the provider account's character allowance is used up (DeepL 456, Google dailyLimitExceeded).
 * rate_limited: too many requests even after backing off (429). auth: bad or missing key (403).
 * bad_request: the provider refused the input (e.g. an unsupported language). unavailable: 5xx,
 * network failure or an answer we could not read.
 */
export type ProviderFailure = 'quota' | 'rate_limited' | 'auth' | 'bad_request' | 'unavailable';

export class TranslationProviderError extends Error {
  readonly failure: ProviderFailure;
  /** From Retry-After when the provider sent one. */
  readonly retryAfterMs: number | undefined;
  constructor(failure: ProviderFailure, message: string, retryAfterMs?: number) {
    super(message);
    this.name = 'TranslationProviderError';
    this.failure = failure;
    this.retryAfterMs = retryAfterMs;
  }
}

/** Lower-case base code: 'EN-US' -> 'en', 'pt-BR' -> 'pt', 'zh-Hans' -> 'zh'. */
export const baseCode = (code: string): string => code.toLowerCase().split(/[-_]/)[0] ?? code.toLowerCase();

/** Splits a batch into provider calls: at most `maxItems` texts and `maxChars` characters each. */
export function chunkBatch(texts: string[], maxItems: number, maxChars: number): string[][] {
  const chunks: string[][] = [];
  let current: string[] = [];
  let chars = 0;
  for (const t of texts) {
    if (current.length > 0 && (current.length >= maxItems || chars + t.length > maxChars)) {
      chunks.push(current);
      current = [];
      chars = 0;
    }
    current.push(t);
    chars += t.length;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/*
 * What an adapter hands back, checked once for all three: the SDK (DeepL) does not check the body's
 * field types, and an empty translation of a non-empty text would show the reader a blank message.
 */
const providerTranslation = z.object({ text: z.string(), detectedSource: z.string().min(1).nullable() });

/** A provider's answer for `asked`, or TranslationProviderError('unavailable') when it is not usable. */
export function checkAnswer(asked: string[], got: unknown): ProviderTranslation[] {
  if (!Array.isArray(got) || got.length !== asked.length)
    throw new TranslationProviderError(
      'unavailable',
      `Provider answered ${Array.isArray(got) ? got.length : 'no list of'} texts for ${asked.length}`,
    );
  return got.map((item, i) => {
    const parsed = providerTranslation.safeParse(item);
    if (!parsed.success)
      throw new TranslationProviderError('unavailable', `Provider answered an unreadable text #${i}`);
    if (parsed.data.text.trim() === '' && (asked[i] ?? '').trim() !== '')
      throw new TranslationProviderError('unavailable', `Provider answered an empty translation for text #${i}`);
    return parsed.data;
  });
}

/** Runs one provider call per chunk, in order, and concatenates the checked results. */
export async function translateInChunks(
  texts: string[],
  limits: { maxItems: number; maxChars: number },
  call: (chunk: string[]) => Promise<unknown>,
): Promise<ProviderTranslation[]> {
  const out: ProviderTranslation[] = [];
  for (const chunk of chunkBatch(texts, limits.maxItems, limits.maxChars)) {
    out.push(...checkAnswer(chunk, await call(chunk)));
  }
  return out;
}

/** 'http://x/' -> 'http://x' (a loop: the ReDoS audit flags /\/+$/). */
export function trimSlashes(url: string): string {
  let end = url.length;
  while (end > 0 && url[end - 1] === '/') end--;
  return url.slice(0, end);
}
