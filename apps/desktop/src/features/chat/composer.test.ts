import { describe, expect, it } from 'vitest';
import { participant } from '../../api/test-fixtures.ts';
import { mentionQuery, mentionsIn } from './composer.tsx';

describe('mention helpers', () => {
  it('finds the @word being typed at the caret', () => {
    expect(mentionQuery('hi @be', 6)).toEqual({ start: 3, q: 'be' });
    expect(mentionQuery('@', 1)).toEqual({ start: 0, q: '' });
    expect(mentionQuery('mail me@example.com', 19)).toBeNull();
    expect(mentionQuery('hi @ben and more', 16)).toBeNull();
  });

  it('turns @usernames of members into ids, case-insensitively, once each', () => {
    const members = [
      participant('u1', { user: { id: 'u1', username: 'Ben.R', displayName: 'Ben', avatarUrl: null, deleted: false } }),
      participant('u2'),
    ];
    expect(mentionsIn('hey @ben.r and @BEN.R, not @nobody', members)).toEqual(['u1']);
    expect(mentionsIn('no mentions', members)).toEqual([]);
  });
});
