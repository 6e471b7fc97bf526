/**
 * The notification policy, pure and host-neutral. Electron main applies it to native notifications,
 * the web client to Web Notifications and its service worker, and the server to Web Push, so every
 * path decides alike. Imports nothing.
 */

export type NotificationLevel = 'all' | 'mentions' | 'none';

/** What the policy reads of a device's preferences (hosts without do-not-disturb pass false). */
export type NotificationPolicyPrefs = { level: NotificationLevel; hideContent: boolean; doNotDisturb: boolean };

export type Decision = { notify: false; reason: string } | { notify: true };

export type PolicyInput = {
  message: { conversationId: string; mentioned?: boolean | undefined; muted?: boolean | undefined };
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
/** Longest notification body; longer text is cut with an ellipsis. */
export const NOTIFICATION_BODY_MAX = 240;

export function truncateBody(body: string): string {
  return body.length > NOTIFICATION_BODY_MAX ? `${body.slice(0, NOTIFICATION_BODY_MAX - 1)}…` : body;
}

export function composeText(
  args: { title: string; body: string },
  count: number,
  hideContent: boolean,
): { title: string; body: string } {
  if (hideContent) return { title: HIDDEN_TITLE, body: count > 1 ? `${count} new messages` : HIDDEN_BODY };
  const title = args.title.trim() || HIDDEN_TITLE;
  const body = truncateBody(args.body);
  return { title, body: count > 1 ? `${count} new messages\n${body}` : body };
}
