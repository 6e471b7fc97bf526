import { useApp } from '../../app-context.tsx';
import { splitLinks } from '../../platform/links.ts';

/**
 * Message text rendered as React text nodes (so HTML in a message shows literally); links are
 * sanitised and opened outside the app through the platform.
 */
export function MessageText({ text }: { text: string }) {
  const { platform } = useApp();
  return (
    <>
      {splitLinks(text).map((part, i) =>
        part.kind === 'text' ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: parts of one immutable string
          <span key={i}>{part.text}</span>
        ) : (
          <a
            // biome-ignore lint/suspicious/noArrayIndexKey: parts of one immutable string
            key={i}
            href={part.href}
            target="_blank"
            rel="noopener noreferrer"
            onClick={(e) => {
              e.preventDefault();
              void platform.openExternal(part.href);
            }}
          >
            {part.text}
          </a>
        ),
      )}
    </>
  );
}

/** Search snippets: highlights are offsets into plain text, rendered as <mark>, never as HTML. */
export function Highlighted({ text, ranges }: { text: string; ranges: { start: number; end: number }[] }) {
  const out: { text: string; mark: boolean }[] = [];
  let at = 0;
  for (const r of [...ranges].sort((a, b) => a.start - b.start)) {
    const start = Math.max(at, Math.min(r.start, text.length));
    const end = Math.max(start, Math.min(r.end, text.length));
    if (start > at) out.push({ text: text.slice(at, start), mark: false });
    if (end > start) out.push({ text: text.slice(start, end), mark: true });
    at = end;
  }
  if (at < text.length) out.push({ text: text.slice(at), mark: false });
  return (
    <>
      {out.map((p, i) =>
        // biome-ignore lint/suspicious/noArrayIndexKey: parts of one immutable string
        p.mark ? <mark key={i}>{p.text}</mark> : <span key={i}>{p.text}</span>,
      )}
    </>
  );
}
