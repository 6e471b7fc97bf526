/** notification:show, conversation:focus and badge:set: what the renderer tells main about messages. */
import type { Badge } from '../badge.ts';
import type { Notifier } from '../notifications.ts';
import type { IpcHandlers } from './register.ts';

export function notificationHandlers(deps: {
  notifier: Notifier;
  badge: Badge;
  onBadge?: (count: number) => void;
}): Pick<IpcHandlers, 'notification:show' | 'conversation:focus' | 'badge:set'> {
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
  };
}
