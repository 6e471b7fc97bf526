/**
 * English strings of background notifications: the Web Push switch in Settings and what the service
 * worker shows (it imports this file directly, so the words live in one place).
 */
export const enPush = {
  'push.title': 'When Charla is closed',
  'push.switch': 'Notify me on this device when Charla is closed',
  'push.hint': 'Your browser delivers these through its push service. Message text is encrypted on the way.',
  'push.on': 'Notifications on for this device',
  'push.off': 'Notifications off for this device',
  'push.working': 'Updating…',
  'push.denied': 'Your browser blocks notifications for this site. Allow them in the site settings, then try again.',
  'push.unsupported': 'This browser cannot receive notifications while Charla is closed.',
  'push.unavailable': 'This server does not send push notifications.',
  'push.failed': 'The browser could not set up notifications: {reason}',
  'push.sw.newMessage': 'New message',
  'push.sw.newMessages': '{count} new messages',
} as const;
