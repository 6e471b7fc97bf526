import { describe, expect, it } from 'vitest';
import { splitSnippet } from './search.service.ts';

describe('search snippets', () => {
  it('turns storage markers into plain text and ranges', () => {
    expect(splitSnippet('a \u0002cat\u0003 and a \u0002cat\u0003')).toEqual({
      snippet: 'a cat and a cat',
      highlights: [
        { start: 2, end: 5 },
        { start: 12, end: 15 },
      ],
    });
    expect(splitSnippet('no marks <b>')).toEqual({ snippet: 'no marks <b>', highlights: [] });
    expect(splitSnippet('\u0003stray\u0002')).toEqual({ snippet: 'stray', highlights: [] });
  });
});
