import { HOME_SPACE_ID } from '@charla/shared-types';
import { describe, expect, it } from 'vitest';
import { summary } from '../api/test-fixtures.ts';
import { badgeCount } from './use-unread-badge.ts';

describe('the unread badge across spaces', () => {
  const list = [
    summary({ id: 'c1', unreadCount: 2 }),
    summary({ id: 'c2', unreadCount: 5, me: { ...summary({ id: 'x' }).me, mutedUntil: '2999-01-01T00:00:00.000Z' } }),
  ];
  const spaces = [
    { id: HOME_SPACE_ID, unreadCount: 7 },
    { id: 'sp-1', unreadCount: 3 },
  ];

  it('counts the space on screen from its list (muted left out) and the others from the switcher', () => {
    expect(badgeCount(list, spaces, HOME_SPACE_ID)).toBe(2 + 3);
    expect(badgeCount(list, spaces, 'sp-1')).toBe(2 + 7);
  });

  it('works before either has loaded', () => {
    expect(badgeCount(undefined, spaces, 'sp-1')).toBe(7);
    expect(badgeCount(list, undefined, HOME_SPACE_ID)).toBe(2);
    expect(badgeCount(undefined, undefined, HOME_SPACE_ID)).toBe(0);
  });
});
