/**
 * notification:show, conversation:focus, badge:set and tray:set-recent: what the renderer tells main
 * about messages.
 */
import type { Badge } from '../badge.ts';
import type { Notifier } from '../notifications.ts';
import type { RecentConversation } from '../tray.ts';
import type { IpcHandlers } from './register.ts';

export function notificationHandlers(deps: {
  notifier: Notifier;
  badge: Badge;
  onBadge?: (count: number) => void;
  onRecent?: (items: RecentConversation[]) => void;
}): Pick<IpcHandlers, 'notification:show' | 'conversation:focus' | 'badge:set' | 'tray:set-recent'> {
  return {
    'notification:show': (args) => deps.notifier.show(args),
    'conversation:focus': ({ conversationId }) => {
      deps.notifier.setActiveConversation(conversationId);
      return null;
    },
    'badge:set': ({ count }) => {
      deps.badge.set(count);
      deps.onBadge?.(deps.badge.count());
      return null;
    },
    'tray:set-recent': ({ items }) => {
      deps.onRecent?.(items);
      return null;
    },
  };
}
