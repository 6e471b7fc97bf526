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

  it('subscribes only to ids not yet subscribed on this connection, in batches the server accepts', () => {
    expect(presenceBatches(['u2', 'u3', 'u4'], new Set(['u2']))).toEqual([['u3', 'u4']]);
    expect(presenceBatches(['u2'], new Set(['u2']))).toEqual([]);
    const many = Array.from({ length: PRESENCE_BATCH + 3 }, (_, i) => `u${i}`);
    expect(presenceBatches(many, new Set()).map((b) => b.length)).toEqual([PRESENCE_BATCH, 3]);
  });
});
