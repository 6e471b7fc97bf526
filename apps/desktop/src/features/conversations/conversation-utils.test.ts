import { describe, expect, it } from 'vitest';
import { summary } from '../../api/test-fixtures.ts';
import { conversationName, filterConversations, isMuted, shortTime, systemPreview } from './conversation-utils.ts';

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

describe('list previews', () => {
  const t = (key: string, vars: Record<string, string>) =>
    key === 'system.created' ? `${vars.actor} created the group` : `${vars.actor} added ${vars.targets}`;
  const labels = { you: 'Ana', someone: 'Someone', fallback: 'No messages yet' };
  const c = { peer: null };

  it('says what a system message did instead of "You: "', () => {
    const created = { type: 'created' as const, actorId: 'me', targetIds: [], value: null };
    expect(systemPreview(created, c, 'me', t, labels)).toBe('Ana created the group');
    const added = { type: 'added' as const, actorId: 'x', targetIds: ['me', 'y'], value: null };
    expect(systemPreview(added, c, 'me', t, labels)).toBe('Someone added Ana, Someone');
    expect(systemPreview(null, c, 'me', t, labels)).toBe('No messages yet');
  });

  it('shows English times without a leading zero', () => {
    const now = new Date(2026, 3, 2, 12, 0);
    expect(shortTime(new Date(2026, 3, 2, 2, 5).toISOString(), 'en', now)).toMatch(/^2:05\s?AM$/);
  });
});
