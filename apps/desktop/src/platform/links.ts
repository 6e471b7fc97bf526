import { trimWhere } from '@charla/shared-types';

/** Schemes a link in a message may use; anything else is shown as plain text. */
const allowedSchemes = new Set(['http:', 'https:', 'mailto:']);

/** Returns a normalised URL when it is safe to open, otherwise null. */
export function safeUrl(raw: string): string | null {
  const candidate = /^www\./i.test(raw) ? `https://${raw}` : raw;
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return null;
  }
  if (!allowedSchemes.has(url.protocol)) return null;
  if (url.protocol !== 'mailto:' && !url.hostname) return null;
  return url.href;
}

export type TextPart = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

const linkPattern = /\b(?:https?:\/\/|mailto:|www\.)[^\s<>"']+/gi;
/**
 * Sentence punctuation after a link is not part of it ("see https://x.org."), nor are chat formatting
 * markers: *https://x.test/p* is a bold link, not a link ending in "*".
 */
const TRAILING_PUNCTUATION = new Set(['.', ',', ';', ':', '!', '?', ')', ']', '}', '*', '_', '~']);

/** Splits message text into plain text and safe links (auto-detection). Never produces HTML. */
export function splitLinks(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const match of text.matchAll(linkPattern)) {
    // A walk from the end, not `/[.,;:!?)\]}]+$/`: that pattern is quadratic on a long run of "!!!!".
    const raw = trimWhere(match[0], (unit) => TRAILING_PUNCTUATION.has(unit), 'end');
    const start = match.index;
    const href = safeUrl(raw);
    if (!href) continue;
    if (start > last) parts.push({ kind: 'text', text: text.slice(last, start) });
    parts.push({ kind: 'link', text: raw, href });
    last = start + raw.length;
  }
  if (last < text.length) parts.push({ kind: 'text', text: text.slice(last) });
  return parts;
}
