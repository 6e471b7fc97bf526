import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { trusted } from 'mongoose';
import type {
  AppendApplicationResult,
  AppendCommitResult,
  E2eeGroupRecord,
  E2eeMessageRecord,
  E2eeRepo,
  E2eeWelcomeRecord,
} from '../ports.ts';
import {
  type E2eeGroupDoc,
  type E2eeMessageDoc,
  type E2eeModels,
  type E2eeWelcomeDoc,
  toBytes,
} from './mongo-e2ee-models.ts';
import type { MongoMessagingCore } from './mongo-messaging-core.ts';
import { type ConversationDoc, isDuplicateKey } from './mongo-messaging-models.ts';

/** A seq taken but not stamped for this long belongs to a writer that died; readers skip it. */
const ABANDONED_MS = 30_000;

const toMessage = (d: E2eeMessageDoc): E2eeMessageRecord => ({
  id: d._id,
  conversationId: d.conversationId,
  seq: d.seq ?? 0,
  kind: d.kind,
  epoch: d.epoch,
  senderId: d.senderId,
  senderDeviceId: d.senderDeviceId,
  clientMsgId: d.clientMsgId ?? null,
  data: toBytes(d.data),
  frankingTag: d.frankingTag ? toBytes(d.frankingTag) : null,
  createdAt: d.createdAt,
});

const toGroup = (d: E2eeGroupDoc): E2eeGroupRecord => ({
  conversationId: d._id,
  epoch: d.epoch,
  roster: d.roster.map((r) => ({ deviceId: r.deviceId, userId: r.userId })),
  createdAt: d.createdAt,
  updatedAt: d.updatedAt,
});

const toWelcome = (d: E2eeWelcomeDoc): E2eeWelcomeRecord => ({
  id: d._id,
  conversationId: d.conversationId,
  commitSeq: d.commitSeq,
  epoch: d.epoch,
  data: toBytes(d.data),
  createdAt: d.createdAt,
});

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

type MessagePart = Pick<
  E2eeRepo,
  | 'findGroup'
  | 'appendCommit'
  | 'appendApplication'
  | 'messagesAfter'
  | 'findMessages'
  | 'pendingWelcomes'
  | 'ackWelcome'
>;

/*
 * Without transactions: (1) insert the row without a seq; unique indexes make that the claim (one
 * commit per (conversation, epoch), one row per blob, one per (device, clientMsgId)); (2) move the
 * group's epoch with a compare-and-set; (3) `$inc` the conversation's lastSeq and stamp it. Readers of
 * the log stop at a seq not stamped yet (it may still be written) unless it is abandoned.
 */
