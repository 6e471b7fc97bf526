import { type Connection, Schema } from 'mongoose';
import { cursorOf, decodeCursor, encodeCursor } from '../cursor.ts';
import type { HistoricMessage, LeaderboardsRepo, PointsBoardRow, PointsHistoryRepo } from '../ports.ts';
import type { ChangeDoc, MessageDoc, MessagingModels } from './mongo-messaging-models.ts';
import type { PointsModels } from './mongo-points.ts';
import { op } from './mongo-util.ts';

type SwitchDoc = { _id: string; enabled: boolean; updatedBy: string; updatedAt: Date };
const switchSchema = new Schema<SwitchDoc>(
  {
    _id: { type: String, required: true },
    enabled: { type: Boolean, required: true },
    updatedBy: { type: String, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false, strict: 'throw' },
);

export function createMongoLeaderboardsRepo(
  conn: Connection,
  points: PointsModels,
  messaging: MessagingModels,
): LeaderboardsRepo {
  const Switch = conn.model<SwitchDoc>('PointsLeaderboard', switchSchema, 'points_leaderboards');
  const { Board } = points;
  const { Participant } = messaging;
  return {
    async isEnabled(conversationId) {
      return (await Switch.findById(String(conversationId)).lean<SwitchDoc | null>())?.enabled === true;
    },
    async setEnabled(conversationId, enabled, actorId, now) {
      await Switch.updateOne(
        { _id: String(conversationId) },
        op({ $set: { enabled, updatedBy: actorId, updatedAt: now } }),
        { upsert: true },
      );
    },
    async top(conversationId, period, limit) {
      const want = Math.max(1, Math.min(limit, 100));
      const out: PointsBoardRow[] = [];
      let skip = 0;
      // Walks (conversationId, period, hidden, points desc, userId); members who left are skipped in
      // pages, so a board costs O(limit) plus the leavers above the cut.
      for (let round = 0; round < 20 && out.length < want; round++) {
        const page = await Board.find({
          conversationId: String(conversationId),
          period: String(period),
          hidden: false,
          points: op({ $gt: 0 }),
        })
          .sort({ points: -1, userId: 1 })
          .skip(skip)
          .limit(want * 2)
          .lean<{ userId: string; points: number }[]>();
        if (page.length === 0) break;
        skip += page.length;
        const members = new Set(
          (
            await Participant.find(
              { conversationId: String(conversationId), userId: op({ $in: page.map((r) => r.userId) }), leftAt: null },
              { userId: 1 },
            ).lean<{ userId: string }[]>()
          ).map((p) => p.userId),
        );
        for (const r of page)
          if (members.has(r.userId) && out.length < want) out.push({ userId: r.userId, points: r.points });
        if (page.length < want * 2) break;
      }
      return out;
    },
  };
}

const idCursor = cursorOf('string');
const changeCursor = cursorOf('string', 'number');

export function createMongoPointsHistoryRepo(messaging: MessagingModels): PointsHistoryRepo {
  const { Message, Conversation, Change, Invite } = messaging;
  return {
    async messages(cursor, limit) {
      const after = decodeCursor(cursor, idCursor)?.[0];
      const docs = await Message.find(after ? { _id: op({ $gt: after }) } : {}, {
        text: 0,
        terms: 0,
        attachments: 0,
      })
        .sort({ _id: 1 })
        .limit(limit)
        .lean<(MessageDoc & { language?: string | null })[]>();
      const ids = [...new Set(docs.map((d) => d.conversationId))];
      const kinds = new Map(
        (
          await Conversation.find({ _id: op({ $in: ids }) }, { kind: 1 }).lean<
            { _id: string; kind: HistoricMessage['conversationKind'] }[]
          >()
        ).map((c) => [c._id, c.kind]),
      );
      const items: HistoricMessage[] = [];
      for (const d of docs) {
        const kind = kinds.get(d.conversationId);
        if (!kind || d.seq === null) continue;
        const firstBy = new Map<string, Date>();
        for (const r of d.reactions ?? []) {
          const seen = firstBy.get(r.userId);
          if (!seen || r.createdAt < seen) firstBy.set(r.userId, r.createdAt);
        }
        items.push({
          id: d._id,
          conversationId: d.conversationId,
          conversationKind: kind,
          senderId: d.senderId,
          kind: d.kind,
          createdAt: d.createdAt,
          deleted: d.deletedAt !== null && d.deletedAt !== undefined,
          forwarded: Boolean(d.forwardedFrom),
          replyTo: d.replyTo ? { id: d.replyTo.id, senderId: d.replyTo.senderId } : null,
          language: d.language ?? null,
          reactions: [...firstBy].map(([userId, at]) => ({ userId, at })).sort((a, b) => +a.at - +b.at),
        });
      }
      const last = docs.at(-1);
      return { items, cursor: last ? encodeCursor([last._id]) : cursor };
    },
    async inviteJoins(cursor, limit) {
      const c = decodeCursor(cursor, changeCursor);
      const after = c
        ? {
            $or: [{ conversationId: op({ $gt: c[0] }) }, { conversationId: c[0], changeSeq: op({ $gt: c[1] }) }],
          }
        : {};
      // A one-off scan for the backfill: no index on type is worth its cost on every write.
      const docs = await Change.find({ type: 'participant.joined', 'data.via': 'invite', ...after })
        .sort({ conversationId: 1, changeSeq: 1 })
        .limit(limit)
        .lean<ChangeDoc[]>();
      const codes = [...new Set(docs.map((d) => String(d.data?.code ?? '')))];
      const inviters = new Map(
        (
          await Invite.find({ _id: op({ $in: codes }) }, { createdBy: 1 }).lean<{ _id: string; createdBy: string }[]>()
        ).map((i) => [i._id, i.createdBy]),
      );
      const items = docs.flatMap((d) => {
        const inviterId = inviters.get(String(d.data?.code ?? ''));
        return inviterId
          ? [{ conversationId: d.conversationId, inviterId, joinerId: d.entityId, joinedAt: d.createdAt }]
          : [];
      });
      const last = docs.at(-1);
      return { items, cursor: last ? encodeCursor([last.conversationId, last.changeSeq]) : cursor };
    },
  };
}
