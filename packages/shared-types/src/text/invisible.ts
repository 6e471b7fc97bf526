/**
 * Characters that draw nothing or reorder the text around them, which let one name pass for another
 * ("admin\u200B", "\u202Egnp.exe", a name of Hangul fillers that looks empty). Names a person
 * gives something (display names, group and channel titles) refuse them through the shared schemas,
 * so the client and the server agree; what arrives from elsewhere (an OIDC provider's name claim, a
 * file name) has them stripped with the same rules.
 *
 * Deliberate exceptions, because real text needs them:
 * - U+200D ZERO WIDTH JOINER inside an emoji sequence (👩‍💻, 🏳️‍🌈) and between letters of
 *   scripts that use joiners (Arabic, Indic…);
 * - U+200C ZERO WIDTH NON-JOINER between letters of those scripts (Persian "می‌خواهم");
 * - U+FE0E/U+FE0F after an emoji-capable character (❤️, 1️⃣), other variation selectors after
 *   an ideograph;
 * - tag characters inside a subdivision flag (🏴 + tags + cancel tag).
 * Everything else in \p{Cc} and \p{Cf}, the line/paragraph separators, lone surrogates and a few
 * letters that render blank (Hangul fillers, U+2800) is refused. One pass over the string: linear.
 */
export type InvisibleCharacter = {
  /** UTF-16 index of the character. */
  index: number;
  codePoint: number;
  /** 'control': control characters, line separators, lone surrogates; 'invisible': the rest. */
  kind: 'control' | 'invisible';
};

/** What the schemas say, in one place (the client shows its own translation). */
export const INVISIBLE_CHARACTERS_MESSAGE =
  'Remove invisible or text-direction characters (zero-width spaces, direction marks or overrides)';

const ZWNJ = 0x200c;
const ZWJ = 0x200d;
const BLACK_FLAG = 0x1f3f4;
const TAG_FIRST = 0xe0020;
const TAG_CANCEL = 0xe007f;
/** Render as nothing although they are letters or marks. */
const BLANK = new Set([0x034f, 0x115f, 0x1160, 0x17b4, 0x17b5, 0x2800, 0x3164, 0xffa0]);

const isControl = (c: string) => /\p{Cc}|\p{Zl}|\p{Zp}/u.test(c);
const isFormat = (c: string) => /\p{Cf}/u.test(c);
const isMark = (c: string) => /\p{M}/u.test(c);
const isPictographic = (c: string) => /\p{Extended_Pictographic}/u.test(c);
const isEmojiBase = (c: string) => /\p{Emoji}/u.test(c);
const isIdeograph = (c: string) => /\p{Ideographic}/u.test(c);
/** Scripts whose spelling uses ZWJ/ZWNJ between letters. */
const JOINING_SCRIPT =
  /\p{Script=Arabic}|\p{Script=Syriac}|\p{Script=Nko}|\p{Script=Devanagari}|\p{Script=Bengali}|\p{Script=Gurmukhi}|\p{Script=Gujarati}|\p{Script=Oriya}|\p{Script=Tamil}|\p{Script=Telugu}|\p{Script=Kannada}|\p{Script=Malayalam}|\p{Script=Sinhala}|\p{Script=Myanmar}|\p{Script=Khmer}/u;
const isJoiningLetter = (c: string | undefined) => c !== undefined && /\p{L}/u.test(c) && JOINING_SCRIPT.test(c);
const isVariationSelector = (cp: number) => (cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0xe0100 && cp <= 0xe01ef);

/** Code points of `text` with their UTF-16 index; a lone surrogate is returned as itself. */
function codePoints(text: string): { cp: number; ch: string; index: number }[] {
  const out: { cp: number; ch: string; index: number }[] = [];
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i) ?? 0;
    const size = cp > 0xffff ? 2 : 1;
    out.push({ cp, ch: text.slice(i, i + size), index: i });
    i += size;
  }
  return out;
}

/** Whether the character at `i` is refused, given its neighbours. */
function refusedAt(all: { cp: number; ch: string }[], i: number): InvisibleCharacter['kind'] | null {
  const at = all[i];
  if (!at) return null;
  const { cp, ch } = at;
  if (cp >= 0xd800 && cp <= 0xdfff) return 'control';
  if (isControl(ch)) return 'control';
  if (BLANK.has(cp)) return 'invisible';
  const prev = all[i - 1];
  const next = all[i + 1];
  // The letter a joiner follows may carry marks (Arabic vowel signs): look past them.
  let base = i - 1;
  while (base >= 0 && isMark(all[base]?.ch ?? '')) base--;
  const prevBase = all[base]?.ch;
  if (cp === ZWJ) {
    const inEmoji =
      next !== undefined &&
      isPictographic(next.ch) &&
      prev !== undefined &&
      (isPictographic(prev.ch) || /\p{Emoji_Modifier}/u.test(prev.ch) || prev.cp === 0xfe0f);
    return inEmoji || (isJoiningLetter(prevBase) && isJoiningLetter(next?.ch)) ? null : 'invisible';
  }
  if (cp === ZWNJ) return isJoiningLetter(prevBase) && isJoiningLetter(next?.ch) ? null : 'invisible';
  if (cp >= TAG_FIRST && cp <= TAG_CANCEL) {
    // 🏴 then tag letters, closed by the cancel tag: walk back to the flag.
    let j = i - 1;
    while (j >= 0 && (all[j]?.cp ?? 0) >= TAG_FIRST && (all[j]?.cp ?? 0) < TAG_CANCEL) j--;
    return all[j]?.cp === BLACK_FLAG ? null : 'invisible';
  }
  if (isVariationSelector(cp)) {
    if (prev === undefined) return 'invisible';
    if (cp === 0xfe0e || cp === 0xfe0f) return isEmojiBase(prev.ch) ? null : 'invisible';
    return isIdeograph(prev.ch) ? null : 'invisible';
  }
  return isFormat(ch) ? 'invisible' : null;
}

/** The first refused character, or null when the text is clean. */
export function findInvisibleCharacter(text: string): InvisibleCharacter | null {
  const all = codePoints(text);
  for (let i = 0; i < all.length; i++) {
    const kind = refusedAt(all, i);
    const at = all[i];
    if (kind && at) return { index: at.index, codePoint: at.cp, kind };
  }
  return null;
}

/** The text without the characters `findInvisibleCharacter` refuses (for names we cannot send back). */
export function stripInvisibleCharacters(text: string): string {
  const all = codePoints(text);
  let out = '';
  for (let i = 0; i < all.length; i++) if (!refusedAt(all, i)) out += all[i]?.ch ?? '';
  return out;
}
