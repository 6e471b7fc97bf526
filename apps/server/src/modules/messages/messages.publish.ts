import type { SystemEventType } from '@charla/shared-types';
import type { MessageRecord, Storage } from '../../storage/ports.ts';
import type { Fanout } from '../realtime/realtime.fanout.ts';
import { systemPayload, toMessageDto } from './messages.mapper.ts';

export type PublishDeps = { storage: Storage; fanout: Fanout; clock: { now(): Date } };

/** The conversation's change counter right after a mutation (events carry it so clients spot gaps). */
export async function changeSeqOf(storage: Storage, conversationId: string): Promise<number> {
  return (await storage.conversations.findById(conversationId))?.changeSeq ?? 0;
}

/** message:created to every device of every member; mentioned members are notified even when muted. */
export async function publishCreated(deps: PublishDeps, message: MessageRecord): Promise<void> {
  const [memberIds, changeSeq] = await Promise.all([
    deps.storage.participants.listUserIds(message.conversationId),
    changeSeqOf(deps.storage, message.conversationId),
  ]);
  const members = new Set(memberIds);
  deps.fanout.toUsers(memberIds, 'message:created', {
    message: toMessageDto(message),
    changeSeq,
    notifyEvenIfMuted: message.mentions.filter((id) => members.has(id) && id !== message.senderId),
  });
}

/** Writes and publishes a system message (joins, leaves, renames...). */
export async function postSystemMessage(
  deps: PublishDeps,
  conversationId: string,
  type: SystemEventType,
  actorId: string,
  targetIds: string[] = [],
  value: string | null = null,
): Promise<MessageRecord | null> {
  const result = await deps.storage.messages.send({
    conversationId,
    senderId: actorId,
    clientMsgId: null,
    kind: 'system',
    text: '',
    system: systemPayload(type, actorId, targetIds, value),
    now: deps.clock.now(),
  });
  if (!result) return null;
  await publishCreated(deps, result.message);
  return result.message;
}
