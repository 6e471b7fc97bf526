import { randomUUID } from 'node:crypto';
import type { AchievementId, AchievementTier, PointsRuleId, PointsVisibility } from '@charla/shared-types';
import { type Connection, Schema } from 'mongoose';
import { cursorOf, decodeCursor, encodeCursor } from '../cursor.ts';
import {
  ALL_TIME,
  type AwardOutcome,
  DAY_MS,
  dayKey,
  dayRange,
  isoWeekKey,
  type NewPointsAward,
  type PointsEntryRecord,
  type PointsEntryView,
  type PointsRepo,
  type PointsTotals,
} from '../ports.ts';
import { op } from './mongo-util.ts';

/*
 * Points on MongoDB without multi-document transactions: every step is one atomic single-document
 * write, ordered so that a crash can only under-count. The unique (ruleId, eventKey) index makes an
 * award exactly once; the cap counter is reserved with a conditional $inc before the entry is
 * written (and given back if the entry turns out to be a duplicate); projections are $inc'd after.
 * `replaceProjection` (pnpm points:rebuild) recomputes everything derived from the ledger.
 */

type EntryDoc = Omit<PointsEntryRecord, 'id'> & { _id: string };
type TotalsDoc = {
  _id: string;
  points: number;
  bestStreak: number;
  rules: Partial<Record<PointsRuleId, { count: number; points: number }>>;
};
type DailyDoc = { _id: string; userId: string; points: number };
type BoardDoc = {
  _id: string;
  conversationId: string;
  period: string;
  userId: string;
  points: number;
  hidden: boolean;
};
type AchievementDoc = {
  _id: string;
  userId: string;
  achievementId: AchievementId;
  tier: AchievementTier;
  earnedAt: Date;
};
type SettingsDoc = { _id: string; visibility: PointsVisibility };
type PendingDoc = {
  _id: string;
  kind: 'invite_stay';
  userId: string;
  subjectUserId: string;
  conversationId: string;
  dueAt: Date;
  createdAt: Date;
};

const str = { type: String, required: true };
const nullableStr = { type: String, default: null };
const opts = { versionKey: false as const, strict: 'throw' as const };

const entrySchema = new Schema<EntryDoc>(
  {
    _id: str,
    userId: str,
    ruleId: str,
    eventKey: str,
    points: { type: Number, required: true },
    conversationId: nullableStr,
    messageId: nullableStr,
    causeMessageId: nullableStr,
    reversesId: nullableStr,
    actorId: nullableStr,
    reason: nullableStr,
    detail: { type: Schema.Types.Mixed, default: {} },
    createdAt: { type: Date, required: true },
  },
  { ...opts, minimize: false },
);
entrySchema.index({ ruleId: 1, eventKey: 1 }, { unique: true });
entrySchema.index({ userId: 1, createdAt: 1, _id: 1 });
entrySchema.index({ messageId: 1 }, { partialFilterExpression: { messageId: { $type: 'string' } } });
entrySchema.index({ causeMessageId: 1 }, { partialFilterExpression: { causeMessageId: { $type: 'string' } } });
entrySchema.index({ reversesId: 1 }, { unique: true, partialFilterExpression: { reversesId: { $type: 'string' } } });
entrySchema.index({ createdAt: 1 });

const totalsSchema = new Schema<TotalsDoc>(
  {
    _id: str,
    points: { type: Number, default: 0 },
    bestStreak: { type: Number, default: 0 },
    rules: { type: Schema.Types.Mixed, default: {} },
  },
  { ...opts, minimize: false },
);
const dailySchema = new Schema<DailyDoc>({ _id: str, userId: str, points: { type: Number, required: true } }, opts);
dailySchema.index({ userId: 1 });
const boardSchema = new Schema<BoardDoc>(
  {
    _id: str,
    conversationId: str,
    period: str,
    userId: str,
    points: { type: Number, required: true },
    hidden: { type: Boolean, default: false },
  },
  opts,
);
boardSchema.index({ conversationId: 1, period: 1, hidden: 1, points: -1, userId: 1 });
boardSchema.index({ userId: 1 });
const achievementSchema = new Schema<AchievementDoc>(
  { _id: str, userId: str, achievementId: str, tier: str, earnedAt: { type: Date, required: true } },
  opts,
);
achievementSchema.index({ userId: 1, earnedAt: 1 });
achievementSchema.index({ earnedAt: 1 });
const settingsSchema = new Schema<SettingsDoc>({ _id: str, visibility: str }, opts);
const pendingSchema = new Schema<PendingDoc>(
  {
    _id: str,
    kind: str,
    userId: str,
    subjectUserId: str,
    conversationId: str,
    dueAt: { type: Date, required: true },
    createdAt: { type: Date, required: true },
  },
  opts,
);
pendingSchema.index({ dueAt: 1, _id: 1 });

