import type { ConversationSummary, SystemEvent } from '@charla/shared-types';
import { dateFormat, formatTime } from '../../ui/format.ts';

export function conversationName(c: Pick<ConversationSummary, 'title' | 'peer'>, fallback = '—'): string {
  return c.title ?? c.peer?.displayName ?? fallback;
}

export function isMuted(c: ConversationSummary, now = Date.now()): boolean {
  return c.me.mutedUntil !== null && Date.parse(c.me.mutedUntil) > now;
}

/** "2:05 PM" / "14:05" today, weekday this week, short date before that. */
export function shortTime(iso: string, locale: string, now = new Date()): string {
  const d = new Date(iso);
  if (d.toDateString() === now.toDateString()) return formatTime(d, locale);
  if (now.getTime() - d.getTime() < 6 * 86_400_000) return dateFormat(locale, { weekday: 'short' }).format(d);
  return dateFormat(locale, { day: 'numeric', month: 'short' }).format(d);
}

/**
 * A system message as a list preview ("Ana created the group"), never "You: " with nothing after it:
 * me and a direct chat's peer by name, other people as "Someone" (the list does not load members).
 */
export function systemPreview(
  event: SystemEvent | null | undefined,
  c: Pick<ConversationSummary, 'peer'>,
  meId: string,
  t: (key: `system.${SystemEvent['type']}`, vars: Record<string, string>) => string,
  labels: { you: string; someone: string; fallback: string },
): string {
  if (!event) return labels.fallback;
  const who = (id: string | null) =>
    id === meId ? labels.you : id && c.peer?.id === id ? c.peer.displayName : labels.someone;
  return t(`system.${event.type}`, {
    actor: who(event.actorId),
    targets: event.targetIds.map(who).join(', '),
    value: event.value ?? '',
  });
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
