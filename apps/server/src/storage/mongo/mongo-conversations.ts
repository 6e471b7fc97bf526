import { randomUUID } from 'node:crypto';
import { trusted } from 'mongoose';
import { decodeCursor, encodeCursor } from '../cursor.ts';
import type {
  ConversationListItem,
  ConversationPatch,
  ConversationRecord,
  ConversationsRepo,
  PublicChannel,
} from '../ports.ts';
import { createMongoChangeFeed } from './mongo-changes.ts';
import type { MongoMessagingCore } from './mongo-messaging-core.ts';
import {
  type ConversationDoc,
  isDuplicateKey,
  type MessageDoc,
  type ParticipantDoc,
  toConversation,
  toMessage,
  toParticipant,
} from './mongo-messaging-models.ts';

const directKeyOf = (a: string, b: string, encrypted = false): string =>
  `${[String(a), String(b)].sort().join(':')}${encrypted ? ':e2ee' : ''}`;
const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const caseInsensitive = { locale: 'en', strength: 2 } as const;

const isPair = (v: unknown): v is [number | string, string] =>
  Array.isArray(v) && v.length === 2 && ['number', 'string'].includes(typeof v[0]) && typeof v[1] === 'string';

export function createMongoConversationsRepo(core: MongoMessagingCore): ConversationsRepo {
  const { Conversation, Participant, Message, Hidden } = core.models;

  /**
   * The list rows of one page in a constant number of queries, whatever the page size: hidden
   * seqs, last messages and unread counts are each fetched for every row at once.
   */
  const items = async (rows: [ConversationDoc, ParticipantDoc][]): Promise<ConversationListItem[]> => {
    if (rows.length === 0) return [];
    const userId = rows[0]?.[1].userId ?? '';
    const floors = rows.map(([conv, me]) => ({
      conv,
      me,
      vis: conv.historyForNewcomers ? 0 : me.joinedSeq,
      read: Math.max(me.lastReadSeq, me.joinedSeq),
    }));
    const hiddenRows = await Hidden.find(
      { userId: String(userId), conversationId: trusted({ $in: rows.map(([c]) => c._id) }) },
      { conversationId: 1, seq: 1 },
    ).lean<{ conversationId: string; seq: number }[]>();
    const hidden = new Map<string, number[]>();
    for (const h of hiddenRows) hidden.set(h.conversationId, [...(hidden.get(h.conversationId) ?? []), h.seq]);
    const hiddenIn = (id: string) => hidden.get(id) ?? [];

    // Last visible message: almost always the one at lastSeq, fetched for all rows in one query
    // (each $or branch is a point lookup on (conversationId, seq)); the rare row whose newest
    // message is hidden for me, or not written yet, falls back to its own indexed query.
    const direct = floors.filter((f) => f.conv.lastSeq > f.vis && !hiddenIn(f.conv._id).includes(f.conv.lastSeq));
    const atLast = direct.length
      ? await Message.find({
          $or: direct.map((f) => ({ conversationId: f.conv._id, seq: f.conv.lastSeq })),
        }).lean<MessageDoc[]>()
      : [];
    const last = new Map(atLast.map((m) => [m.conversationId, m]));
    await Promise.all(
      floors
        .filter((f) => f.conv.lastSeq > f.vis && !last.has(f.conv._id))
        .map(async (f) => {
          const m = await Message.findOne({
            conversationId: f.conv._id,
            seq: trusted({ $gt: f.vis, $nin: hiddenIn(f.conv._id) }),
          })
            .sort({ seq: -1 })
            .lean<MessageDoc>();
          if (m) last.set(f.conv._id, m);
        }),
    );

    // Unread (and unread mentions) for every row at once: each branch a range over (conversationId, seq).
    const unreadRanges = floors.filter((f) => f.conv.lastSeq > f.read);
    const counts = unreadRanges.length
      ? await Message.aggregate<{ _id: string; n: number; mentions: number }>([
          {
            $match: {
              $or: unreadRanges.map((f) => ({
                conversationId: f.conv._id,
                seq: { $gt: f.read, $nin: hiddenIn(f.conv._id) },
              })),
              senderId: { $ne: String(userId) },
              deletedAt: null,
            },
          },
          {
            $group: {
              _id: '$conversationId',
              n: { $sum: 1 },
              mentions: { $sum: { $cond: [{ $in: [String(userId), '$mentions'] }, 1, 0] } },
            },
          },
        ])
      : [];
    const unread = new Map(counts.map((c) => [c._id, c]));
    const members = await Participant.aggregate<{ _id: string; n: number }>([
      { $match: { conversationId: trusted({ $in: rows.map(([c]) => c._id) }), leftAt: null } },
      { $group: { _id: '$conversationId', n: { $sum: 1 } } },
    ]);
    const memberCount = new Map(members.map((m) => [m._id, m.n]));
    return floors.map(({ conv, me }) => {
      const m = last.get(conv._id);
      return {
        conversation: toConversation(conv),
        me: toParticipant(me),
        lastMessage: m ? toMessage(m) : null,
        unreadCount: unread.get(conv._id)?.n ?? 0,
        unreadMentions: unread.get(conv._id)?.mentions ?? 0,
        memberCount: memberCount.get(conv._id) ?? 0,
      };
    });
  };

  const insertConversation = async (doc: ConversationDoc) => {
    await Conversation.create(doc);
    await core.appendChange({
      conversationId: doc._id,
      type: 'conversation.created',
      entityId: doc._id,
      actorId: doc.createdBy,
      now: doc.createdAt,
    });
  };

  const blank = (
    now: Date,
  ): Pick<
    ConversationDoc,
    'createdAt' | 'lastActivityAt' | 'lastSeq' | 'changeSeq' | 'lastChangeAt' | 'deletedAt'
  > => ({
    createdAt: now,
    lastActivityAt: now,
    lastSeq: 0,
    changeSeq: 0,
    lastChangeAt: now,
    deletedAt: null,
  });

  const reload = async (id: string): Promise<ConversationRecord> =>
    toConversation((await core.conversation(id)) as ConversationDoc);

  const createDirect: ConversationsRepo['createDirect'] = async (a, b, now, options) => {
    const encrypted = options?.encrypted === true;
    const key = directKeyOf(a, b, encrypted);
    const existing = await Conversation.findOne({ directKey: key }).lean<ConversationDoc>();
    if (existing && existing.deletedAt === null) {
      for (const u of new Set([String(a), String(b)])) await core.addParticipant(existing, u, 'member', String(a), now);
      return { conversation: await reload(existing._id), created: false };
    }
    // A deleted direct chat frees the pair: its key is retired.
    if (existing) await Conversation.updateOne({ _id: existing._id }, { $set: { directKey: null } });
    const doc: ConversationDoc = {
      _id: randomUUID(),
      kind: 'direct',
      title: null,
      description: null,
      avatarUrl: null,
      createdBy: String(a),
      historyForNewcomers: !encrypted,
      directKey: key,
      encrypted,
      ...blank(now),
    };
    try {
      await insertConversation(doc);
    } catch (err) {
      // Lost the race to create this pair: the winner's chat is the one.
      if (isDuplicateKey(err)) return createDirect(a, b, now, options);
      throw err;
    }
    for (const u of new Set([String(a), String(b)])) await core.addParticipant(doc, u, 'member', String(a), now);
    return { conversation: await reload(doc._id), created: true };
  };

  return {
    create: async (input) => {
      const doc: ConversationDoc = {
        _id: randomUUID(),
        kind: input.kind,
        title: input.title,
        description: input.description ?? null,
        avatarUrl: input.avatarUrl ?? null,
        createdBy: String(input.createdBy),
        historyForNewcomers: input.historyForNewcomers ?? false,
        onlyAdminsPost: input.onlyAdminsPost ?? false,
        directKey: null,
        encrypted: input.encrypted ?? false,
        ...blank(input.now),
      };
      await insertConversation(doc);
      await core.addParticipant(doc, input.createdBy, 'owner', input.createdBy, input.now);
      for (const m of input.members ?? []) {
        if (m.userId !== input.createdBy) await core.addParticipant(doc, m.userId, m.role, input.createdBy, input.now);
      }
      return reload(doc._id);
    },
    createDirect,
    findById: async (id) => {
      const d = await core.conversation(id);
      return d ? toConversation(d) : null;
    },
    findDirect: async (a, b) => {
      const d = await Conversation.findOne({ directKey: directKeyOf(a, b), deletedAt: null }).lean<ConversationDoc>();
      return d ? toConversation(d) : null;
    },
    update: async (id, patch: ConversationPatch, actorId, now) => {
      const set: Record<string, unknown> = {};
      for (const key of ['title', 'description', 'avatarUrl', 'historyForNewcomers', 'onlyAdminsPost'] as const) {
        if (patch[key] !== undefined) set[key] = patch[key];
      }
      const fields = Object.keys(set);
      const d =
        fields.length > 0
          ? await Conversation.findOneAndUpdate(
              { _id: String(id), deletedAt: null },
              { $set: set },
              { returnDocument: 'after' },
            ).lean<ConversationDoc>()
          : await Conversation.findOne({ _id: String(id), deletedAt: null }).lean<ConversationDoc>();
      if (!d) return null;
      if (fields.length === 0) return { conversation: toConversation(d), ...(await core.committed(d._id)) };
      const changeSeq = await core.appendChange({
        conversationId: d._id,
        type: 'conversation.updated',
        entityId: d._id,
        actorId,
        data: { fields },
        now,
      });
      return { conversation: await reload(d._id), ...(await core.committed(d._id, changeSeq)) };
    },
    softDelete: async (id, actorId, now) => {
      const res = await Conversation.updateOne({ _id: String(id), deletedAt: null }, { $set: { deletedAt: now } });
      if (res.modifiedCount === 0) return null;
      const changeSeq = await core.appendChange({
        conversationId: String(id),
        type: 'conversation.deleted',
        entityId: String(id),
        actorId,
        now,
      });
      return core.committed(String(id), changeSeq);
    },
    listForUser: async (userId, options) => {
      const limit = Math.max(1, Math.min(options.limit, 100));
      const after = decodeCursor(options.cursor, isPair);
      // My memberships newest first from the participants' copy of lastActivityAt (index
      // userId, leftAt, lastActivityAt, conversationId): batches of limit + 1, skipping deleted conversations.
      let bound = after && typeof after[0] === 'number' ? { at: new Date(after[0]), id: after[1] } : null;
      const rows: [ConversationDoc, ParticipantDoc][] = [];
      while (rows.length <= limit) {
        const batch = await Participant.find({
          userId: String(userId),
          leftAt: null,
          ...(options.archived === undefined ? {} : { archived: options.archived }),
          ...(bound
            ? {
                $or: [
                  { lastActivityAt: trusted({ $lt: bound.at }) },
                  { lastActivityAt: bound.at, conversationId: trusted({ $lt: bound.id }) },
                ],
              }
            : {}),
        })
          .sort({ lastActivityAt: -1, conversationId: -1 })
          .limit(limit + 1)
          .lean<ParticipantDoc[]>();
        const live = await Conversation.find({
          _id: trusted({ $in: batch.map((p) => p.conversationId) }),
          deletedAt: null,
        }).lean<ConversationDoc[]>();
        const byId = new Map(live.map((c) => [c._id, c]));
        for (const p of batch) {
          const conv = byId.get(p.conversationId);
          if (conv) rows.push([conv, p]);
        }
        const tail = batch.at(-1);
        if (!tail || batch.length <= limit) break;
        bound = { at: tail.lastActivityAt ?? new Date(0), id: tail.conversationId };
      }
      const page = rows.slice(0, limit);
      const last = page.at(-1)?.[1];
      return {
        items: await items(page),
        nextCursor:
          rows.length > limit && last ? encodeCursor([last.lastActivityAt?.getTime() ?? 0, last.conversationId]) : null,
      };
    },
    getForUser: async (conversationId, userId) => {
      const [conv, me] = await Promise.all([
        core.conversation(conversationId),
        core.participant(conversationId, userId),
      ]);
      if (!conv || conv.deletedAt !== null || !me || me.leftAt !== null) return null;
      return (await items([[conv, me]]))[0] ?? null;
    },
    searchPublic: async (q, options) => {
      const limit = Math.max(1, Math.min(options.limit, 100));
      const after = decodeCursor(options.cursor, isPair);
      const t = after && typeof after[0] === 'string' ? after[0] : null;
      const docs = await Conversation.find({
        kind: 'channel',
        deletedAt: null,
        title: trusted({ $regex: escapeRegex(q.trim()), $options: 'i' }),
        ...(t !== null && after
          ? { $or: [{ title: trusted({ $gt: t }) }, { title: t, _id: trusted({ $gt: after[1] }) }] }
          : {}),
      })
        .collation(caseInsensitive)
        .sort({ title: 1, _id: 1 })
        .limit(limit + 1)
        .lean<ConversationDoc[]>();
      const page = docs.slice(0, limit);
      // Member counts of the whole page in one aggregation, covered by (conversationId, leftAt).
      const counts = page.length
        ? await Participant.aggregate<{ _id: string; n: number }>([
            { $match: { conversationId: { $in: page.map((d) => d._id) }, leftAt: null } },
            { $group: { _id: '$conversationId', n: { $sum: 1 } } },
          ])
        : [];
      const members = new Map(counts.map((c) => [c._id, c.n]));
      const channels: PublicChannel[] = page.map((d) => ({
        ...toConversation(d),
        memberCount: members.get(d._id) ?? 0,
      }));
      const last = page.at(-1);
      return {
        items: channels,
        nextCursor: docs.length > limit && last ? encodeCursor([last.title ?? '', last._id]) : null,
      };
    },
    ...createMongoChangeFeed(core),
  };
}
