/**
 * Native notifications: applies the notification policy (src/platform/notification-policy.ts:
 * window focus, open conversation, mute, do-not-disturb, mentions-only, hide-content) and
 * coalesces bursts into one notification per conversation that is replaced by the next.
 */
import { composeText, decide } from '../../src/platform/notification-policy.ts';
import type { NotificationArgs, NotificationPrefs } from '../shared/ipc-contract.ts';

// The policy is shared with the web client (src/platform/web.ts), so both hosts decide alike.
export { decide, HIDDEN_BODY, HIDDEN_TITLE } from '../../src/platform/notification-policy.ts';

export type NativeNotification = {
  show(): void;
  close(): void;
  on(event: 'click', listener: () => void): unknown;
};

export type NotificationFactory = (options: { title: string; body: string; silent: boolean }) => NativeNotification;

export type NotificationDeps = {
  create: NotificationFactory;
  prefs: () => NotificationPrefs;
  isWindowFocused: () => boolean;
  /** Focuses (shows, restores) the window and tells the renderer to open the conversation. */
  openConversation: (conversationId: string) => void;
};

export type Notifier = {
  show(args: NotificationArgs): 'shown' | 'replaced' | 'suppressed';
  setActiveConversation(conversationId: string | null): void;
  /** Notifications currently on screen, by conversation (for tests and the tray). */
  pending(): ReadonlyMap<string, number>;
  clear(conversationId?: string): void;
};

export function createNotifier(deps: NotificationDeps): Notifier {
  let active: string | null = null;
  const live = new Map<string, { notification: NativeNotification; count: number }>();

  const dismiss = (conversationId: string): void => {
    const entry = live.get(conversationId);
    if (!entry) return;
    live.delete(conversationId);
    entry.notification.close();
  };

  return {
    show(args) {
      const prefs = deps.prefs();
      const decision = decide({
        message: args,
        prefs,
        windowFocused: deps.isWindowFocused(),
        activeConversationId: active,
      });
      if (!decision.notify) return 'suppressed';
      const previous = live.get(args.conversationId);
      const count = (previous?.count ?? 0) + 1;
      if (previous) {
        live.delete(args.conversationId);
        previous.notification.close();
      }
      const text = composeText(args, count, prefs.hideContent);
      const notification = deps.create({ ...text, silent: !prefs.sound });
      const entry = { notification, count };
      live.set(args.conversationId, entry);
      notification.on('click', () => {
        if (live.get(args.conversationId) === entry) live.delete(args.conversationId);
        deps.openConversation(args.conversationId);
      });
      notification.show();
      return previous ? 'replaced' : 'shown';
    },
    setActiveConversation(conversationId) {
      active = conversationId;
      // Opening the conversation reads the messages: their notification is stale.
      if (conversationId) dismiss(conversationId);
    },
    pending: () => new Map([...live].map(([id, e]) => [id, e.count])),
    clear(conversationId) {
      if (conversationId) dismiss(conversationId);
      else for (const id of [...live.keys()]) dismiss(id);
    },
  };
}
