import type { ConversationSummary } from '@charla/shared-types';

export function conversationName(c: Pick<ConversationSummary, 'title' | 'peer'>, fallback = '—'): string {
  return c.title ?? c.peer?.displayName ?? fallback;
}

export function isMuted(c: ConversationSummary, now = Date.now()): boolean {
  return c.me.mutedUntil !== null && Date.parse(c.me.mutedUntil) > now;
}

/** "14:05" today, weekday this week, short date before that. */
export function shortTime(iso: string, locale: string, now = new Date()): string {
  const d = new Date(iso);
  if (d.toDateString() === now.toDateString())
    return d.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });
  if (now.getTime() - d.getTime() < 6 * 86_400_000) return d.toLocaleDateString(locale, { weekday: 'short' });
  return d.toLocaleDateString(locale, { day: 'numeric', month: 'short' });
}

export type ListFilter = 'all' | 'unread' | 'groups' | 'archived';

export function filterConversations(list: ConversationSummary[], q: string, filter: ListFilter): ConversationSummary[] {
  const needle = q.trim().toLowerCase();
  return list.filter((c) => {
    if (filter === 'archived' ? !c.me.archived : c.me.archived) return false;
    if (filter === 'unread' && c.unreadCount === 0 && !c.me.markedUnread) return false;
    if (filter === 'groups' && c.kind === 'direct') return false;
    if (!needle) return true;
    return (
      conversationName(c, '').toLowerCase().includes(needle) ||
      (c.peer?.username.toLowerCase().includes(needle) ?? false)
    );
  });
}
