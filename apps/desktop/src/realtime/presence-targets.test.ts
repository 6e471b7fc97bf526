import { describe, expect, it } from 'vitest';
import { participant, summary } from '../api/test-fixtures.ts';
import { PRESENCE_BATCH, presenceBatches, presenceWanted } from './presence-targets.ts';

const peer = (id: string, deleted = false) => ({ id, username: id, displayName: id, avatarUrl: null, deleted });

describe('whose presence the client watches', () => {
  it('direct-chat peers plus the members of the open group, without me, deleted users or duplicates', () => {
    const list = [
      summary({ id: 'd1', peer: peer('u2') }),
      summary({ id: 'd2', peer: peer('gone', true) }),
      summary({ id: 'g1', kind: 'group', title: 'Team', peer: null }),
    ];
    const members = [participant('me'), participant('u2'), participant('u3'), participant('u4')];
    expect(presenceWanted(list, members, 'me')).toEqual(['u2', 'u3', 'u4']);
    expect(presenceWanted(list, undefined, 'me')).toEqual(['u2']);
    expect(presenceWanted(undefined, undefined, 'me')).toEqual([]);
  });

  it('sends the whole wanted set in one call (the server replaces a socket’s set), nothing when unchanged', () => {
    expect(presenceBatches(['u2', 'u3', 'u4'], new Set(['u2']))).toEqual([['u2', 'u3', 'u4']]);
    expect(presenceBatches(['u2'], new Set(['u2']))).toEqual([]);
    // Fewer wanted than followed: the smaller set replaces the larger one.
    expect(presenceBatches(['u2'], new Set(['u2', 'u3']))).toEqual([['u2']]);
    expect(presenceBatches([], new Set())).toEqual([]);
  });

  it('keeps to the server’s cap, open group members first', () => {
    const list = Array.from({ length: PRESENCE_BATCH + 3 }, (_, i) =>
      summary({ id: `d${i}`, peer: peer(`p${String(i).padStart(4, '0')}`) }),
    );
    const members = [participant('zz-member')];
    const wanted = presenceWanted(list, members, 'me');
    expect(wanted).toHaveLength(PRESENCE_BATCH);
    expect(wanted).toContain('zz-member');
    expect(presenceBatches(wanted, new Set()).map((b) => b.length)).toEqual([PRESENCE_BATCH]);
  });
});
