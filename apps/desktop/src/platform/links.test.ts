import { describe, expect, it } from 'vitest';
import { safeUrl, splitLinks } from './links.ts';

describe('link sanitising', () => {
  it('allows http, https and mailto only', () => {
    expect(safeUrl('https://example.com/a?b=1')).toBe('https://example.com/a?b=1');
    expect(safeUrl('mailto:ana@example.com')).toBe('mailto:ana@example.com');
    expect(safeUrl('www.example.com')).toBe('https://www.example.com/');
    for (const bad of [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      'data:text/html,<b>x',
      'file:///etc/passwd',
      'vbscript:x',
      'not a url',
      'http://',
    ]) {
      expect(safeUrl(bad)).toBeNull();
    }
  });

  it('splits text into text and links, dropping trailing punctuation', () => {
    expect(splitLinks('see https://a.example/x, then mail mailto:b@c.d.')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://a.example/x', href: 'https://a.example/x' },
      { kind: 'text', text: ', then mail ' },
      { kind: 'link', text: 'mailto:b@c.d', href: 'mailto:b@c.d' },
      { kind: 'text', text: '.' },
    ]);
  });

  it('handles a long run of punctuation in linear time', () => {
    // The former `/[.,;:!?)\]}]+$/` was retried from every "!" of the run: quadratic on a 4 KB message.
    const inside = `https://a.example/${'!'.repeat(50_000)}x`;
    const started = performance.now();
    expect(splitLinks(inside)[0]).toMatchObject({ kind: 'link', text: inside });
    expect(splitLinks(`https://a.example/x${'!'.repeat(50_000)}`)[0]).toMatchObject({ text: 'https://a.example/x' });
    expect(performance.now() - started).toBeLessThan(100);
  });

  it('never turns a javascript: payload into a link', () => {
    expect(splitLinks('<a href="javascript:alert(1)">x</a> javascript:alert(1)')).toEqual([
      { kind: 'text', text: '<a href="javascript:alert(1)">x</a> javascript:alert(1)' },
    ]);
  });
});
