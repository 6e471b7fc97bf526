import { z } from 'zod';

const httpUrl = z.url({ protocol: /^https?$/ });

/**
 * Translation's environment variables, spread into config.ts's envSchema (documented in README.md
 * and .env.example). No TRANSLATE_PROVIDER: the feature shows as unavailable with one line for the admin.
 */
export const translationEnvShape = {
  TRANSLATE_PROVIDER: z.enum(['deepl', 'libretranslate', 'google']).optional(),
  DEEPL_AUTH_KEY: z.string().min(1).optional(),
  /** Default: the SDK's choice (free API for keys ending in ":fx", else pro). */
  DEEPL_SERVER_URL: httpUrl.optional(),
  LIBRETRANSLATE_URL: httpUrl.optional(),
  LIBRETRANSLATE_API_KEY: z.string().min(1).optional(),
  GOOGLE_TRANSLATE_API_KEY: z.string().min(1).optional(),
  GOOGLE_TRANSLATE_URL: httpUrl.default('https://translation.googleapis.com'),
  /** Characters sent to the provider per user per UTC day (cached translations are free). */
  TRANSLATE_USER_DAILY_CHARS: z.coerce.number().int().min(0).default(50_000),
  /** Characters sent to the provider per UTC day for the whole server. */
  TRANSLATE_GLOBAL_DAILY_CHARS: z.coerce.number().int().min(0).default(2_000_000),
  /** Retries of a rate-limited (429) or failed (5xx) provider call, with backoff. */
  TRANSLATE_MAX_RETRIES: z.coerce.number().int().min(0).max(5).default(2),
};

type TranslationEnv = {
  TRANSLATE_PROVIDER?: 'deepl' | 'libretranslate' | 'google' | undefined;
  DEEPL_AUTH_KEY?: string | undefined;
  LIBRETRANSLATE_URL?: string | undefined;
  GOOGLE_TRANSLATE_API_KEY?: string | undefined;
};

/** The chosen provider's required settings, named when missing. */
export function translationConfigProblems(e: TranslationEnv): string[] {
  const need: Record<string, [keyof TranslationEnv, string | undefined]> = {
    deepl: ['DEEPL_AUTH_KEY', e.DEEPL_AUTH_KEY],
    libretranslate: ['LIBRETRANSLATE_URL', e.LIBRETRANSLATE_URL],
    google: ['GOOGLE_TRANSLATE_API_KEY', e.GOOGLE_TRANSLATE_API_KEY],
  };
  const required = e.TRANSLATE_PROVIDER ? need[e.TRANSLATE_PROVIDER] : undefined;
  return required && !required[1] ? [`${required[0]}: required when TRANSLATE_PROVIDER=${e.TRANSLATE_PROVIDER}`] : [];
}
