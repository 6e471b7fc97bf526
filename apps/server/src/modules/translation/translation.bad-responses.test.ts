import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDeepLProvider } from './translation.deepl.ts';
import { createGoogleProvider } from './translation.google.ts';
import { createLibreTranslateProvider } from './translation.libretranslate.ts';
import { type TranslationProvider, TranslationProviderError } from './translation.provider.ts';
import type { RetryPolicy } from './translation.retry.ts';
import { type StandInProvider, startTranslationStandIn, type TranslationStandIn } from './translation.stand-in.ts';

/*
 * A provider that answers 200 with something other than its documented body (a captive portal's HTML,
 * a proxy's empty reply, a truncated or reshaped JSON, fewer or more texts than asked, an empty
 * translation) must become a TranslationProviderError('unavailable'): the service turns that into a
 * 503 envelope and the reader keeps the original. Never a TypeError (a 500), never a blank message.
 */

const noRetry: RetryPolicy = { maxRetries: 0, baseDelayMs: 10, maxDelayMs: 2000, timeoutMs: 5000 };

let standIn: TranslationStandIn;
beforeAll(async () => {
  standIn = await startTranslationStandIn({ deeplKey: 'deepl-key:fx', googleKey: 'g-key', libreKey: 'libre-key' });
});
afterAll(() => standIn.close());
beforeEach(() => standIn.reset());

async function unavailable(p: Promise<unknown>): Promise<void> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TranslationProviderError);
  expect((err as TranslationProviderError).failure).toBe('unavailable');
}

type Case = { name: string; body: unknown };
/** One well-formed DeepL translation. */
const es = (text: string) => ({ detected_source_language: 'ES', text });

const providers: {
  name: StandInProvider;
  make: () => TranslationProvider;
  /** Well-formed bodies for two texts asked, with something wrong in the content. */
  wrongContent: Case[];
}[] = [
  {
    name: 'deepl',
    make: () => createDeepLProvider({ authKey: 'deepl-key:fx', serverUrl: standIn.url, retry: noRetry }),
    wrongContent: [
      { name: 'translations missing', body: { result: [] } },
      { name: 'translations not a list', body: { translations: 'Hi' } },
      { name: 'one text for two', body: { translations: [{ detected_source_language: 'ES', text: 'Hi' }] } },
      {
        name: 'three texts for two',
        body: {
          translations: [1, 2, 3].map(() => ({ detected_source_language: 'ES', text: 'Hi' })),
        },
      },
      { name: 'text missing', body: { translations: [{ detected_source_language: 'ES' }, es('b')] } },
      { name: 'text not a string', body: { translations: [{ detected_source_language: 'ES', text: 42 }, es('b')] } },
      { name: 'empty translation', body: { translations: [es(''), es('b')] } },
      {
        name: 'source language not a string',
        body: { translations: [{ text: 'a', detected_source_language: 7 }, es('b')] },
      },
    ],
  },
  {
    name: 'libretranslate',
    make: () => createLibreTranslateProvider({ baseUrl: standIn.url, apiKey: 'libre-key', retry: noRetry }),
    wrongContent: [
      { name: 'translatedText missing', body: { detectedLanguage: { language: 'es', confidence: 90 } } },
      { name: 'one text for two', body: { translatedText: ['Hi'] } },
      { name: 'a string for two', body: { translatedText: 'Hi' } },
      { name: 'three texts for two', body: { translatedText: ['a', 'b', 'c'] } },
      { name: 'text not a string', body: { translatedText: [null, 'b'] } },
      { name: 'empty translation', body: { translatedText: ['   ', 'b'] } },
      { name: 'detected language malformed', body: { translatedText: ['a', 'b'], detectedLanguage: [{ lang: 1 }] } },
    ],
  },
  {
    name: 'google',
    make: () => createGoogleProvider({ apiKey: 'g-key', baseUrl: standIn.url, retry: noRetry }),
    wrongContent: [
      { name: 'data missing', body: { translations: [{ translatedText: 'a' }] } },
      { name: 'one text for two', body: { data: { translations: [{ translatedText: 'a' }] } } },
      {
        name: 'three texts for two',
        body: { data: { translations: ['a', 'b', 'c'].map((t) => ({ translatedText: t })) } },
      },
      {
        name: 'text not a string',
        body: { data: { translations: [{ translatedText: {} }, { translatedText: 'b' }] } },
      },
      {
        name: 'empty translation',
        body: { data: { translations: [{ translatedText: '' }, { translatedText: 'b' }] } },
      },
    ],
  },
];

/** Bodies no provider documents, sent with a 200. */
const garbage: { name: string; body: string; headers?: Record<string, string> }[] = [
  {
    name: 'an HTML page',
    body: '<html><body>Please sign in to the Wi-Fi</body></html>',
    headers: { 'content-type': 'text/html' },
  },
  { name: 'an empty body', body: '' },
  { name: 'truncated JSON', body: '{"translations": [{"text": "Hi' },
  { name: 'JSON null', body: 'null' },
  { name: 'a JSON array', body: '[1, 2]' },
];

for (const p of providers) {
  describe(`${p.name}: a 200 that is not the documented answer is "unavailable"`, () => {
    for (const g of garbage) {
      it(`translate: ${g.name}`, async () => {
        standIn.failNext(p.name, { status: 200, body: g.body, ...(g.headers ? { headers: g.headers } : {}) });
        await unavailable(p.make().translate(['Hola', 'Adiós'], 'en', null));
        expect(standIn.calls[p.name]).toBe(1);
      });
    }
    for (const c of p.wrongContent) {
      it(`translate: ${c.name}`, async () => {
        standIn.failNext(p.name, { status: 200, body: c.body });
        await unavailable(p.make().translate(['Hola', 'Adiós'], 'en', null));
      });
    }
    it('languages: an HTML page, and a list of the wrong shape', async () => {
      standIn.failNext(p.name, { status: 200, body: '<html>oops</html>' });
      await unavailable(p.make().languages());
      standIn.failNext(p.name, { status: 200, body: { languages: 'all of them' } });
      await unavailable(p.make().languages());
    });
    it('an error status with an HTML body still maps by status', async () => {
      standIn.failNext(p.name, { status: 403, body: '<html>Forbidden</html>' });
      const err = await p
        .make()
        .translate(['Hola'], 'en', null)
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect(err).toBeInstanceOf(TranslationProviderError);
      expect((err as TranslationProviderError).failure).toBe('auth');
    });
  });
}
