import type { LocalMessage, LocalRecord } from '@charla/e2ee';
import type { ConversationSummary, Message, Participant } from '@charla/shared-types';
import type { NotificationRequest } from '../../platform/platform.ts';
import { incomingNotification } from '../../realtime/incoming-notification.ts';

/**
 * Encrypted chats notify from the decrypted message (the server's events carry no content): the
 * newest message from someone else that arrived after the app started and was not notified yet.
 */
export function newestIncoming(
  records: LocalRecord[],
  opts: { meId: string; after: number; since: number },
): LocalMessage | null {
  const last = records
    .filter((r): r is LocalMessage => r.kind === 'message' && r.senderId !== opts.meId && !r.deletedAt)
    .at(-1);
  if (!last || last.seq <= opts.after || Date.parse(last.createdAt) < opts.since) return null;
  return last;
}

export function encryptedNotification(
  m: LocalMessage,
  opts: { meId: string; conversation: ConversationSummary | undefined; members?: Participant[] },
): NotificationRequest {
  const asMessage: Message = {
    id: m.id,
    conversationId: m.conversationId,
    seq: m.seq,
    senderId: m.senderId,
    clientMsgId: null,
    kind: m.attachments.length ? 'media' : 'text',
    text: m.text,
    attachments: m.attachments.map((a) => a.blobId),
    replyTo: null,
    forwardedFrom: null,
    mentions: m.mentions,
    reactions: [],
    system: null,
    editedAt: m.editedAt,
    deletedAt: null,
    // Detected on the server, which never reads an encrypted chat's text.
    language: null,
    createdAt: m.createdAt,
  };
  return incomingNotification(asMessage, { meId: opts.meId, conversation: opts.conversation, members: opts.members });
}
