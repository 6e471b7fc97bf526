import { describe, expect, it } from 'vitest';
import { SKIP_MARK, skipTitle } from './skip.ts';

describe('skipTitle', () => {
  it('embeds the reason where the summary can find it', () => {
    const title = skipTitle('mongo adapter', 'no MongoDB (set MONGODB_URI)');
    expect(title).toBe('mongo adapter [skipped: no MongoDB (set MONGODB_URI)]');
    expect(title.includes(SKIP_MARK)).toBe(true);
  });
});
