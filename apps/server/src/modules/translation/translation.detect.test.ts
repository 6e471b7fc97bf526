import { describe, expect, it } from 'vitest';
import { createLanguageDetector, UNKNOWN_LANGUAGE } from './translation.detect.ts';

describe('language detection (eld, local)', () => {
  const detector = createLanguageDetector();

  it.each([
    ['es', 'Hola, ¿cómo estás? Mañana nos vemos en la oficina'],
    ['es', 'Fuimos a la playa con los niños'],
    ['en', 'Great, we stayed home and watched films'],
    ['en', 'The report is ready, please review it when you can'],
    ['fr', "Je ne peux pas venir aujourd'hui, trop de travail"],
    ['de', 'Ich kann heute nicht kommen, zu viel Arbeit'],
  ])('%s: %s', async (lang, text) => {
    expect(await detector.detect(text)).toBe(lang);
  });

  it.each(['ok', 'jaja', 'no', 'sí', '👍👍', 'lol 😂', '@maria https://example.com/un-enlace-largo', '`const x = 1`'])(
    'short or wordless text is unknown: %s',
    async (text) => {
      expect(await detector.detect(text)).toBe(UNKNOWN_LANGUAGE);
    },
  );

  it('ignores mentions and links when judging', async () => {
    expect(await detector.detect('@john_smith mira https://example.com/see-this-page, ¿qué te parece el plan?')).toBe(
      'es',
    );
  });
});
