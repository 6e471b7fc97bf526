import { AppError } from '../../http/errors.ts';
import type { TranslationProviderError } from './translation.provider.ts';

export const NO_PROVIDER_HINT =
  'Translation is off: set TRANSLATE_PROVIDER (deepl, libretranslate or google) and its key or URL (see README).';

/** A provider's 429 without Retry-After (DeepL's SDK does not pass it on): wait this long. */
export const RATE_LIMIT_PAUSE_MS = 30_000;

export const noProvider = () => new AppError(503, 'translation_unavailable', NO_PROVIDER_HINT);

export const encryptedConversation = () =>
  new AppError(
    409,
    'encrypted_conversation',
    'This conversation is end-to-end encrypted: its messages are never sent to a translation provider',
  );

export const quotaExceeded = (scope: 'user' | 'global') =>
  new AppError(
    429,
    'translation_quota_exceeded',
    scope === 'user'
      ? 'You have used up your translations for today; originals are shown'
      : "The server's translations for today are used up; originals are shown",
    { headers: { 'Retry-After': String(secondsToUtcMidnight()) } },
  );

function secondsToUtcMidnight(now = Date.now()): number {
  const day = 86_400_000;
  return Math.max(1, Math.ceil((Math.ceil(now / day) * day - now) / 1000));
}

/** A provider failure as the reader sees it: never a 500, never the provider's raw words. */
export function fromProvider(err: TranslationProviderError): AppError {
  switch (err.failure) {
    case 'rate_limited': {
      const seconds = Math.max(1, Math.ceil((err.retryAfterMs ?? RATE_LIMIT_PAUSE_MS) / 1000));
      return new AppError(429, 'rate_limited', 'The translation service is busy; try again shortly', {
        headers: { 'Retry-After': String(seconds) },
      });
    }
    case 'quota':
      return new AppError(503, 'translation_unavailable', "The translation provider's quota is used up for now");
    case 'auth':
      return new AppError(
        503,
        'translation_unavailable',
        'The translation provider refused this server; an admin must check its key',
      );
    case 'bad_request':
      return new AppError(422, 'unprocessable', 'The translation provider cannot translate into this language');
    default:
      return new AppError(503, 'translation_unavailable', 'The translation service is unavailable; try again later');
  }
}
