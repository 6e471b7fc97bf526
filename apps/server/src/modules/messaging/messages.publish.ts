import type { SystemEventType } from '@charla/shared-types';
import type { MessageRecord, SendResult, Storage } from '../../storage/ports.ts';
import type { Fanout } from '../realtime/realtime.fanout.ts';
import { systemPayload, toMessageDto } from './messages.mapper.ts';

/**
 * Runs one "mutation + its event" step at a time per conversation (in this process), so the
 * `changeSeq` an event carries is exactly the counter after that change and events leave in
 * changeSeq order: a client that applies them in order never skips a change it did not receive.
 * Never nest two steps on the same key (the inner one would wait for the outer one forever).
 */
export type Serial = <T>(conversationId: string, step: () => Promise<T>) => Promise<T>;

export function createSerial(): Serial {
  const tails = new Map<string, Promise<unknown>>();
  return (key, step) => {
    const run = (tails.get(key) ?? Promise.resolve()).then(step);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    tails.set(key, tail);
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return run;
  };
}

export type PublishDeps = { storage: Storage; fanout: Fanout; clock: { now(): Date }; serial: Serial };

/**
 * message:created to every device of every member; mentioned members are notified even when muted.
 * The send's result says who the members are and the counter it left: nothing is re-read.
 */
export function publishCreated(deps: Pick<PublishDeps, 'fanout'>, sent: SendResult): void {
  const { message, memberIds, changeSeq } = sent;
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
  return deps.serial(conversationId, async () => {
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
    publishCreated(deps, result);
    return result.message;
  });
}
