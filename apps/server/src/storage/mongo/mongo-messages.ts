import { trusted } from 'mongoose';
import type { MessageRecord, MessagesRepo } from '../ports.ts';
import { createMongoMessageSearch, termsOf } from './mongo-message-search.ts';
import type { MongoMessagingCore } from './mongo-messaging-core.ts';
import { isDuplicateKey, type MessageDoc, toMessage } from './mongo-messaging-models.ts';
import type { SendStep } from './mongo-send.ts';
import { op } from './mongo-util.ts';

/**
 * `send` is the stepwise or transactional send (mongo-send.ts); the repo adds what the caller
 * publishes with: the conversation's counter and its members after the write.
 */
export function createMongoMessagesRepo(core: MongoMessagingCore, send: SendStep): MessagesRepo {
  const { Message, Hidden, MessageTranslation } = core.models;
  const byId = async (id: string) => {
    const d = await Message.findOne({ _id: String(id), seq: trusted({ $ne: null }) }).lean<MessageDoc>();
    return d ? toMessage(d) : null;
  };

  return {
    send: async (input) => {
      const sent = await send(input);
      return sent && { ...sent, ...(await core.committed(sent.message.conversationId)) };
    },
    findById: byId,
    purgeOlderThan: async (before, limit) => {
      const old = await Message.find({ createdAt: op({ $lt: before }) })
        .sort({ createdAt: 1 })
        .limit(limit)
        .select({ _id: 1 })
        .lean<{ _id: string }[]>();
      const ids = old.map((d) => d._id);
      if (!ids.length) return 0;
      await Hidden.deleteMany({ messageId: op({ $in: ids }) });
      await MessageTranslation.deleteMany({ messageId: op({ $in: ids }) });
      await core.models.Message.db.collection('shared_items').deleteMany({ messageId: { $in: ids } });
      return (await Message.deleteMany({ _id: op({ $in: ids }) })).deletedCount;
    },
    findByIds: async (ids) => {
      if (ids.length === 0) return [];
      const docs = await Message.find({
        _id: trusted({ $in: [...new Set(ids.map(String))] }),
        seq: trusted({ $ne: null }),
      }).lean<MessageDoc[]>();
      return docs.map(toMessage);
    },
    findBySeq: async (conversationId, seq) => {
      const d = await Message.findOne({ conversationId: String(conversationId), seq: Number(seq) }).lean<MessageDoc>();
      return d ? toMessage(d) : null;
    },
    history: async (conversationId, viewerId, q) => {
      const conv = await core.conversation(conversationId);
      if (!conv) return [];
      const limit = Math.max(1, Math.min(Math.floor(q.limit) || 1, 100));
      const floor = await core.visibilityFloor(conv, viewerId);
      const hidden = await core.hiddenSeqs(conv._id, viewerId, floor);
      const page = (range: Record<string, number>, dir: 1 | -1, n: number) =>
        n <= 0
          ? Promise.resolve([] as MessageDoc[])
          : Message.find({ conversationId: conv._id, seq: trusted({ $gt: floor, $nin: hidden, ...range }) })
              .sort({ seq: dir })
              .limit(n)
              .lean<MessageDoc[]>();
      let docs: MessageDoc[];
      if (q.around !== undefined) {
        const head = (await page({ $lt: q.around }, -1, Math.floor(limit / 2))).reverse();
        docs = [...head, ...(await page({ $gte: q.around }, 1, limit - head.length))];
      } else if (q.after !== undefined) {
        docs = await page({ $gte: q.after + 1 }, 1, limit);
      } else if (q.before !== undefined) {
        docs = (await page({ $lt: q.before }, -1, limit)).reverse();
      } else {
        docs = (await page({}, -1, limit)).reverse();
      }
      return docs.map(toMessage);
    },
    edit: async (id, change, actorId, now) => {
      const d = await Message.findOneAndUpdate(
        { _id: String(id), deletedAt: null, seq: trusted({ $ne: null }) },
        {
          $set: {
            text: change.text,
            terms: termsOf(change.text),
            mentions: [...new Set(change.mentions)],
            editedAt: now,
            ...(change.language !== undefined ? { language: change.language } : {}),
          },
        },
        { returnDocument: 'after' },
      ).lean<MessageDoc>();
      if (!d) return null;
      await MessageTranslation.deleteMany({ messageId: d._id });
      const changeSeq = await core.appendChange({
        conversationId: d.conversationId,
        type: 'message.updated',
        entityId: d._id,
        messageSeq: d.seq,
        actorId,
        now,
      });
      return { message: toMessage(d), ...(await core.committed(d.conversationId, changeSeq)) };
    },
    deleteForEveryone: async (id, actorId, now) => {
      const d = await Message.findOneAndUpdate(
        { _id: String(id), deletedAt: null, seq: trusted({ $ne: null }) },
        {
          $set: {
            text: '',
            terms: [],
            attachments: [],
            mentions: [],
            replyTo: null,
            forwardedFrom: null,
            system: null,
            language: null,
            reactions: [],
            linkPreview: null,
            deletedAt: now,
          },
        },
        { returnDocument: 'after' },
      ).lean<MessageDoc>();
      if (!d) return null;
      await MessageTranslation.deleteMany({ messageId: d._id });
      let changeSeq = await core.appendChange({
        conversationId: d.conversationId,
        type: 'message.deleted',
        entityId: d._id,
        messageSeq: d.seq,
        actorId,
        now,
      });
      // Quotes of the deleted message must not keep its text alive.
      const quoting = await Message.find({ 'replyTo.id': d._id }, { _id: 1, seq: 1 }).lean<
        { _id: string; seq: number }[]
      >();
      for (const q of quoting) {
        await Message.updateOne({ _id: q._id }, { $set: { 'replyTo.text': '' } });
        changeSeq = await core.appendChange({
          conversationId: d.conversationId,
          type: 'message.updated',
          entityId: q._id,
          messageSeq: q.seq,
          actorId,
          now,
        });
      }
      return { message: toMessage(d), ...(await core.committed(d.conversationId, changeSeq)) };
    },
    hiddenFor: async (userId, ids) => {
      if (ids.length === 0) return [];
      const docs = await Hidden.find(
        { userId: String(userId), messageId: trusted({ $in: [...new Set(ids.map(String))] }) },
        { messageId: 1 },
      ).lean<{ messageId: string }[]>();
      return docs.map((d) => d.messageId);
    },
    hideForUser: async (id, userId, now) => {
      const m = await Message.findOne({ _id: String(id), seq: trusted({ $ne: null }) }).lean<MessageDoc>();
      if (!m || m.seq === null) return null;
      try {
        await Hidden.create({
          _id: `${userId}:${m._id}`,
          userId: String(userId),
          conversationId: m.conversationId,
          seq: m.seq,
          messageId: m._id,
          createdAt: now,
        });
      } catch (err) {
        if (isDuplicateKey(err)) return null;
        throw err;
      }
      const changeSeq = await core.appendChange({
        conversationId: m.conversationId,
        type: 'message.hidden',
        entityId: m._id,
        messageSeq: m.seq,
        actorId: String(userId),
        audience: String(userId),
        now,
      });
      return { changeSeq };
    },
    setReaction: async (id, userId, emoji, on, now) => {
      const base = { _id: String(id), deletedAt: null, seq: trusted({ $ne: null }) };
      const entry = { emoji: String(emoji), userId: String(userId) };
      // Conditional single-document updates: the filter decides whether anything changes.
      const res = on
        ? await Message.updateOne(
            { ...base, $nor: [{ reactions: trusted({ $elemMatch: entry }) }] },
            { $push: { reactions: { ...entry, createdAt: now } } },
          )
        : await Message.updateOne(
            { ...base, reactions: trusted({ $elemMatch: entry }) },
            { $pull: { reactions: entry } },
          );
      const d = await Message.findOne(base).lean<MessageDoc>();
      if (!d) return null;
      const changed = res.modifiedCount > 0;
      let changeSeq: number | undefined;
      if (changed) {
        changeSeq = await core.appendChange({
          conversationId: d.conversationId,
          type: 'reaction.updated',
          entityId: d._id,
          messageSeq: d.seq,
          actorId: String(userId),
          data: { emoji, userId, on },
          now,
        });
      }
      return {
        message: toMessage(d) as MessageRecord,
        changed,
        ...(await core.committed(d.conversationId, changeSeq)),
      };
    },
    search: createMongoMessageSearch(core),
  };
}
