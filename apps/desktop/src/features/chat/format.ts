import { splitLinks } from '../../platform/links.ts';

/**
 * Chat formatting as WhatsApp/Telegram/Slack users type it: *bold*, _italic_, ~strike~, `code` and
 * ```code blocks```. The result is a tree of plain data that `message-text.tsx` turns into React
 * elements, so message text is never interpreted as HTML.
 *
 * Linear time by construction (no backtracking regular expressions): code blocks and inline code are
 * found with indexOf from a moving start; emphasis openers are visited once, left to right, and each
 * marker kind keeps one forward-only pointer into the list of its possible closers. A hostile input
 * such as 100,000 unmatched "*" costs one pass.
 */
export type FormatNode =
  | { kind: 'text'; text: string }
  | { kind: 'link'; text: string; href: string }
  | { kind: 'code'; text: string }
  | { kind: 'pre'; text: string }
  | { kind: 'bold' | 'italic' | 'strike'; children: FormatNode[] };

const FENCE = '```';
const EMPHASIS = { '*': 'bold', _: 'italic', '~': 'strike' } as const;
type Marker = keyof typeof EMPHASIS;

// ASCII answered by comparison; only other characters pay for a Unicode regex test.
const isSpace = (c: string | undefined) =>
  c === undefined || c === ' ' || c === '\n' || c === '\t' || c === '\r' || (c > '\u007f' && /\s/.test(c));
const isWordChar = (c: string | undefined) =>
  c !== undefined &&
  ((c >= 'a' && c <= 'z') ||
    (c >= 'A' && c <= 'Z') ||
    (c >= '0' && c <= '9') ||
    (c > '\u007f' && /[\p{L}\p{N}]/u.test(c)));

export function parseFormatting(text: string): FormatNode[] {
  const out: FormatNode[] = [];
  let at = 0;
  while (at < text.length) {
    const open = text.indexOf(FENCE, at);
    const close = open < 0 ? -1 : text.indexOf(FENCE, open + FENCE.length);
    if (open < 0 || close < 0 || close === open + FENCE.length) {
      pushInline(out, text.slice(at));
      break;
    }
    if (open > at) pushInline(out, text.slice(at, open));
    // A newline right after the opening fence (and before the closing one) belongs to the fence.
    const body = text
      .slice(open + FENCE.length, close)
      .replace(/^\n/, '')
      .replace(/\n$/, '');
    out.push({ kind: 'pre', text: body });
    at = close + FENCE.length;
  }
  return out;
}

/** Inline code first (its content is literal), then emphasis and links in the rest. */
function pushInline(out: FormatNode[], text: string) {
  // `plain` is where the text not yet emitted starts; literal backticks just move `at` on.
  let plain = 0;
  let at = 0;
  while (at < text.length) {
    const open = text.indexOf('`', at);
    const close = open < 0 ? -1 : text.indexOf('`', open + 1);
    if (open < 0 || close < 0) break;
    const inner = text.slice(open + 1, close);
    // `` (empty) or a span across lines stays literal: resume after the first backtick.
    if (inner.length === 0 || inner.includes('\n')) {
      at = open + 1;
      continue;
    }
    if (open > plain) pushEmphasis(out, text.slice(plain, open));
    out.push({ kind: 'code', text: inner });
    at = close + 1;
    plain = at;
  }
  if (plain < text.length) pushEmphasis(out, text.slice(plain));
}

function pushEmphasis(out: FormatNode[], text: string) {
  if (!text) return;
  // Markers inside a link are part of the URL (https://x.test/_a_/), never formatting.
  const linkAt = new Uint8Array(text.length);
  let offset = 0;
  for (const part of splitLinks(text)) {
    if (part.kind === 'link') linkAt.fill(1, offset, offset + part.text.length);
    offset += part.text.length;
  }
  const closers: Record<Marker, number[]> = { '*': [], _: [], '~': [] };
  const canOpen = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (!(c in EMPHASIS) || linkAt[i]) continue;
    const prev = text[i - 1];
    const next = text[i + 1];
    if (!isSpace(next) && next !== c && !isWordChar(prev) && prev !== c) canOpen[i] = 1;
    if (!isSpace(prev) && prev !== c && !isWordChar(next) && next !== c) closers[c as Marker].push(i);
  }
  const cursor: Record<Marker, number> = { '*': 0, _: 0, '~': 0 };
  // Where each position's line ends, so "same line" is one comparison rather than a scan.
  const lineEnd = new Uint32Array(text.length + 1);
  lineEnd[text.length] = text.length;
  for (let i = text.length - 1; i >= 0; i--) lineEnd[i] = text[i] === '\n' ? i : (lineEnd[i + 1] as number);

  /** Parses text[from, to) into nodes; `open` holds the markers already open around it. */
  const parse = (from: number, to: number, open: Set<Marker>): FormatNode[] => {
    const nodes: FormatNode[] = [];
    let plain = from;
    let i = from;
    while (i < to) {
      const c = text[i] as Marker;
      if (canOpen[i] && !open.has(c)) {
        const list = closers[c];
        while ((list[cursor[c]] ?? Number.POSITIVE_INFINITY) <= i + 1) cursor[c]++;
        const end = list[cursor[c]];
        // The closer must be inside the enclosing span and on the same line.
        if (end !== undefined && end < to && end < (lineEnd[i] as number)) {
          if (i > plain) pushText(nodes, text.slice(plain, i));
          const inner = new Set(open).add(c);
          nodes.push({ kind: EMPHASIS[c], children: parse(i + 1, end, inner) });
          i = end + 1;
          plain = i;
          continue;
        }
      }
      i++;
    }
    if (to > plain) pushText(nodes, text.slice(plain, to));
    return nodes;
  };
  for (const node of parse(0, text.length, new Set())) out.push(node);
}

function pushText(nodes: FormatNode[], text: string) {
  for (const part of splitLinks(text))
    nodes.push(part.kind === 'link' ? { ...part } : { kind: 'text', text: part.text });
}

/** The text without formatting markers (previews, notifications, quotes). */
export function plainText(nodes: FormatNode[]): string {
  return nodes.map((n) => ('children' in n ? plainText(n.children) : n.text)).join('');
}
