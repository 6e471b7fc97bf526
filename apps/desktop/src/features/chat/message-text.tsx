import { useMemo } from 'react';
import { useApp } from '../../app-context.tsx';
import { type FormatNode, parseFormatting } from './format.ts';

/**
 * Message text with chat formatting (*bold*, _italic_, ~strike~, `code`, ```blocks```) rendered as
 * React elements from a parsed tree, so HTML in a message shows literally; links are sanitised and
 * opened outside the app through the platform.
 */
export function MessageText({ text }: { text: string }) {
  const nodes = useMemo(() => parseFormatting(text), [text]);
  return <Nodes nodes={nodes} />;
}

function Nodes({ nodes }: { nodes: FormatNode[] }) {
  return (
    <>
      {nodes.map((n, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: parts of one immutable string
        <Node key={i} node={n} />
      ))}
    </>
  );
}

function Node({ node: n }: { node: FormatNode }) {
  const { platform } = useApp();
  switch (n.kind) {
    case 'text':
      return <span>{n.text}</span>;
    case 'link':
      return (
        <a
          href={n.href}
          target="_blank"
          rel="noopener noreferrer"
          onClick={(e) => {
            e.preventDefault();
            void platform.openExternal(n.href);
          }}
        >
          {n.text}
        </a>
      );
    case 'code':
      return <code>{n.text}</code>;
    case 'pre':
      return (
        <pre className="code-block">
          <code>{n.text}</code>
        </pre>
      );
    case 'bold':
      return (
        <strong>
          <Nodes nodes={n.children} />
        </strong>
      );
    case 'italic':
      return (
        <em>
          <Nodes nodes={n.children} />
        </em>
      );
    case 'strike':
      return (
        <s>
          <Nodes nodes={n.children} />
        </s>
      );
  }
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
