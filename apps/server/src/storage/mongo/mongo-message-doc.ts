import { randomUUID } from 'node:crypto';
import type { NewMessage } from '../ports.ts';
import { termsOf } from './mongo-message-search.ts';
import type { MessageDoc, PendingSend } from './mongo-messaging-models.ts';

/** The document a send inserts (seq still null; `pending` only on the step-by-step path). */
export function newMessageDoc(input: NewMessage, pending: PendingSend | null): MessageDoc {
  return {
    _id: randomUUID(),
    conversationId: String(input.conversationId),
    seq: null,
    senderId: String(input.senderId),
    clientMsgId: input.clientMsgId,
    kind: input.kind,
    text: input.text,
    attachments: input.attachments ?? [],
    replyTo: input.replyTo ?? null,
    forwardedFrom: input.forwardedFrom ?? null,
    mentions: [...new Set(input.mentions ?? [])],
    system: input.system ?? null,
    reactions: [],
    editedAt: null,
    deletedAt: null,
    createdAt: input.now,
    pending,
    terms: termsOf(input.text),
  };
}
