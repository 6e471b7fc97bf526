import { trusted } from 'mongoose';
import { cursorOf, decodeCursor, encodeCursor } from '../cursor.ts';
import type { ParticipantsRepo } from '../ports.ts';
import type { MongoMessagingCore } from './mongo-messaging-core.ts';
import { type ParticipantDoc, participantId, type ReceiptMarkDoc, toParticipant } from './mongo-messaging-models.ts';

const roleRank = { owner: 0, admin: 1, member: 2 } as const;

type ListCursor = [number, number, string];
const isListCursor = cursorOf('number', 'number', 'string');

export function createMongoParticipantsRepo(core: MongoMessagingCore): ParticipantsRepo {
  const { Participant, ReceiptMark } = core.models;
  // _id makes a retried mark (same member, kind and seq) a no-op, as the SQLite primary key does.
  const mark = (conversationId: string, userId: string, kind: 'delivered' | 'read', seq: number, at: Date) =>
    ReceiptMark.updateOne(
      { _id: `${conversationId}:${userId}:${kind}:${seq}` },
      { $setOnInsert: { conversationId, userId, kind, seq, at } },
      { upsert: true },
    );
  const firstMark = async (conversationId: string, userId: string, kind: 'delivered' | 'read', seq: number) =>
    (
      await ReceiptMark.findOne({ conversationId, userId, kind, seq: trusted({ $gte: seq }) }, { at: 1 })
        .sort({ seq: 1 })
        .lean<Pick<ReceiptMarkDoc, 'at'>>()
    )?.at ?? null;
  const activeFilter = (conversationId: string, userId: string) => ({
    _id: participantId(String(conversationId), String(userId)),
    leftAt: null,
  });

  const receipt = async (
    kind: 'read' | 'delivered',
    conversationId: string,
    userId: string,
    seq: number,
    now: Date,
  ) => {
    const conv = await core.conversation(conversationId);
    if (!conv || !(await Participant.exists(activeFilter(conversationId, userId)))) return null;
    // Capped at lastSeq so a client cannot pre-acknowledge messages that do not exist yet.
    const capped = Math.min(Math.max(0, Number.isFinite(seq) ? Math.floor(seq) : 0), conv.lastSeq);
    const field = kind === 'read' ? 'lastReadSeq' : 'lastDeliveredSeq';
    // The filter makes it monotonic: a lower or equal value matches nothing.
    const updated = await Participant.findOneAndUpdate(
      { ...activeFilter(conversationId, userId), [field]: trusted({ $lt: capped }) },
      kind === 'read'
        ? { $set: { lastReadSeq: capped }, $max: { lastDeliveredSeq: capped } }
        : { $set: { lastDeliveredSeq: capped } },
      { returnDocument: 'after' },
    ).lean<ParticipantDoc>();
    if (!updated) {
      const p = await core.participant(conversationId, userId);
      return p ? { participant: toParticipant(p), changed: false, ...(await core.committed(conversationId)) } : null;
    }
    await mark(String(conversationId), String(userId), kind, capped, now);
    if (kind === 'read' && updated.lastDeliveredSeq === capped)
      await mark(String(conversationId), String(userId), 'delivered', capped, now);
    const changeSeq = await core.appendChange({
      conversationId: String(conversationId),
      type: 'receipt.updated',
      entityId: String(userId),
      actorId: String(userId),
      data: { lastReadSeq: updated.lastReadSeq, lastDeliveredSeq: updated.lastDeliveredSeq },
      now,
    });
    return { participant: toParticipant(updated), changed: true, ...(await core.committed(conversationId, changeSeq)) };
  };

  return {
    add: async (conversationId, userId, role, actorId, now) => {
      const conv = await core.conversation(conversationId);
      if (!conv || conv.deletedAt !== null) return null;
      const added = await core.addParticipant(conv, String(userId), role, actorId, now);
      if (added) return { participant: toParticipant(added), added: true, ...(await core.committed(conversationId)) };
      const p = await core.participant(conversationId, userId);
      return p ? { participant: toParticipant(p), added: false, ...(await core.committed(conversationId)) } : null;
    },
    find: async (conversationId, userId) => {
      const p = await core.participant(conversationId, userId);
      return p ? toParticipant(p) : null;
    },
    list: async (conversationId, options) => {
      const limit = Math.max(1, Math.min(options.limit, 200));
      const after: ListCursor | null = decodeCursor(options.cursor, isListCursor);
      // Role order is not a stored field: sort the (small) member list in memory.
      const all = (
        await Participant.find({ conversationId: String(conversationId), leftAt: null }).lean<ParticipantDoc[]>()
      )
        .map((p) => ({ p, key: [roleRank[p.role], p.joinedAt.getTime(), p.userId] as ListCursor }))
        .sort(
          (x, y) =>
            x.key[0] - y.key[0] || x.key[1] - y.key[1] || (x.key[2] < y.key[2] ? -1 : x.key[2] > y.key[2] ? 1 : 0),
        );
      const gt = (k: ListCursor, c: ListCursor) =>
        k[0] > c[0] || (k[0] === c[0] && (k[1] > c[1] || (k[1] === c[1] && k[2] > c[2])));
      const rest = after ? all.filter((e) => gt(e.key, after)) : all;
      const page = rest.slice(0, limit);
      const last = page.at(-1);
      return {
        items: page.map((e) => toParticipant(e.p)),
        nextCursor: rest.length > limit && last ? encodeCursor(last.key) : null,
      };
    },
    listUserIds: async (conversationId) =>
      (
        await Participant.find({ conversationId: String(conversationId), leftAt: null }, { userId: 1 }).lean<
          { userId: string }[]
        >()
      ).map((p) => p.userId),
    async sharingChatsWith(userId, others) {
      const me = String(userId);
      const ids = [...new Set(others.map(String))].filter((id) => id !== me);
      if (!ids.length) return [];
      // The candidates' live memberships, then the ones the viewer shares, then the kind/deletion check.
      const theirs = await Participant.find(
        { userId: trusted({ $in: ids }), leftAt: null },
        { conversationId: 1, userId: 1 },
      ).lean<{ conversationId: string; userId: string }[]>();
      if (!theirs.length) return [];
      const convIds = [...new Set(theirs.map((p) => p.conversationId))];
      const mine = await Participant.find(
        { userId: me, leftAt: null, conversationId: trusted({ $in: convIds }) },
        { conversationId: 1 },
      ).lean<{ conversationId: string }[]>();
      if (!mine.length) return [];
      const live = await core.models.Conversation.find(
        {
          _id: trusted({ $in: mine.map((p) => p.conversationId) }),
          kind: trusted({ $in: ['direct', 'group'] }),
          deletedAt: null,
        },
        { _id: 1 },
      ).lean<{ _id: string }[]>();
      const shared = new Set(live.map((c) => c._id));
      return [...new Set(theirs.filter((p) => shared.has(p.conversationId)).map((p) => p.userId))];
    },
    countActive: async (conversationId) =>
      Participant.countDocuments({ conversationId: String(conversationId), leftAt: null }),
    countOwners: async (conversationId) =>
      Participant.countDocuments({ conversationId: String(conversationId), leftAt: null, role: 'owner' }),
    setRole: async (conversationId, userId, role, actorId, now) => {
      const before = await Participant.findOneAndUpdate(activeFilter(conversationId, userId), {
        $set: { role },
      }).lean<ParticipantDoc>();
      if (!before) return null;
      let changeSeq: number | undefined;
      if (before.role !== role) {
        changeSeq = await core.appendChange({
          conversationId: String(conversationId),
          type: 'participant.updated',
          entityId: String(userId),
          actorId,
          data: { role },
          now,
        });
      }
      return { participant: toParticipant({ ...before, role }), ...(await core.committed(conversationId, changeSeq)) };
    },
    remove: async (conversationId, userId, reason, actorId, now) => {
      const res = await Participant.updateOne(activeFilter(conversationId, userId), {
        $set: { leftAt: now, leftReason: reason },
      });
      if (res.modifiedCount === 0) return null;
      const changeSeq = await core.appendChange({
        conversationId: String(conversationId),
        type: 'participant.left',
        entityId: String(userId),
        actorId,
        data: { reason },
        now,
      });
      return core.committed(conversationId, changeSeq);
    },
    updateSettings: async (conversationId, userId, settings, now) => {
      const set: Record<string, unknown> = {};
      if (settings.mutedUntil !== undefined) set.mutedUntil = settings.mutedUntil;
      if (settings.archived !== undefined) set.archived = settings.archived;
      if (settings.pinned !== undefined) set.pinned = settings.pinned;
      if (settings.markedUnread !== undefined) set.markedUnread = settings.markedUnread;
      const filter = activeFilter(conversationId, userId);
      const p =
        Object.keys(set).length > 0
          ? await Participant.findOneAndUpdate(
              filter,
              { $set: set },
              { returnDocument: 'after' },
            ).lean<ParticipantDoc>()
          : await Participant.findOne(filter).lean<ParticipantDoc>();
      if (!p) return null;
      let changeSeq: number | undefined;
      if (Object.keys(set).length > 0) {
        changeSeq = await core.appendChange({
          conversationId: String(conversationId),
          type: 'participant.settings',
          entityId: String(userId),
          actorId: String(userId),
          audience: String(userId),
          now,
        });
      }
      return {
        participant: toParticipant(p),
        changeSeq: changeSeq ?? (await core.conversation(conversationId))?.changeSeq ?? 0,
      };
    },
    markRead: (conversationId, userId, seq, now) => receipt('read', conversationId, userId, seq, now),
    markDelivered: (conversationId, userId, seq, now) => receipt('delivered', conversationId, userId, seq, now),
    receiptTimes: (conversationId, seq, userIds) =>
      Promise.all(
        userIds.map(async (userId) => {
          const [read, delivered] = await Promise.all([
            firstMark(String(conversationId), String(userId), 'read', seq),
            firstMark(String(conversationId), String(userId), 'delivered', seq),
          ]);
          const deliveredAt =
            delivered && read ? new Date(Math.min(delivered.getTime(), read.getTime())) : (delivered ?? read);
          return { userId, deliveredAt, readAt: read };
        }),
      ),
    readersOf: async (conversationId, seq, excludeUserId) =>
      (
        await Participant.find({
          conversationId: String(conversationId),
          leftAt: null,
          lastReadSeq: trusted({ $gte: seq }),
          userId: trusted({ $ne: String(excludeUserId) }),
        })
          .sort({ userId: 1 })
          .lean<ParticipantDoc[]>()
      ).map(toParticipant),
  };
}