const isDuplicateKey = (err: unknown): boolean =>
  typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;

const toEntry = ({ _id, ...d }: EntryDoc): PointsEntryRecord => ({
  id: _id,
  ...d,
  conversationId: d.conversationId ?? null,
  messageId: d.messageId ?? null,
  causeMessageId: d.causeMessageId ?? null,
  reversesId: d.reversesId ?? null,
  actorId: d.actorId ?? null,
  reason: d.reason ?? null,
  detail: d.detail ?? {},
});
const cursorShape = cursorOf('number', 'string');

export function pointsModels(conn: Connection) {
  return {
    Entry: conn.model<EntryDoc>('PointsEntry', entrySchema, 'points_ledger'),
    Totals: conn.model<TotalsDoc>('PointsTotals', totalsSchema, 'points_totals'),
    Daily: conn.model<DailyDoc>('PointsDaily', dailySchema, 'points_daily'),
    Board: conn.model<BoardDoc>('PointsBoard', boardSchema, 'points_boards'),
    Achievement: conn.model<AchievementDoc>('PointsAchievement', achievementSchema, 'points_achievements'),
    Settings: conn.model<SettingsDoc>('PointsSettings', settingsSchema, 'points_settings'),
    Pending: conn.model<PendingDoc>('PointsPending', pendingSchema, 'points_pending'),
  };
}
export type PointsModels = ReturnType<typeof pointsModels>;