export function createMongoE2eeMessages(models: E2eeModels, core: MongoMessagingCore): MessagePart {
  const { Group, Message, Welcome } = models;
  const { Conversation, Participant, Message: PlainMessage } = core.models;

  const liveConversation = (id: string) =>
    Conversation.findOne({ _id: String(id), deletedAt: null }, { _id: 1 }).lean<Pick<ConversationDoc, '_id'>>();
  const takeSeq = async (conversationId: string, activity: Date | null): Promise<number | null> => {
    const update: Record<string, unknown> = { $inc: { lastSeq: 1 } };
    if (activity) update.$max = { lastActivityAt: activity };
    const c = await Conversation.findOneAndUpdate({ _id: conversationId, deletedAt: null }, update, {
      returnDocument: 'after',
      projection: { lastSeq: 1 },
    }).lean<Pick<ConversationDoc, 'lastSeq'>>();
    return c?.lastSeq ?? null;
  };
  const settled = async (deviceId: string, clientMsgId: string): Promise<E2eeMessageDoc | null> => {
    for (let i = 0; i < 100; i++) {
      const d = await Message.findOne({ senderDeviceId: deviceId, clientMsgId }).lean<E2eeMessageDoc>();
      if (!d || typeof d.seq === 'number') return d;
      await sleep(20);
    }
    return null;
  };
  const isHashDuplicate = async (conversationId: string, dataHash: string) =>
    (await Message.countDocuments({ conversationId, dataHash })) > 0;

  return {
    findGroup: async (conversationId) => {
      const g = await Group.findOne({ _id: String(conversationId) }).lean<E2eeGroupDoc>();
      return g ? toGroup(g) : null;
    },

    appendCommit: async (input): Promise<AppendCommitResult> => {
      const conversationId = String(input.conversationId);
      if (!(await liveConversation(conversationId))) return { status: 'not_found' };
      const g = await Group.findOne({ _id: conversationId }).lean<E2eeGroupDoc>();
      const current = g?.epoch ?? 0;
      if (input.epoch !== current) return { status: 'stale_epoch', currentEpoch: current };
      const dataHash = hex(input.dataHash);
      const doc: E2eeMessageDoc = {
        _id: randomUUID(),
        conversationId,
        seq: null,
        kind: 'commit',
        epoch: input.epoch,
        senderId: String(input.senderId),
        senderDeviceId: String(input.senderDeviceId),
        clientMsgId: null,
        data: Buffer.from(input.data),
        dataHash,
        frankingTag: null,
        createdAt: input.now,
      };
      try {
        await Message.create(doc);
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        if (await isHashDuplicate(conversationId, dataHash)) return { status: 'duplicate' };
        const now = await Group.findOne({ _id: conversationId }, { epoch: 1 }).lean<Pick<E2eeGroupDoc, 'epoch'>>();
        return { status: 'stale_epoch', currentEpoch: now?.epoch ?? current };
      }
      const next = input.epoch + 1;
      const removes = new Set(input.removes.map(String));
      const roster = [
        ...(g ? g.roster : [{ deviceId: doc.senderDeviceId, userId: doc.senderId, addedEpoch: 0 }]).filter(
          (r) => !removes.has(r.deviceId) && !input.adds.some((a) => a.deviceId === r.deviceId),
        ),
        ...input.adds.map((a) => ({ deviceId: String(a.deviceId), userId: String(a.userId), addedEpoch: next })),
      ];
      let moved: E2eeGroupDoc | null;
      if (g) {
        moved = await Group.findOneAndUpdate(
          { _id: conversationId, epoch: input.epoch },
          { $set: { epoch: next, roster, updatedAt: input.now } },
          { returnDocument: 'after' },
        ).lean<E2eeGroupDoc>();
      } else {
        moved = { _id: conversationId, epoch: next, roster, createdAt: input.now, updatedAt: input.now };
        try {
          await Group.create(moved);
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
          moved = null;
        }
      }
      const seq = moved ? await takeSeq(conversationId, null) : null;
      if (!moved || seq === null) {
        await Message.deleteOne({ _id: doc._id });
        return moved ? { status: 'not_found' } : { status: 'stale_epoch', currentEpoch: next };
      }
      await Message.updateOne({ _id: doc._id }, { $set: { seq } });
      await core.appendChange({
        conversationId,
        type: 'e2ee.message',
        entityId: doc._id,
        messageSeq: seq,
        actorId: doc.senderId,
        data: { kind: 'commit', epoch: input.epoch, deviceId: input.senderDeviceId },
        now: input.now,
      });
      let welcomeId: string | null = null;
      if (input.welcome && input.adds.length > 0) {
        welcomeId = randomUUID();
        await Welcome.create({
          _id: welcomeId,
          conversationId,
          commitSeq: seq,
          epoch: next,
          data: Buffer.from(input.welcome),
          recipients: input.adds.map((a) => ({ deviceId: String(a.deviceId), userId: String(a.userId) })),
          createdAt: input.now,
        });
        for (const userId of new Set(input.adds.map((a) => String(a.userId)))) {
          await core.appendChange({
            conversationId,
            type: 'e2ee.welcome',
            entityId: welcomeId,
            actorId: doc.senderId,
            audience: userId,
            data: { epoch: next, commitSeq: seq },
            now: input.now,
          });
        }
      }
      return { status: 'accepted', message: toMessage({ ...doc, seq }), welcomeId, group: toGroup(moved) };
    },

    appendApplication: async (input): Promise<AppendApplicationResult> => {
      const conversationId = String(input.conversationId);
      const deviceId = String(input.senderDeviceId);
      const clientMsgId = String(input.clientMsgId);
      const original = await settled(deviceId, clientMsgId);
      if (original) return { status: 'accepted', message: toMessage(original), created: false };
      if (!(await liveConversation(conversationId))) return { status: 'not_found' };
      const g = await Group.findOne({ _id: conversationId }, { epoch: 1 }).lean<Pick<E2eeGroupDoc, 'epoch'>>();
      if (!g) return { status: 'no_group' };
      if (input.epoch !== g.epoch) return { status: 'stale_epoch', currentEpoch: g.epoch };
      const dataHash = hex(input.dataHash);
      const doc: E2eeMessageDoc = {
        _id: randomUUID(),
        conversationId,
        seq: null,
        kind: 'application',
        epoch: input.epoch,
        senderId: String(input.senderId),
        senderDeviceId: deviceId,
        clientMsgId,
        data: Buffer.from(input.data),
        dataHash,
        frankingTag: Buffer.from(input.frankingTag),
        createdAt: input.now,
      };
      try {
        await Message.create(doc);
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        const winner = await settled(deviceId, clientMsgId);
        if (winner) return { status: 'accepted', message: toMessage(winner), created: false };
        return { status: 'duplicate' };
      }
      const seq = await takeSeq(conversationId, input.now);
      if (seq === null) {
        await Message.deleteOne({ _id: doc._id });
        return { status: 'not_found' };
      }
      await Message.updateOne({ _id: doc._id }, { $set: { seq } });
      await Participant.updateMany({ conversationId }, { $max: { lastActivityAt: input.now } });
      await Participant.updateOne(
        { conversationId, userId: doc.senderId, leftAt: null },
        { $max: { lastReadSeq: seq, lastDeliveredSeq: seq } },
      );
      await core.appendChange({
        conversationId,
        type: 'e2ee.message',
        entityId: doc._id,
        messageSeq: seq,
        actorId: doc.senderId,
        data: { kind: 'application', epoch: input.epoch, deviceId: input.senderDeviceId },
        now: input.now,
      });
      return { status: 'accepted', message: toMessage({ ...doc, seq }), created: true };
    },

    messagesAfter: async (conversationId, afterSeq, { limit, floor }) => {
      const from = Math.max(afterSeq, floor);
      const max = Math.max(1, Math.min(Math.floor(limit) || 1, 500));
      const docs = await Message.find({ conversationId: String(conversationId), seq: trusted({ $gt: from }) })
        .sort({ seq: 1 })
        .limit(max)
        .lean<E2eeMessageDoc[]>();
      const last = docs.at(-1)?.seq;
      if (typeof last !== 'number') return [];
      // Every seq belongs to exactly one row of messages or e2ee_messages: a missing one is still being
      // written (stop before it) unless its writer is long gone.
      const plain = await PlainMessage.find(
        { conversationId: String(conversationId), seq: trusted({ $gt: from, $lte: last }) },
        { seq: 1 },
      ).lean<{ seq: number }[]>();
      const present = new Set([...docs.map((d) => d.seq), ...plain.map((p) => p.seq)]);
      const recentPending =
        (await Message.countDocuments({
          conversationId: String(conversationId),
          seq: null,
          createdAt: trusted({ $gt: new Date(Date.now() - ABANDONED_MS) }),
        })) +
          (await PlainMessage.countDocuments({
            conversationId: String(conversationId),
            seq: null,
            createdAt: trusted({ $gt: new Date(Date.now() - ABANDONED_MS) }),
          })) >
        0;
      const out: E2eeMessageRecord[] = [];
      let expect = from + 1;
      for (const d of docs) {
        const seq = d.seq as number;
        for (; expect < seq; expect++) if (!present.has(expect) && recentPending) return out;
        out.push(toMessage(d));
        expect = seq + 1;
      }
      return out;
    },

    findMessages: async (ids) => {
      if (ids.length === 0) return [];
      const docs = await Message.find({
        _id: trusted({ $in: [...new Set(ids.map(String))] }),
        seq: trusted({ $ne: null }),
      }).lean<E2eeMessageDoc[]>();
      return docs.map(toMessage);
    },

    pendingWelcomes: async (deviceId) => {
      const docs = await Welcome.find({ 'recipients.deviceId': String(deviceId) })
        .sort({ commitSeq: 1, _id: 1 })
        .lean<E2eeWelcomeDoc[]>();
      return docs.map(toWelcome);
    },

    ackWelcome: async (welcomeId, deviceId) => {
      const res = await Welcome.updateOne(
        { _id: String(welcomeId), 'recipients.deviceId': String(deviceId) },
        { $pull: { recipients: { deviceId: String(deviceId) } } },
      );
      if (res.modifiedCount === 0) return false;
      await Welcome.deleteOne({ _id: String(welcomeId), recipients: trusted({ $size: 0 }) });
      return true;
    },
  };
}
