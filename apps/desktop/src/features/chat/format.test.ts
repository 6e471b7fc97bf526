import { describe, expect, it } from 'vitest';
import { type FormatNode, parseFormatting, plainText } from './format.ts';

/** Compact notation for assertions: **b**, _i_, ~s~, `c`, ```p```, [link]. */
function show(nodes: FormatNode[]): string {
  return nodes.map(showOne).join('');
}
function showOne(n: FormatNode): string {
  switch (n.kind) {
    case 'text':
      return n.text;
    case 'link':
      return `[${n.text}]`;
    case 'code':
      return `<c:${n.text}>`;
    case 'pre':
      return `<pre:${n.text}>`;
    case 'bold':
      return `<b:${show(n.children)}>`;
    case 'italic':
      return `<i:${show(n.children)}>`;
    case 'strike':
      return `<s:${show(n.children)}>`;
  }
}
const fmt = (s: string) => show(parseFormatting(s));

describe('chat formatting', () => {
  it('parses bold, italic, strike and nesting of different markers', () => {
    expect(fmt('say *hi* now')).toBe('say <b:hi> now');
    expect(fmt('_so_ ~not~ *really*')).toBe('<i:so> <s:not> <b:really>');
    expect(fmt('*bold _and italic_*')).toBe('<b:bold <i:and italic>>');
    expect(fmt('(*paren*), "*quoted*".')).toBe('(<b:paren>), "<b:quoted>".');
  });

  it('leaves markers that are not formatting alone', () => {
    expect(fmt('snake_case_name and 2*3*4')).toBe('snake_case_name and 2*3*4');
    expect(fmt('* not bold *')).toBe('* not bold *');
    expect(fmt('**')).toBe('**');
    expect(fmt('an *unclosed marker')).toBe('an *unclosed marker');
    expect(fmt('*across\nlines*')).toBe('*across\nlines*');
    expect(fmt('*nested *same* marker*')).toBe('<b:nested *same> marker*');
  });

  it('keeps code literal: inline code and fenced blocks', () => {
    expect(fmt('run `rm -rf *tmp*` now')).toBe('run <c:rm -rf *tmp*> now');
    expect(fmt('```\nconst a = *b*;\n<script>\n```')).toBe('<pre:const a = *b*;\n<script>>');
    expect(fmt('before ```x``` after')).toBe('before <pre:x> after');
    expect(fmt('a `` b')).toBe('a `` b');
    expect(fmt('```unclosed')).toBe('```unclosed');
  });

  it('links win over markers inside URLs, and links can be formatted', () => {
    expect(fmt('see https://x.test/_a_/b_c_d ok')).toBe('see [https://x.test/_a_/b_c_d] ok');
    expect(fmt('*https://x.test/p*')).toBe('<b:[https://x.test/p]>');
    const link = parseFormatting('go https://example.com/x.').find((n) => n.kind === 'link');
    expect(link).toEqual({ kind: 'link', text: 'https://example.com/x', href: 'https://example.com/x' });
  });

  it('never produces markup from HTML in the text', () => {
    const text = '<img src=x onerror=alert(1)> *<b>x</b>*';
    expect(plainText(parseFormatting(text))).toBe('<img src=x onerror=alert(1)> <b>x</b>');
  });

  it('stays linear on hostile input (no catastrophic backtracking)', () => {
    const inputs = [
      '*a '.repeat(40_000),
      '_'.repeat(100_000),
      '*_~'.repeat(40_000),
      '*a* '.repeat(25_000),
      '`'.repeat(100_000),
      '```'.repeat(30_000),
      `*x${'\n*y'.repeat(40_000)}`,
      `https://a.test/${'.'.repeat(50_000)}x`,
    ];
    for (const input of inputs) {
      const started = performance.now();
      const nodes = parseFormatting(input);
      const ms = performance.now() - started;
      expect(plainText(nodes).length).toBeLessThanOrEqual(input.length);
      // Quadratic behaviour on 100k characters takes minutes; linear takes milliseconds (generous for loaded CI).
      expect(ms).toBeLessThan(2_000);
    }
  });
});
