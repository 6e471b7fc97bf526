import { describe, expect, it } from 'vitest';
import { SNIPPET_END as E, SNIPPET_START as S } from '../ports.ts';
import { makeSnippet } from './mongo-message-search.ts';

// MongoDB has no snippet(): this is the adapter's own, checked here without a server.
describe('makeSnippet', () => {
  it('marks every occurrence of every term, case-insensitively', () => {
    expect(makeSnippet('Lunch at noon, lunch again', ['lunch', 'noon'])).toBe(
      `${S}Lunch${E} at ${S}noon${E}, ${S}lunch${E} again`,
    );
  });

  it('cuts a window around the first hit with ellipses', () => {
    const words = Array.from({ length: 40 }, (_, i) => `w${i}`);
    words[20] = 'needle';
    const out = makeSnippet(words.join(' '), ['needle'], 3);
    expect(out.startsWith('…')).toBe(true);
    expect(out.endsWith('…')).toBe(true);
    expect(out).toContain(`w17 w18 w19 ${S}needle${E} w21 w22 w23`);
    expect(out).not.toContain('w10');
  });

  it('treats regex characters in terms literally and survives no hit', () => {
    expect(makeSnippet('a+b (c)', ['a+b'])).toBe(`${S}a+b${E} (c)`);
    expect(makeSnippet('nothing here', ['zzz'])).toBe('nothing here');
  });
});
