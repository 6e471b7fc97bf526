import { plainText } from './translation.protect.ts';

/** What a message's language is when detection cannot tell (too short, ambiguous, no words). */
export const UNKNOWN_LANGUAGE = 'unknown';

/**
 * Fewer letters than this are "unknown": chat replies like "ok", "jaja", "no" fool any detector
 * (eld says "ok" is Polish and "no" Portuguese) and a wrong guess would offer a useless Translate.
 */
const MIN_LETTERS = 10;
const LETTER = /\p{L}/gu;

type Eld = { detect(text: string): { language: string; isReliable(): boolean } };

export type LanguageDetector = {
  /** ISO 639-1 code or UNKNOWN_LANGUAGE. Local (no network). */
  detect(text: string): Promise<string>;
};

/**
 * eld (Efficient Language Detector, pure JS, no network), its extra-small n-gram database: measured
 * here at 0.5 s to load, +33 MB heap and ~0.13 ms per message, with the same accuracy as the large
 * one on chat sentences (20/20 over six languages) at a fifth of the memory. Loaded on first use.
 */
export function createLanguageDetector(): LanguageDetector {
  let loading: Promise<Eld> | undefined;
  const load = () => {
    loading ??= import('eld/extrasmall').then((m) => m.eld as unknown as Eld);
    return loading;
  };
  return {
    async detect(text) {
      const words = plainText(text);
      if ((words.match(LETTER)?.length ?? 0) < MIN_LETTERS) return UNKNOWN_LANGUAGE;
      const eld = await load();
      const result = eld.detect(words);
      return result.language && result.isReliable() ? result.language : UNKNOWN_LANGUAGE;
    },
  };
}
