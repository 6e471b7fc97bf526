import type { Connection } from 'mongoose';
import type { AdapterOptions, SendCrashPoint } from '../adapter-options.ts';
import { newMessageDoc } from './mongo-message-doc.ts';
import type { MongoMessagingCore } from './mongo-messaging-core.ts';
import { type ConversationDoc, isDuplicateKey, type MessageDoc, toMessage } from './mongo-messaging-models.ts';
import type { SendStep, Sent } from './mongo-send.ts';

/**
 * On a replica set (or sharded cluster) the send is one multi-document transaction: the counter,
 * the message and its change row commit together or not at all, so there is nothing to take over.
 * The driver retries the body on transient errors (write conflicts between concurrent sends).
 * Leftovers of the step sequence (a node that ran without transactions) are still resumed.
 */
export function withTransactions(
  conn: Connection,
  core: MongoMessagingCore,
  options: AdapterOptions,
  stepwise: SendStep,
  isReplicated: () => boolean,
): SendStep {
  const { Conversation, Participant, Message } = core.models;
  const fault = (point: SendCrashPoint) => options.sendFault?.(point);
  return async (input) => {
    if (!isReplicated()) return stepwise(input);
    const session = await conn.startSession();
    try {
      let result: Sent | null | 'resume' = null;
      await session.withTransaction(async () => {
        result = null;
        if (input.clientMsgId !== null) {
          const existing = await Message.findOne({
            senderId: String(input.senderId),
            clientMsgId: String(input.clientMsgId),
          })
            .session(session)
            .lean<MessageDoc>();
          if (existing) {
            result = existing.pending ? 'resume' : { message: toMessage(existing), created: false };
            return;
          }
        }
        fault('claimed');
        const bumped = await Conversation.findOneAndUpdate(
          { _id: String(input.conversationId), deletedAt: null },
          { $inc: { lastSeq: 1 }, $max: { lastActivityAt: input.now } },
          { returnDocument: 'after', projection: { lastSeq: 1 }, session },
        ).lean<Pick<ConversationDoc, '_id' | 'lastSeq'>>();
        if (!bumped) return;
        fault('reserved');
        const doc = { ...newMessageDoc(input, null), seq: bumped.lastSeq };
        await Message.create([doc], { session });
        fault('stamped');
        await Participant.updateMany(
          { conversationId: doc.conversationId },
          { $max: { lastActivityAt: input.now } },
          { session },
        );
        await Participant.updateOne(
          { conversationId: doc.conversationId, userId: doc.senderId, leftAt: null },
          { $max: { lastReadSeq: doc.seq, lastDeliveredSeq: doc.seq } },
          { session },
        );
        fault('activity');
        await core.appendChange(
          {
            conversationId: doc.conversationId,
            type: 'message.created',
            entityId: doc._id,
            messageSeq: doc.seq,
            actorId: doc.senderId,
            now: input.now,
          },
          { session, afterReserve: () => fault('change-reserved') },
        );
        fault('change-written');
        result = { message: toMessage(doc), created: true };
      });
      return result === 'resume' ? stepwise(input) : result;
    } catch (err) {
      // Two first attempts of one clientMsgId raced: the loser returns the winner's message.
      if (isDuplicateKey(err) && input.clientMsgId !== null) return stepwise(input);
      throw err;
    } finally {
      await session.endSession();
    }
  };
}

/** True when the server is a replica-set member or a mongos, i.e. multi-document transactions work. */
export async function supportsTransactions(conn: Connection): Promise<boolean> {
  const db = conn.db;
  if (!db) return false;
  const hello = await db
    .admin()
    .command({ hello: 1 })
    .catch(() => db.admin().command({ isMaster: 1 }));
  return typeof hello.setName === 'string' || hello.msg === 'isdbgrid';
}
