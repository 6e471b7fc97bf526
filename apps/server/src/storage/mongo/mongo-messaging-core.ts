import { randomUUID } from 'node:crypto';
import { type ClientSession, trusted } from 'mongoose';
import type { ChangeType, Committed, ParticipantRole } from '../ports.ts';
import {
  type ChangeDoc,
  type ConversationDoc,
  isDuplicateKey,
  type MessagingModels,
  type ParticipantDoc,
  participantId,
} from './mongo-messaging-models.ts';

export type ChangeInput = {
  conversationId: string;
  type: ChangeType;
  entityId: string;
  messageSeq?: number | null;
  actorId: string | null;
  audience?: string | null;
  data?: Record<string, unknown> | null;
  now: Date;
};

export type MongoMessagingCore = ReturnType<typeof createMongoMessagingCore>;

/** Audience of filler change rows: no user id is empty, so every reader skips them. */
export const NOBODY = '';
/** How far past a crashed send's starting point a takeover looks for holes. */
export const MAX_HOLE_SCAN = 10_000;

/**
 * Shared helpers. sanitizeFilter is on for the connection: our own operators are wrapped in
 * trusted(), and every id is passed through String() so no request-shaped object reaches a filter.
 */
export function createMongoMessagingCore(models: MessagingModels) {
  const { Conversation, Participant, Hidden, Change } = models;

  const conversation = (id: string) => Conversation.findOne({ _id: String(id) }).lean<ConversationDoc>();
  const participant = (conversationId: string, userId: string) =>
    Participant.findOne({ _id: participantId(String(conversationId), String(userId)) }).lean<ParticipantDoc>();

  /**
   * What a mutation returns to its caller: the counter its change reserved (or, when it appended
   * none, the conversation's now) and the active members, so the caller publishes without re-reading.
   */
  const committed = async (conversationId: string, changeSeq?: number): Promise<Committed> => {
    const [members, conv] = await Promise.all([
      Participant.find({ conversationId: String(conversationId), leftAt: null }, { userId: 1 }).lean<
        { userId: string }[]
      >(),
      changeSeq === undefined ? conversation(conversationId) : Promise.resolve(null),
    ]);
    return { changeSeq: changeSeq ?? conv?.changeSeq ?? 0, memberIds: members.map((m) => m.userId) };
  };

  /**
   * Reserves the next changeSeq with one atomic $inc, then writes the row. Called AFTER the mutation
   * it describes, so a reader that sees the row always finds the new state. If the reserved slot was
   * filled meanwhile (a takeover of a crashed send fills the holes it finds), it reserves again.
   */
  const appendChange = async (
    c: ChangeInput,
    opts: { session?: ClientSession; afterReserve?: () => void } = {},
  ): Promise<number> => {
    for (;;) {
      const conv = await Conversation.findOneAndUpdate(
        { _id: String(c.conversationId) },
        { $inc: { changeSeq: 1 }, $max: { lastChangeAt: c.now } },
        { returnDocument: 'after', projection: { changeSeq: 1 }, session: opts.session },
      ).lean<Pick<ConversationDoc, '_id' | 'changeSeq'>>();
      if (!conv) return 0;
      opts.afterReserve?.();
      const row: ChangeDoc = {
        _id: `${c.conversationId}:${conv.changeSeq}`,
        conversationId: c.conversationId,
        changeSeq: conv.changeSeq,
        type: c.type,
        entityId: c.entityId,
        messageSeq: c.messageSeq ?? null,
        actorId: c.actorId,
        audience: c.audience ?? null,
        data: c.data ?? null,
        createdAt: c.now,
        writtenAt: new Date(),
      };
      try {
        await Change.create([row], { session: opts.session });
        return conv.changeSeq;
      } catch (err) {
        if (!isDuplicateKey(err) || opts.session) throw err;
      }
    }
  };

  /**
   * Fills changeSeq holes in (after, upTo] with an entry nobody may see (audience NOBODY), so
   * readers stopped at a hole left by a crashed writer move on at once instead of after
   * ABANDONED_GAP_MS. A live writer whose slot this takes reserves another (appendChange).
   */
  const fillChangeHoles = async (conversationId: string, after: number, upTo: number, now: Date): Promise<number> => {
    const top = Math.min(upTo, after + MAX_HOLE_SCAN);
    if (top <= after) return 0;
    const rows = await Change.find(
      { conversationId: String(conversationId), changeSeq: trusted({ $gt: after, $lte: top }) },
      { changeSeq: 1, _id: 0 },
    ).lean<{ changeSeq: number }[]>();
    const have = new Set(rows.map((r) => r.changeSeq));
    let filled = 0;
    for (let seq = after + 1; seq <= top; seq++) {
      if (have.has(seq)) continue;
      try {
        await Change.create({
          _id: `${conversationId}:${seq}`,
          conversationId,
          changeSeq: seq,
          type: 'message.hidden',
          entityId: conversationId,
          messageSeq: null,
          actorId: null,
          audience: NOBODY,
          data: null,
          createdAt: now,
          writtenAt: new Date(),
        });
        filled++;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
    }
    return filled;
  };

  /** Seq floor below which `userId` sees nothing (0 for non-members the service let in). */
  const visibilityFloor = async (conv: ConversationDoc, userId: string): Promise<number> => {
    if (conv.historyForNewcomers) return 0;
    return (await participant(conv._id, userId))?.joinedSeq ?? 0;
  };

  /** Seqs the user hid in a conversation above `floor` (delete-for-me); usually a handful. */
  const hiddenSeqs = async (conversationId: string, userId: string, floor: number): Promise<number[]> => {
    const docs = await Hidden.find(
      { userId: String(userId), conversationId: String(conversationId), seq: trusted({ $gt: floor }) },
      { seq: 1 },
    ).lean<{ seq: number }[]>();
    return docs.map((d) => d.seq);
  };

  /**
   * Adds or re-activates a member. Returns null when already active (also when a concurrent add
   * won the race). A newcomer starts read up to the current lastSeq.
   */
  const addParticipant = async (
    conv: ConversationDoc,
    userId: string,
    role: ParticipantRole,
    actorId: string | null,
    now: Date,
    data?: Record<string, unknown>,
  ): Promise<ParticipantDoc | null> => {
    const id = participantId(conv._id, userId);
    const fresh = await Conversation.findOne({ _id: conv._id }, { lastSeq: 1, lastActivityAt: 1 }).lean<
      Pick<ConversationDoc, 'lastSeq' | 'lastActivityAt'>
    >();
    const seq = fresh?.lastSeq ?? conv.lastSeq;
    const state = {
      role,
      joinedSeq: seq,
      lastReadSeq: seq,
      lastDeliveredSeq: seq,
      mutedUntil: null,
      archived: false,
      pinned: false,
      markedUnread: false,
      joinedAt: now,
      leftAt: null,
      leftReason: null,
      lastActivityAt: fresh?.lastActivityAt ?? conv.lastActivityAt,
    };
    const existing = await participant(conv._id, userId);
    let doc: ParticipantDoc | null = null;
    if (!existing) {
      try {
        doc = { _id: id, conversationId: conv._id, userId: String(userId), ...state };
        await Participant.create(doc);
      } catch (err) {
        if (isDuplicateKey(err)) return null;
        throw err;
      }
    } else {
      if (existing.leftAt === null) return null;
      // Compare-and-set on the leave time: only one concurrent re-join wins.
      doc = await Participant.findOneAndUpdate(
        { _id: id, leftAt: existing.leftAt },
        { $set: state },
        { returnDocument: 'after' },
      ).lean<ParticipantDoc>();
      if (!doc) return null;
    }
    await appendChange({
      conversationId: conv._id,
      type: 'participant.joined',
      entityId: String(userId),
      actorId,
      data: { role, ...data },
      now,
    });
    return doc;
  };

  return {
    models,
    conversation,
    participant,
    committed,
    appendChange,
    fillChangeHoles,
    visibilityFloor,
    hiddenSeqs,
    addParticipant,
    newId: randomUUID,
  };
}
