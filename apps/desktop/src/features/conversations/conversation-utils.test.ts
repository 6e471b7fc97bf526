import { describe, expect, it } from 'vitest';
import { summary } from '../../api/test-fixtures.ts';
import { conversationName, filterConversations, isMuted } from './conversation-utils.ts';

const me = summary({ id: 'x' }).me;

describe('conversation list helpers', () => {
  const list = [
    summary({ id: 'd', peer: { id: 'u2', username: 'ben', displayName: 'Ben Ross', avatarUrl: null, deleted: false } }),
    summary({ id: 'g', kind: 'group', title: 'Book club', peer: null, unreadCount: 2 }),
    summary({ id: 'a', kind: 'group', title: 'Old stuff', peer: null, me: { ...me, archived: true } }),
  ];

  it('names direct chats after the peer', () => {
    expect(conversationName(list[0] as (typeof list)[0])).toBe('Ben Ross');
    expect(conversationName(summary({ id: 'z', peer: null }), '?')).toBe('?');
  });

  it('filters by text, unread, groups and archive', () => {
    expect(filterConversations(list, 'ross', 'all').map((c) => c.id)).toEqual(['d']);
    expect(filterConversations(list, '', 'all').map((c) => c.id)).toEqual(['d', 'g']);
    expect(filterConversations(list, '', 'unread').map((c) => c.id)).toEqual(['g']);
    expect(filterConversations(list, '', 'groups').map((c) => c.id)).toEqual(['g']);
    expect(filterConversations(list, '', 'archived').map((c) => c.id)).toEqual(['a']);
  });

  it('is muted only until mutedUntil', () => {
    const now = Date.parse('2026-06-01T00:00:00.000Z');
    expect(isMuted(summary({ id: 'm', me: { ...me, mutedUntil: '2026-07-01T00:00:00.000Z' } }), now)).toBe(true);
    expect(isMuted(summary({ id: 'm', me: { ...me, mutedUntil: '2026-05-01T00:00:00.000Z' } }), now)).toBe(false);
  });
});
