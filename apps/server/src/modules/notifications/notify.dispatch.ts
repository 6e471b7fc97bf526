import { decide, type E2eeEnvelope, type Message, truncateBody } from '@charla/shared-types';
import type { Logger } from 'pino';
import type { Clock } from '../../app-context.ts';
import type { ConversationRecord, PushContent, Storage } from '../../storage/ports.ts';
import { currentSpaceId } from '../../storage/spaces/space-scope.ts';
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
 * What a push needs to know about a message. `readable` is the plain message when there is one;
 * an encrypted message has none (the server holds ciphertext only), so its push is ids only.
 */
type Pushed = {
  id: string;
  conversationId: string;
  seq: number;
  senderId: string;
  mentions: readonly string[];
  readable: Message | null;
};

/** For the email digest: a direct message or mention the user has not read. */
async function recordMissed(
  storage: Storage,
  userId: string,
  message: Message,
  mentioned: boolean,
  muted: boolean,
): Promise<void> {
  if (muted && !mentioned) return;
  const settings = await storage.emailDigest.findSettings(userId);
  if (!settings?.enabled) return;
  await storage.emailDigest.recordMissed([
    {
      userId,
      spaceId: currentSpaceId(),
      conversationId: message.conversationId,
      messageId: message.id,
      seq: message.seq,
      mention: mentioned,
      createdAt: new Date(message.createdAt),
    },
  ]);
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

  async function dispatch(memberIds: readonly string[], pushed: Pushed): Promise<void> {
    const { senderId, readable } = pushed;
    const members = [...new Set(memberIds)].filter((id) => id !== senderId);
    if (!members.length) return;
    // Everyone online (the usual case in a busy conversation): nothing to push, nothing to read.
    const active = await deps.activity(members);
    const recipients = members.filter((id) => !active.has(id));
    if (!recipients.length) return;
    const [conversation, sender] = await Promise.all([
      storage.conversations.findById(pushed.conversationId),
      readable ? storage.users.findById(senderId) : null,
    ]);
    if (!conversation || conversation.deletedAt) return;
    // Both are needed to show words: the conversation's policy (in one place) and a readable message.
    const text =
      readable && serverMayReadContent(conversation)
        ? pushText(conversation, sender?.displayName ?? 'Charla', readable)
        : null;
    const now = clock.now();
    const dueAt = new Date(now.getTime() + deps.options.coalesceMs);
    let queued = false;
    for (const userId of recipients) {
      const participant = await storage.participants.find(pushed.conversationId, userId);
      if (!participant || participant.leftAt || participant.lastReadSeq >= pushed.seq) continue;
      const mentioned = pushed.mentions.includes(userId);
      const muted = participant.mutedUntil !== null && participant.mutedUntil > now;
      // The digest lists plain messages by their text; an encrypted one has nothing it could show.
      if (readable && (conversation.kind === 'direct' || mentioned))
        await recordMissed(storage, userId, readable, mentioned, muted);
      if (conversation.kind === 'channel' && !mentioned) continue;
      const urgency = mentioned || conversation.kind === 'direct' ? 'high' : 'normal';
      for (const sub of await storage.pushSubscriptions.listByUser(userId)) {
        const decision = decide({
          message: { conversationId: pushed.conversationId, mentioned, muted },
          prefs: sub.prefs,
          windowFocused: false,
          activeConversationId: null,
        });
        if (!decision.notify) continue;
        const content: PushContent =
          text && !sub.prefs.hideContent ? { hidden: false, ...text, mentioned } : { hidden: true };
        const job = await storage.pushQueue.enqueue({
          subscriptionId: sub.id,
          userId,
          // The observer runs in the send's space: the worker checks the job there.
          spaceId: currentSpaceId(),
          conversationId: pushed.conversationId,
          messageId: pushed.id,
          seq: pushed.seq,
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

  async function messageCreated(memberIds: readonly string[], message: Message): Promise<void> {
    if (message.kind === 'system' || !message.senderId || message.deletedAt) return;
    await dispatch(memberIds, { ...message, senderId: message.senderId, readable: message });
  }

  /**
   * An encrypted application message was delivered: the same rules as a plain one, with no words
   * (the push is `hidden`) and no mentions (they are inside the ciphertext). Commits are group
   * bookkeeping, never a notification.
   */
  async function encryptedMessageCreated(memberIds: readonly string[], envelope: E2eeEnvelope): Promise<void> {
    if (envelope.kind !== 'application') return;
    await dispatch(memberIds, {
      id: envelope.id,
      conversationId: envelope.conversationId,
      seq: envelope.seq,
      senderId: envelope.senderId,
      mentions: [],
      readable: null,
    });
  }

  /** Read on some device: nothing about those messages needs to reach anyone any more. */
  async function read(userId: string, conversationId: string, seq: number): Promise<void> {
    const [pushes, missed] = await Promise.all([
      storage.pushQueue.cancelRead(userId, conversationId, seq),
      storage.emailDigest.clearRead(userId, conversationId, seq),
    ]);
    if (pushes || missed) logger.debug({ userId, conversationId, seq, pushes, missed }, 'read elsewhere: cancelled');
  }

  return { messageCreated, encryptedMessageCreated, read };
}