export function createMongoPointsRepo(models: PointsModels): PointsRepo {
  const { Entry, Totals, Daily, Board, Achievement, Settings, Pending } = models;

  async function withReversals(docs: EntryDoc[]): Promise<PointsEntryView[]> {
    if (docs.length === 0) return [];
    const reversals = await Entry.find(
      { reversesId: op({ $in: docs.map((d) => d._id) }) },
      { _id: 1, reversesId: 1 },
    ).lean<{ _id: string; reversesId: string }[]>();
    const by = new Map(reversals.map((r) => [r.reversesId, r._id]));
    return docs.map((d) => ({ ...toEntry(d), reversedById: by.get(d._id) ?? null }));
  }

  /** Reserves `points` of the day's cap; false when it would be exceeded. */
  async function reserveCap(id: string, userId: string, points: number, cap: number): Promise<boolean> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const r = await Daily.updateOne({ _id: id, points: op({ $lte: cap - points }) }, op({ $inc: { points } }));
      if (r.matchedCount === 1) return true;
      if (points > cap) return false;
      try {
        await Daily.create({ _id: id, userId, points });
        return true;
      } catch (err) {
        // Exists already (over the cap, or created concurrently: then the conditional $inc decides).
        if (!isDuplicateKey(err)) throw err;
      }
    }
    return false;
  }

  async function hiddenOf(userId: string): Promise<boolean> {
    const s = await Settings.findById(userId).lean<SettingsDoc | null>();
    return s?.visibility === 'nobody';
  }

  async function addBoards(conversationId: string | null, userId: string, at: Date, points: number) {
    if (!conversationId) return;
    const hidden = await hiddenOf(userId);
    await Board.bulkWrite(
      [ALL_TIME, isoWeekKey(at)].map((period) => ({
        updateOne: {
          filter: { _id: `${conversationId}|${period}|${userId}` },
          update: op({ $inc: { points }, $setOnInsert: { conversationId, period, userId, hidden } }),
          upsert: true,
        },
      })),
      { ordered: false },
    );
  }

  async function addTotals(userId: string, ruleId: PointsRuleId, count: number, points: number, streak: number) {
    await Totals.updateOne(
      { _id: userId },
      op({
        $inc: { points, [`rules.${ruleId}.count`]: count, [`rules.${ruleId}.points`]: points },
        $max: { bestStreak: streak },
      }),
      { upsert: true },
    );
  }

  async function awardOne(a: NewPointsAward): Promise<AwardOutcome> {
    if (await Entry.exists({ ruleId: a.ruleId, eventKey: a.eventKey })) return { status: 'duplicate' };
    const capId = `${a.userId}|${a.ruleId}|${dayKey(a.createdAt.getTime())}`;
    if (!(await reserveCap(capId, a.userId, a.points, a.dailyCap))) return { status: 'capped' };
    const { dailyCap: _cap, ...fields } = a;
    const doc: EntryDoc = { _id: randomUUID(), ...fields, reversesId: null, actorId: null, reason: null };
    try {
      await Entry.create(doc);
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      await Daily.updateOne({ _id: capId }, op({ $inc: { points: -a.points } }));
      return { status: 'duplicate' };
    }
    await addTotals(a.userId, a.ruleId, 1, a.points, a.detail.streak ?? 0);
    await addBoards(a.conversationId, a.userId, a.createdAt, a.points);
    return { status: 'awarded', entry: toEntry(doc) };
  }

  return {
    async award(awards) {
      const out: AwardOutcome[] = [];
      // In order: two awards of one batch may share a cap.
      for (const a of awards) out.push(await awardOne(a));
      return out;
    },
    async reverse(entryId, change) {
      const found = await Entry.findById(String(entryId)).lean<EntryDoc | null>();
      if (!found || found.reversesId) return { status: 'not_found' };
      const original = toEntry(found);
      const doc: EntryDoc = {
        _id: randomUUID(),
        userId: original.userId,
        ruleId: original.ruleId,
        eventKey: `reversal:${original.id}`,
        points: -original.points,
        conversationId: original.conversationId,
        messageId: original.messageId,
        causeMessageId: original.causeMessageId,
        reversesId: original.id,
        actorId: change.actorId,
        reason: change.reason,
        detail: {},
        createdAt: change.now,
      };
      try {
        await Entry.create(doc);
      } catch (err) {
        if (isDuplicateKey(err)) return { status: 'already_reversed' };
        throw err;
      }
      await addTotals(original.userId, original.ruleId, -1, -original.points, 0);
      await addBoards(original.conversationId, original.userId, original.createdAt, -original.points);
      return { status: 'reversed', entry: toEntry(doc), original };
    },
    async findEntry(id) {
      const d = await Entry.findById(String(id)).lean<EntryDoc | null>();
      return d ? ((await withReversals([d]))[0] ?? null) : null;
    },
    async findByKey(ruleId, eventKey) {
      const d = await Entry.findOne({ ruleId, eventKey: String(eventKey) }).lean<EntryDoc | null>();
      return d ? ((await withReversals([d]))[0] ?? null) : null;
    },
    async entriesForMessage(messageId) {
      const m = String(messageId);
      const [subject, cause] = await Promise.all([
        Entry.find({ messageId: m, reversesId: null }).lean<EntryDoc[]>(),
        Entry.find({ causeMessageId: m, reversesId: null }).lean<EntryDoc[]>(),
      ]);
      const seen = new Set(subject.map((d) => d._id));
      return withReversals([...subject, ...cause.filter((d) => !seen.has(d._id))]);
    },
    async listEntries(userId, options) {
      const limit = Math.max(1, Math.min(options.limit, 100));
      const c = decodeCursor(options.cursor, cursorShape);
      const after = c
        ? {
            $or: [{ createdAt: op({ $lt: new Date(c[0]) }) }, { createdAt: new Date(c[0]), _id: op({ $lt: c[1] }) }],
          }
        : {};
      const docs = await Entry.find({ userId: String(userId), ...after })
        .sort({ createdAt: -1, _id: -1 })
        .limit(limit + 1)
        .lean<EntryDoc[]>();
      const items = docs.slice(0, limit);
      const last = docs.length > limit ? items.at(-1) : undefined;
      return {
        items: await withReversals(items),
        nextCursor: last ? encodeCursor([last.createdAt.getTime(), last._id]) : null,
      };
    },
    async userEntries(userId, options) {
      const a = options.after;
      const after = a
        ? { $or: [{ createdAt: op({ $gt: a.createdAt }) }, { createdAt: a.createdAt, _id: op({ $gt: a.id }) }] }
        : {};
      const docs = await Entry.find({ userId: String(userId), ...after })
        .sort({ createdAt: 1, _id: 1 })
        .limit(options.limit)
        .lean<EntryDoc[]>();
      return docs.map(toEntry);
    },
    async usersWithEntries(options) {
      const rows = await Entry.aggregate<{ _id: string }>([
        { $match: { userId: op({ $gt: options.afterUserId ?? '' }) } },
        { $group: { _id: '$userId' } },
        { $sort: { _id: 1 } },
        { $limit: options.limit },
      ]).allowDiskUse(true);
      return rows.map((r) => r._id);
    },
    async totals(userId) {
      const d = await Totals.findById(String(userId)).lean<TotalsDoc | null>();
      if (!d) return null;
      const rules: PointsTotals['rules'] = {};
      for (const [rule, v] of Object.entries(d.rules ?? {})) if (v) rules[rule as PointsRuleId] = { ...v };
      return { userId: d._id, points: d.points ?? 0, rules, bestStreak: d.bestStreak ?? 0 };
    },
    async replaceProjection(p) {
      const u = p.totals.userId;
      const hidden = await hiddenOf(u);
      await Totals.replaceOne(
        { _id: u },
        { _id: u, points: p.totals.points, bestStreak: p.totals.bestStreak, rules: p.totals.rules },
        { upsert: true },
      );
      await Daily.deleteMany({ userId: u });
      if (p.daily.length)
        await Daily.insertMany(p.daily.map((d) => ({ _id: `${u}|${d.ruleId}|${d.day}`, userId: u, points: d.points })));
      await Board.deleteMany({ userId: u });
      if (p.conversations.length)
        await Board.insertMany(
          p.conversations.map((c) => ({
            _id: `${c.conversationId}|${c.period}|${u}`,
            conversationId: c.conversationId,
            period: c.period,
            userId: u,
            points: c.points,
            hidden,
          })),
        );
      await Achievement.deleteMany({ userId: u });
      if (p.achievements.length)
        await Achievement.insertMany(
          p.achievements.map((a) => ({ _id: `${u}|${a.achievementId}|${a.tier}`, ...a, userId: u })),
        );
    },
    async earnAchievement(a) {
      try {
        await Achievement.create({ _id: `${a.userId}|${a.achievementId}|${a.tier}`, ...a });
        return true;
      } catch (err) {
        if (isDuplicateKey(err)) return false;
        throw err;
      }
    },
    async revokeAchievement(userId, achievementId, tier) {
      const r = await Achievement.deleteOne({ _id: `${userId}|${achievementId}|${tier}` });
      return r.deletedCount === 1;
    },
    async listAchievements(userId) {
      const docs = await Achievement.find({ userId: String(userId) })
        .sort({ earnedAt: 1, achievementId: 1 })
        .lean<AchievementDoc[]>();
      return docs.map(({ _id, ...a }) => a);
    },
    async visibility(userId) {
      return (await Settings.findById(String(userId)).lean<SettingsDoc | null>())?.visibility ?? 'members';
    },
    async visibilities(userIds) {
      const docs = await Settings.find({ _id: op({ $in: [...new Set(userIds.map(String))] }) }).lean<SettingsDoc[]>();
      return new Map(docs.map((d) => [d._id, d.visibility]));
    },
    async setVisibility(userId, visibility) {
      await Settings.updateOne({ _id: String(userId) }, op({ $set: { visibility } }), { upsert: true });
      await Board.updateMany({ userId: String(userId) }, op({ $set: { hidden: visibility === 'nobody' } }));
    },
    async schedule(check) {
      await Pending.updateOne(
        { _id: check.key },
        op({
          $setOnInsert: {
            kind: check.kind,
            userId: check.userId,
            subjectUserId: check.subjectUserId,
            conversationId: check.conversationId,
            dueAt: check.dueAt,
            createdAt: check.createdAt,
          },
        }),
        { upsert: true },
      );
    },
    async dueChecks(now, limit) {
      const docs = await Pending.find({ dueAt: op({ $lte: now }) })
        .sort({ dueAt: 1, _id: 1 })
        .limit(limit)
        .lean<PendingDoc[]>();
      return docs.map(({ _id, ...d }) => ({ key: _id, ...d }));
    },
    async takeCheck(key) {
      return (await Pending.deleteOne({ _id: String(key) })).deletedCount === 1;
    },
    async daily(now, days) {
      const { start, keys } = dayRange(now, days);
      const since = new Date(start);
      const dayOf = (field: string) => ({ $floor: { $divide: [{ $toLong: `$${field}` }, DAY_MS] } });
      const [points, earned] = await Promise.all([
        Entry.aggregate<{ _id: number; n: number }>([
          { $match: { createdAt: op({ $gte: since }) } },
          { $group: { _id: dayOf('createdAt'), n: { $sum: '$points' } } },
        ]),
        Achievement.aggregate<{ _id: number; n: number }>([
          { $match: { earnedAt: op({ $gte: since }) } },
          { $group: { _id: dayOf('earnedAt'), n: { $sum: 1 } } },
        ]),
      ]);
      const p = new Map(points.map((r) => [dayKey(r._id * DAY_MS), r.n]));
      const a = new Map(earned.map((r) => [dayKey(r._id * DAY_MS), r.n]));
      return keys.map((date) => ({ date, points: p.get(date) ?? 0, achievements: a.get(date) ?? 0 }));
    },
  };
}
