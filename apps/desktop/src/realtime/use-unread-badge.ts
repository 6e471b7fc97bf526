import type { ConversationSummary, MySpace } from '@charla/shared-types';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { keys } from '../api/query-keys.ts';
import { useApp } from '../app-context.tsx';
import { spaceKeys } from '../features/spaces/space-queries.ts';

const muted = (c: ConversationSummary) => c.me.mutedUntil !== null && Date.parse(c.me.mutedUntil) > Date.now();

/**
 * What the badge counts: unread, unmuted conversations in the space on screen (from its live list),
 * plus the other spaces' unread counts as the switcher has them.
 */
export function badgeCount(
  list: ConversationSummary[] | undefined,
  spaces: Pick<MySpace, 'id' | 'unreadCount'>[] | undefined,
  currentSpace: string,
): number {
  const here = (list ?? []).reduce((n, c) => n + (muted(c) ? 0 : c.unreadCount), 0);
  const elsewhere = (spaces ?? []).reduce((n, s) => n + (s.id === currentSpace ? 0 : s.unreadCount), 0);
  return here + elsewhere;
}

/** The unread badge follows the conversation list and the switcher (title + favicon on the web, tray/dock on desktop). */
export function useUnreadBadge(): void {
  const { platform, space } = useApp();
  const qc = useQueryClient();
  const spaceId = space.id;
  useEffect(() => {
    // The cache reports every observer added or removed (one per list row): tell the platform only
    // when the count changes (on the web it redraws the favicon).
    let shown: number | null = null;
    return qc.getQueryCache().subscribe((ev) => {
      const key = ev.query.queryKey;
      const isList = key[0] === keys.conversations[0];
      const isSpaces = key[0] === spaceKeys.mine[0] && key[1] === spaceKeys.mine[1];
      if (!isList && !isSpaces) return;
      const count = badgeCount(
        qc.getQueryData<ConversationSummary[]>(keys.conversations),
        qc.getQueryData<MySpace[]>(spaceKeys.mine),
        spaceId,
      );
      if (count === shown) return;
      shown = count;
      platform.setUnreadBadge(count);
    });
  }, [qc, platform, spaceId]);
}
