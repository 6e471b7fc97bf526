import type { ConversationSummary } from '@charla/shared-types';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { keys } from '../api/query-keys.ts';
import { useApp } from '../app-context.tsx';

const muted = (c: ConversationSummary) => c.me.mutedUntil !== null && Date.parse(c.me.mutedUntil) > Date.now();

/** The unread badge follows the conversation list (title + favicon on the web, tray/dock on desktop). */
export function useUnreadBadge(): void {
  const { platform } = useApp();
  const qc = useQueryClient();
  useEffect(() => {
    // The cache reports every observer added or removed (one per list row): tell the platform only
    // when the count changes (on the web it redraws the favicon).
    let shown: number | null = null;
    return qc.getQueryCache().subscribe((ev) => {
      if (ev.query.queryKey[0] !== keys.conversations[0]) return;
      const list = ev.query.state.data as ConversationSummary[] | undefined;
      const count = (list ?? []).reduce((n, c) => n + (muted(c) ? 0 : c.unreadCount), 0);
      if (count === shown) return;
      shown = count;
      platform.setUnreadBadge(count);
    });
  }, [qc, platform]);
}
