import type { AppContext, AppModule } from '../../app-context.ts';
import type { Config } from '../../config.ts';
import { createDeepLProvider } from './translation.deepl.ts';
import type { LanguageDetector } from './translation.detect.ts';
import { createGoogleProvider } from './translation.google.ts';
import { createLibreTranslateProvider } from './translation.libretranslate.ts';
import type { TranslationProvider } from './translation.provider.ts';
import { defaultRetryPolicy, type RetryPolicy } from './translation.retry.ts';
import { conversationTranslationRoutes, translationStatusRoutes } from './translation.routes.ts';
import { createTranslationService } from './translation.service.ts';

/** The provider TRANSLATE_PROVIDER names, or null (feature shown as unavailable). */
export function providerFromConfig(config: Config, retry?: Partial<RetryPolicy>): TranslationProvider | null {
  const policy = { ...defaultRetryPolicy, maxRetries: config.TRANSLATE_MAX_RETRIES, ...retry };
  switch (config.TRANSLATE_PROVIDER) {
    case 'deepl':
      return createDeepLProvider({
        authKey: config.DEEPL_AUTH_KEY ?? '',
        serverUrl: config.DEEPL_SERVER_URL,
        retry: policy,
      });
    case 'libretranslate':
      return createLibreTranslateProvider({
        baseUrl: config.LIBRETRANSLATE_URL ?? '',
        apiKey: config.LIBRETRANSLATE_API_KEY,
        retry: policy,
      });
    case 'google':
      return createGoogleProvider({
        apiKey: config.GOOGLE_TRANSLATE_API_KEY ?? '',
        baseUrl: config.GOOGLE_TRANSLATE_URL,
        retry: policy,
      });
    default:
      return null;
  }
}

export type TranslationOptions = {
  /** Tests: a shorter backoff. */
  retry?: Partial<RetryPolicy>;
};

export function createTranslationModule(
  ctx: Pick<AppContext, 'config' | 'storage' | 'logger' | 'clock' | 'requireAuth'>,
  detector: LanguageDetector,
  options: TranslationOptions = {},
) {
  const provider = providerFromConfig(ctx.config, options.retry);
  if (!provider) ctx.logger.info('translation off: TRANSLATE_PROVIDER is not set');
  const service = createTranslationService({ ...ctx, provider, detector });
  const deps = { translation: service, requireAuth: ctx.requireAuth };
  return {
    routers: [
      { prefix: '/translation', router: translationStatusRoutes(deps) },
      { prefix: '/conversations', router: conversationTranslationRoutes(deps) },
    ],
    service,
  } satisfies AppModule & Record<string, unknown>;
}
