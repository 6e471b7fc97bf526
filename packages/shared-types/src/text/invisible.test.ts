import { describe, expect, it } from 'vitest';
import { conversationTitleSchema } from '../dto/conversation.ts';
import { displayNameSchema } from '../dto/user.ts';
import { findInvisibleCharacter, INVISIBLE_CHARACTERS_MESSAGE, stripInvisibleCharacters } from './invisible.ts';

const REFUSED: Array<[string, string]> = [
  ['right-to-left override', 'Ana\u202Egnp.exe'],
  ['left-to-right override', '\u202DAna'],
  ['embedding', 'A\u202Ana'],
  ['pop directional', 'Ana\u202C'],
  ['isolates', 'A\u2066n\u2067a\u2068x\u2069'],
  ['direction marks', 'Ana\u200F'],
  ['arabic letter mark', 'Ana\u061C'],
  ['zero-width space', 'ad\u200Bmin'],
  ['zero-width non-joiner between Latin letters', 'ad\u200Cmin'],
  ['zero-width joiner between Latin letters', 'ad\u200Dmin'],
  ['joiner after an emoji, before a letter', '👍\u200Da'],
  ['word joiner', 'ad\u2060min'],
  ['byte order mark inside', 'ad\uFEFFmin'],
  ['soft hyphen', 'ad\u00ADmin'],
  ['invisible math operator', 'a\u2062b'],
  ['combining grapheme joiner', 'a\u034Fb'],
  ['Hangul filler (looks empty)', '\u3164\u3164'],
  ['braille blank', '\u2800'],
  ['tag characters outside a flag', 'admin\u{E0061}'],
  ['variation selector after a Latin letter', 'adm\uFE0Fin'],
  ['interlinear annotation', 'a\uFFF9b'],
  ['lone surrogate', 'a\uD800b'],
];
const ALLOWED: Array<[string, string]> = [
  ['plain', 'Ana María'],
  ['Arabic', 'محمد'],
  ['Persian with ZWNJ', 'می\u200Cخواهم'],
  ['Persian with a vowel mark before ZWNJ', 'مَی\u200Cخواهم'],
  ['Malayalam with ZWJ', 'ന്\u200Dന'],
  ['Hindi with ZWNJ', 'क्\u200Cष'],
  ['emoji ZWJ sequence', '👩‍💻 Dev'],
  ['emoji with skin tone and ZWJ', '👩🏽‍💻'],
  ['rainbow flag (VS16 then ZWJ)', '🏳️‍🌈'],
  ['heart with VS16', 'I ❤️ tea'],
  ['keycap', '#️⃣1️⃣'],
  ['subdivision flag (tags)', '🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}'],
  ['ideographic variation', '葛\u{E0100}'],
  ['Hebrew', 'שלום'],
];

describe('invisible and text-direction characters in names (issue 21 #11)', () => {
  it.each(REFUSED)('refuses %s', (_label, text) => {
    expect(findInvisibleCharacter(text)).not.toBeNull();
    expect(displayNameSchema.safeParse(text).success).toBe(false);
    expect(conversationTitleSchema.safeParse(text).success).toBe(false);
  });

  it.each(ALLOWED)('allows %s', (_label, text) => {
    expect(findInvisibleCharacter(text)).toBeNull();
    expect(displayNameSchema.safeParse(text).success).toBe(true);
    expect(conversationTitleSchema.safeParse(text).success).toBe(true);
  });

  it('says which problem it is, for clients to translate', () => {
    const invisible = displayNameSchema.safeParse('ad\u200Bmin');
    expect(invisible.error?.issues[0]).toMatchObject({
      message: INVISIBLE_CHARACTERS_MESSAGE,
      params: { reason: 'invisible_characters', codePoint: 'U+200B' },
    });
    const control = conversationTitleSchema.safeParse('Team\u0007');
    expect(control.error?.issues[0]).toMatchObject({ params: { reason: 'control_characters' } });
    expect(findInvisibleCharacter('ok\u202E')).toEqual({ index: 2, codePoint: 0x202e, kind: 'invisible' });
  });

  it('strips with the same rules, keeping legitimate joiners', () => {
    expect(stripInvisibleCharacters('ad\u200Bmin\u202E')).toBe('admin');
    expect(stripInvisibleCharacters('👩‍💻 a\u200Db')).toBe('👩‍💻 ab');
    expect(stripInvisibleCharacters('می\u200Cخواهم')).toBe('می\u200Cخواهم');
  });

  it('is linear on long hostile input', () => {
    const long = 'a\u200D'.repeat(50_000);
    const started = Date.now();
    expect(findInvisibleCharacter(long)?.index).toBe(1);
    expect(stripInvisibleCharacters(long)).toBe('a'.repeat(50_000));
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
