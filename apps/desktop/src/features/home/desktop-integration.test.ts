import type { ConversationSummary } from '@charla/shared-types';
import { describe, expect, it } from 'vitest';
import { trayRecent } from './desktop-integration.ts';

const conv = (id: string, over: Partial<ConversationSummary> = {}) =>
  ({
    id,
    kind: 'group',
    title: `Group ${id}`,
    peer: null,
    unreadCount: 0,
    me: { archived: false },
    ...over,
  }) as unknown as ConversationSummary;

describe('tray recent conversations', () => {
  it('the first five of the list that are not archived, with titles and unread counts only', () => {
    const list = [
      conv('a', { unreadCount: 3 }),
      conv('b', { me: { archived: true } as ConversationSummary['me'] }),
      conv('c', { title: 'x'.repeat(150) }),
      conv('d', { kind: 'direct', title: null, peer: { displayName: 'Ana' } as ConversationSummary['peer'] }),
      conv('e'),
      conv('f'),
      conv('g'),
    ];
    const items = trayRecent(list, 'Unknown');
    expect(items.map((i) => i.conversationId)).toEqual(['a', 'c', 'd', 'e', 'f']);
    expect(items[0]).toEqual({ conversationId: 'a', title: 'Group a', unread: 3 });
    expect(items[1]?.title).toHaveLength(100);
    expect(items[2]?.title).toBe('Ana');
    expect(trayRecent(undefined, 'Unknown')).toEqual([]);
  });
});
