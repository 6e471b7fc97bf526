import { decide, type Message, truncateBody } from '@charla/shared-types';
import type { Logger } from 'pino';
import type { Clock } from '../../app-context.ts';
import type { ConversationRecord, PushContent, Storage } from '../../storage/ports.ts';
import { serverMayReadContent } from '../messaging/content-policy.ts';

/** Which of these users have a device that is online (connected, visible, not idle). */
export type UserActivity = (userIds: string[]) => Promise<Set<string>>;

export type DispatchOptions = {
  /** Messages of one conversation within this window go out as one push. */
  coalesceMs: number;
};

/** The text a notification shows for a message without text (as the clients do). */
const ATTACHMENT_BODY = '📎';

/**
 * What a push says about a message. In a group the sender's name goes in front, as in the clients'
 * own notifications (apps/desktop/src/api/incoming-notification.ts).
 */
export function pushText(
  conversation: Pick<ConversationRecord, 'kind' | 'title'>,
  senderName: string,
  message: Pick<Message, 'text' | 'attachments'>,
): { title: string; body: string } {
  const text = message.text.trim() || (message.attachments.length > 0 ? ATTACHMENT_BODY : '');
  if (conversation.kind === 'direct') return { title: senderName, body: truncateBody(text) };
  return { title: conversation.title ?? 'Charla', body: truncateBody(`${senderName}: ${text}`) };
}

/**
 * A message arrived: for each member who is not the sender and has no online device, one push per
 * subscribed device that its own preferences let through (the shared policy: level, mentions-only,
 * do-not-disturb, mute), folded into the conversation's pending burst; and, for direct messages and
 * mentions, a missed message for the email digest. Channels push mentions only. Content goes in only
 * where the server may read it (content policy) and the device does not hide it.
 */
export function createDispatcher(deps: {
  storage: Storage;
  clock: Clock;
  logger: Logger;
  activity: UserActivity;
  options: DispatchOptions;
  /** Called after pushes were queued, with the earliest due time (the worker's wake-up). */
  queued(dueAt: Date): void;
}) {
  const { storage, clock, logger } = deps;

  async function messageCreated(memberIds: readonly string[], message: Message): Promise<void> {
    if (message.kind === 'system' || !message.senderId || message.deletedAt) return;
    const senderId = message.senderId;
    const recipients = [...new Set(memberIds)].filter((id) => id !== senderId);
    if (!recipients.length) return;
    const [conversation, sender, active] = await Promise.all([
      storage.conversations.findById(message.conversationId),
      storage.users.findById(senderId),
      deps.activity(recipients),
    ]);
    if (!conversation || conversation.deletedAt) return;
    const mayRead = serverMayReadContent(conversation);
    const text = pushText(conversation, sender?.displayName ?? 'Charla', message);
    const now = clock.now();
    const dueAt = new Date(now.getTime() + deps.options.coalesceMs);
    let queued = false;
    for (const userId of recipients) {
      if (active.has(userId)) continue;
      const participant = await storage.participants.find(message.conversationId, userId);
      if (!participant || participant.leftAt || participant.lastReadSeq >= message.seq) continue;
      const mentioned = message.mentions.includes(userId);
      const muted = participant.mutedUntil !== null && participant.mutedUntil > now;
      if (conversation.kind === 'direct' || mentioned) await recordMissed(userId, message, mentioned, muted);
      if (conversation.kind === 'channel' && !mentioned) continue;
      const urgency = mentioned || conversation.kind === 'direct' ? 'high' : 'normal';
      for (const sub of await storage.pushSubscriptions.listByUser(userId)) {
        const decision = decide({
          message: { conversationId: message.conversationId, mentioned, muted },
          prefs: sub.prefs,
          windowFocused: false,
          activeConversationId: null,
        });
        if (!decision.notify) continue;
        const content: PushContent =
          mayRead && !sub.prefs.hideContent ? { hidden: false, ...text, mentioned } : { hidden: true };
        const job = await storage.pushQueue.enqueue({
          subscriptionId: sub.id,
          userId,
          conversationId: message.conversationId,
          messageId: message.id,
          seq: message.seq,
          urgency,
          content,
          now,
          dueAt,
        });
        if (job) queued = true;
      }
    }
    if (queued) deps.queued(dueAt);
  }

  async function recordMissed(userId: string, message: Message, mentioned: boolean, muted: boolean): Promise<void> {
    if (muted && !mentioned) return;
    const settings = await storage.emailDigest.findSettings(userId);
    if (!settings?.enabled) return;
    await storage.emailDigest.recordMissed([
      {
        userId,
        conversationId: message.conversationId,
        messageId: message.id,
        seq: message.seq,
        mention: mentioned,
        createdAt: new Date(message.createdAt),
      },
    ]);
  }

  /** Read on some device: nothing about those messages needs to reach anyone any more. */
  async function read(userId: string, conversationId: string, seq: number): Promise<void> {
    const [pushes, missed] = await Promise.all([
      storage.pushQueue.cancelRead(userId, conversationId, seq),
      storage.emailDigest.clearRead(userId, conversationId, seq),
    ]);
    if (pushes || missed) logger.debug({ userId, conversationId, seq, pushes, missed }, 'read elsewhere: cancelled');
  }

  return { messageCreated, read };
}
