/*
 * Mentions, links, code and emoji must come back from a translation exactly as they were sent:
 * each is swapped for a numbered placeholder tag (<x id="N"/>) that providers keep in HTML mode,
 * the rest is HTML-escaped, and restore() puts the originals back. A placeholder the provider lost
 * is appended rather than dropped, so nothing of the original disappears.
 *
 * A hand-written scanner, not one big alternation: every step is linear in the text (the ReDoS
 * audit checks each regex in the sources).
 */

export type Protected = { text: string; tokens: string[] };

const WORD = /[\p{L}\p{N}_]/u;
const USERNAME_CHAR = /[A-Za-z0-9_.]/;
const PICTO = /[\p{Extended_Pictographic}\p{Regional_Indicator}]/u;
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const TRAILING_PUNCT = '.,;:!?)]}\'"»”’';
const WHITESPACE = /\s/;

const escapeHtml = (s: string): string => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/** Length of the protected span starting at `i`, or 0. */
function spanAt(text: string, i: number): number {
  const ch = text[i] ?? '';
  if (ch === '`') {
    const fence = text.startsWith('```', i);
    const close = text.indexOf(fence ? '```' : '`', i + (fence ? 3 : 1));
    return close === -1 ? 0 : close + (fence ? 3 : 1) - i;
  }
  if ((ch === 'h' || ch === 'H') && /^https?:\/\//i.test(text.slice(i, i + 8))) {
    let end = i;
    while (end < text.length && !WHITESPACE.test(text[end] ?? ' ')) end++;
    while (end > i && TRAILING_PUNCT.includes(text[end - 1] ?? '')) end--;
    return end - i;
  }
  if (ch === '@' && (i === 0 || !(WORD.test(text[i - 1] ?? '') || text[i - 1] === '@'))) {
    let end = i + 1;
    while (end < text.length && end - i <= 32 && USERNAME_CHAR.test(text[end] ?? '')) end++;
    while (end > i + 1 && text[end - 1] === '.') end--;
    return end - i - 1 >= 3 ? end - i : 0;
  }
  const first = String.fromCodePoint(text.codePointAt(i) ?? 0);
  if (PICTO.test(first) && !/[0-9#*]/.test(first)) {
    // One grapheme: skin tones, ZWJ sequences (👩‍💻), flags (🇪🇸) and keycaps stay one emoji.
    const grapheme =
      graphemes
        .segment(text.slice(i, i + 64))
        [Symbol.iterator]()
        .next().value?.segment ?? first;
    return grapheme.length;
  }
  return 0;
}

/** Splits text into plain runs and protected spans (mentions, links, code, emoji). */
export function segments(text: string): { protectedSpan: boolean; value: string }[] {
  const out: { protectedSpan: boolean; value: string }[] = [];
  let plainStart = 0;
  let i = 0;
  while (i < text.length) {
    const len = spanAt(text, i);
    if (len > 0) {
      if (i > plainStart) out.push({ protectedSpan: false, value: text.slice(plainStart, i) });
      out.push({ protectedSpan: true, value: text.slice(i, i + len) });
      i += len;
      plainStart = i;
    } else {
      i += (text.codePointAt(i) ?? 0) > 0xffff ? 2 : 1;
    }
  }
  if (plainStart < text.length) out.push({ protectedSpan: false, value: text.slice(plainStart) });
  return out;
}

export function protect(text: string): Protected {
  const tokens: string[] = [];
  let out = '';
  for (const s of segments(text)) {
    if (s.protectedSpan) {
      out += `<x id="${tokens.length}"/>`;
      tokens.push(s.value);
    } else out += escapeHtml(s.value);
  }
  return { text: out, tokens };
}

/** The text with protected spans removed: what language detection and "anything to translate?" look at. */
export function plainText(text: string): string {
  return segments(text)
    .filter((s) => !s.protectedSpan)
    .map((s) => s.value)
    .join(' ');
}

const PLACEHOLDER = /<x\s+id="?(\d{1,4})"?\s*\/?>(?:<\/x>)?/g;
const ENTITY = /&(amp|lt|gt|quot|apos|#\d{1,7}|#x[0-9a-fA-F]{1,6});/g;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function unescapeHtml(s: string): string {
  return s.replace(ENTITY, (whole, name: string) => {
    if (name in NAMED) return NAMED[name] ?? whole;
    const code = name.startsWith('#x') ? Number.parseInt(name.slice(2), 16) : Number.parseInt(name.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

export function restore(translated: string, tokens: string[]): string {
  const used = new Set<number>();
  // Unescape between placeholders only, so a token's own "&lt;" (inside code) is never touched.
  let out = '';
  let last = 0;
  for (const m of translated.matchAll(PLACEHOLDER)) {
    const n = Number(m[1]);
    out += unescapeHtml(translated.slice(last, m.index));
    const token = tokens[n];
    if (token !== undefined) {
      out += token;
      used.add(n);
    }
    last = m.index + m[0].length;
  }
  out += unescapeHtml(translated.slice(last));
  const lost = tokens.filter((_, n) => !used.has(n));
  return lost.length ? `${out.trimEnd()} ${lost.join(' ')}` : out;
}
