import type { ConversationSummary, Message, Participant } from '@charla/shared-types';
import type { NotificationRequest } from '../platform/platform.ts';

/** The file/media text a notification shows when a message has no text. */
const ATTACHMENT_BODY = '📎';

/**
 * What the renderer tells the platform about an incoming message. It does not decide: the host
 * applies the policy (focus, level, mute, do-not-disturb, hide content) with these facts.
 */
export function incomingNotification(
  m: Message,
  opts: {
    meId: string;
    conversation: ConversationSummary | undefined;
    members?: Participant[] | undefined;
    /** From message:created: the server's list of users a mention lets through mute. */
    notifyEvenIfMuted?: string[];
    now?: number;
  },
): NotificationRequest {
  const c = opts.conversation;
  const mentioned = m.mentions.includes(opts.meId) || (opts.notifyEvenIfMuted ?? []).includes(opts.meId);
  const muted = c?.me.mutedUntil != null && Date.parse(c.me.mutedUntil) > (opts.now ?? Date.now());
  const name = c?.title ?? c?.peer?.displayName ?? 'Charla';
  const text = m.text.trim() || (m.attachments.length > 0 ? ATTACHMENT_BODY : '');
  // In a group the sender's name goes in front, as in the conversation list preview.
  const sender =
    c?.kind !== 'direct' ? opts.members?.find((p) => p.userId === m.senderId)?.user.displayName : undefined;
  return {
    tag: m.conversationId,
    title: name,
    body: sender ? `${sender}: ${text}` : text,
    conversationId: m.conversationId,
    mentioned,
    muted,
  };
}
