import type { Message, MessagePreview, SystemEvent, SystemEventType } from '@charla/shared-types';
import type { MessageRecord, SystemPayload } from '../../storage/ports.ts';

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** System messages are stored as { event, actorId, targetIds, value } and shown as a SystemEvent. */
export function systemPayload(
  type: SystemEventType,
  actorId: string | null,
  targetIds: string[] = [],
  value: string | null = null,
): SystemPayload {
  return { event: type, actorId, targetIds, value };
}

function toSystemEvent(p: SystemPayload | null): SystemEvent | null {
  if (!p) return null;
  return {
    type: p.event as SystemEventType,
    actorId: typeof p.actorId === 'string' ? p.actorId : null,
    targetIds: Array.isArray(p.targetIds) ? p.targetIds.filter((x): x is string => typeof x === 'string') : [],
    value: typeof p.value === 'string' ? p.value : null,
  };
}

export function toMessageDto(m: MessageRecord): Message {
  return {
    id: m.id,
    conversationId: m.conversationId,
    seq: m.seq,
    senderId: m.senderId,
    clientMsgId: m.clientMsgId,
    kind: m.kind,
    text: m.text,
    attachments: m.attachments,
    replyTo: m.replyTo
      ? { id: m.replyTo.id, snapshot: { senderId: m.replyTo.senderId, kind: m.replyTo.kind, text: m.replyTo.text } }
      : null,
    forwardedFrom: m.forwardedFrom,
    mentions: m.mentions,
    reactions: m.reactions,
    system: toSystemEvent(m.system),
    editedAt: iso(m.editedAt),
    deletedAt: iso(m.deletedAt),
    createdAt: m.createdAt.toISOString(),
  };
}

export function toPreview(m: MessageRecord): MessagePreview {
  return {
    id: m.id,
    seq: m.seq,
    senderId: m.senderId,
    kind: m.kind,
    text: m.deletedAt ? '' : m.text.slice(0, 120),
    attachments: m.deletedAt ? [] : m.attachments,
    senderName: null,
    deleted: m.deletedAt !== null,
    createdAt: m.createdAt.toISOString(),
    system: toSystemEvent(m.system),
  };
}
