import { describe, expect, it } from 'vitest';
import { plainText, protect, restore } from './translation.protect.ts';

/** What a provider does to the protected text: translate words, keep tags. */
const fakeTranslate = (s: string) => s.replace('Mira', 'Look at').replace('y', 'and').replace('gracias', 'thanks');

describe('protect / restore', () => {
  it('keeps mentions, links, code spans, code blocks and emoji through a translation', () => {
    const text =
      'Mira @maria.lopez https://example.com/a?b=1&c=2. y `npm run <dev>` gracias 👍🏽 👩‍💻 🇪🇸\n```\nconst a = 1 < 2;\n```';
    const p = protect(text);
    expect(p.tokens).toEqual([
      '@maria.lopez',
      'https://example.com/a?b=1&c=2',
      '`npm run <dev>`',
      '👍🏽',
      '👩‍💻',
      '🇪🇸',
      '```\nconst a = 1 < 2;\n```',
    ]);
    expect(p.text).not.toContain('maria');
    expect(p.text).not.toContain('example.com');
    const back = restore(fakeTranslate(p.text), p.tokens);
    expect(back).toBe(
      'Look at @maria.lopez https://example.com/a?b=1&c=2. and `npm run <dev>` thanks 👍🏽 👩‍💻 🇪🇸\n```\nconst a = 1 < 2;\n```',
    );
  });

  it('escapes markup in the plain text and unescapes the provider answer (Google sends entities back)', () => {
    const p = protect('a < b & "c"');
    expect(p.text).toBe('a &lt; b &amp; "c"');
    expect(restore('a &lt; b &amp; &quot;c&quot; &#39;d&#39;', p.tokens)).toBe('a < b & "c" \'d\'');
  });

  it('restores placeholders the provider rewrote (spacing, closing tag) and appends ones it lost', () => {
    const p = protect('hola @ana y @luis');
    expect(restore('hi <x id=0></x> and', p.tokens)).toBe('hi @ana and @luis');
  });

  it('an e-mail address or a lone @ is not a mention; short handles are not protected', () => {
    expect(protect('write to ana@example.com').tokens).toEqual([]);
    expect(protect('@ alone, @ab').tokens).toEqual([]);
  });

  it('an unclosed backtick is plain text', () => {
    expect(protect('it costs 5` today').tokens).toEqual([]);
  });

  it('plainText drops the protected spans (detection looks at words only)', () => {
    expect(plainText('@maria https://x.y 👍 hola').trim()).toBe('hola');
  });
});
