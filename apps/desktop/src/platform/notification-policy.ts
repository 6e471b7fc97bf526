/**
 * The notification policy, pure and host-neutral: Electron main (electron/main/notifications.ts)
 * applies it to native notifications and the web client (web.ts) to Web Notifications, so both
 * behave alike. Imports types only.
 */
import type { NotificationLevel, NotificationRequest } from './platform.ts';

/** What the policy reads of the user's preferences (the web has no do-not-disturb: always false). */
export type NotificationPolicyPrefs = { level: NotificationLevel; hideContent: boolean; doNotDisturb: boolean };

export type Decision = { notify: false; reason: string } | { notify: true };

export type PolicyInput = {
  message: Pick<NotificationRequest, 'conversationId'> & Partial<Pick<NotificationRequest, 'mentioned' | 'muted'>>;
  prefs: NotificationPolicyPrefs;
  windowFocused: boolean;
  activeConversationId: string | null;
};

/** The pure policy, exported for tests. */
export function decide(input: PolicyInput): Decision {
  const { message, prefs } = input;
  if (input.windowFocused && input.activeConversationId === message.conversationId)
    return { notify: false, reason: 'conversation is open' };
  if (prefs.doNotDisturb) return { notify: false, reason: 'do not disturb' };
  if (prefs.level === 'none') return { notify: false, reason: 'notifications off' };
  const mentioned = message.mentioned === true;
  // A mention gets through mute and mentions-only: that is what mentions are for.
  if (prefs.level === 'mentions' && !mentioned) return { notify: false, reason: 'mentions only' };
  if (message.muted && !mentioned) return { notify: false, reason: 'conversation muted' };
  return { notify: true };
}

export const HIDDEN_TITLE = 'Charla';
export const HIDDEN_BODY = 'New message';

export function composeText(
  args: Pick<NotificationRequest, 'title' | 'body'>,
  count: number,
  hideContent: boolean,
): { title: string; body: string } {
  if (hideContent) return { title: HIDDEN_TITLE, body: count > 1 ? `${count} new messages` : HIDDEN_BODY };
  const title = args.title.trim() || HIDDEN_TITLE;
  const body = args.body.length > 240 ? `${args.body.slice(0, 239)}…` : args.body;
  return { title, body: count > 1 ? `${count} new messages\n${body}` : body };
}
