import { randomUUID } from 'node:crypto';
import { type PushPrefs, pushPrefsSchema } from '@charla/shared-types';
import { type Connection, Schema } from 'mongoose';
import type {
  PushContent,
  PushJobRecord,
  PushQueueRepo,
  PushSubscriptionRecord,
  PushSubscriptionsRepo,
} from '../ports.ts';
import { op } from './mongo-util.ts';

type SubscriptionDoc = Omit<PushSubscriptionRecord, 'id' | 'prefs'> & { _id: string; prefs: unknown };

const subscriptionSchema = new Schema<SubscriptionDoc>(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true },
    sessionId: { type: String, required: true },
    endpoint: { type: String, required: true },
    p256dh: { type: String, required: true },
    auth: { type: String, required: true },
    prefs: { type: Schema.Types.Mixed, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false, strict: 'throw', minimize: false },
);
subscriptionSchema.index({ endpoint: 1 }, { unique: true });
subscriptionSchema.index({ sessionId: 1 }, { unique: true });
subscriptionSchema.index({ userId: 1, createdAt: 1 });

const DEFAULT_PREFS: PushPrefs = { level: 'all', hideContent: false, doNotDisturb: false, locale: 'en' };

const toSubscription = (d: SubscriptionDoc): PushSubscriptionRecord => {
  const prefs = pushPrefsSchema.safeParse(d.prefs);
  return {
    id: d._id,
    userId: d.userId,
    sessionId: d.sessionId,
    endpoint: d.endpoint,
    p256dh: d.p256dh,
    auth: d.auth,
    // Stored preferences that no longer validate: defaults, hiding content to be safe.
    prefs: prefs.success ? prefs.data : { ...DEFAULT_PREFS, hideContent: true },
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
  };
};

type JobDoc = Omit<PushJobRecord, 'id'> & { _id: string };

const jobSchema = new Schema<JobDoc>(
  {
    _id: { type: String, required: true },
    subscriptionId: { type: String, required: true },
    userId: { type: String, required: true },
    spaceId: { type: String, default: 'home' },
    conversationId: { type: String, required: true },
    messageId: { type: String, required: true },
    seq: { type: Number, required: true },
    count: { type: Number, required: true },
    urgency: { type: String, required: true, enum: ['high', 'normal'] },
    content: { type: Schema.Types.Mixed, required: true },
    state: { type: String, required: true, enum: ['pending', 'sending'] },
    dueAt: { type: Date, required: true },
    leaseUntil: { type: Date, default: null },
    attempts: { type: Number, required: true, default: 0 },
    lastError: { type: String, default: null },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, strict: 'throw', minimize: false },
);
// One pending burst per subscription and conversation.
jobSchema.index(
  { subscriptionId: 1, conversationId: 1 },
  { unique: true, partialFilterExpression: { state: 'pending' } },
);
jobSchema.index({ state: 1, dueAt: 1 });
jobSchema.index({ state: 1, leaseUntil: 1 });
jobSchema.index({ userId: 1, conversationId: 1, seq: 1 });
jobSchema.index({ subscriptionId: 1 });

function readContent(c: unknown): PushContent {
  const v = c as { hidden?: unknown; title?: unknown; body?: unknown; mentioned?: unknown } | null;
  if (v && v.hidden === false && typeof v.title === 'string' && typeof v.body === 'string')
    return { hidden: false, title: v.title, body: v.body, mentioned: v.mentioned === true };
  return { hidden: true };
}

const toJob = (d: JobDoc): PushJobRecord => ({
  id: d._id,
  subscriptionId: d.subscriptionId,
  userId: d.userId,
  spaceId: d.spaceId ?? 'home',
  conversationId: d.conversationId,
  messageId: d.messageId,
  seq: d.seq,
  count: d.count,
  urgency: d.urgency,
  content: readContent(d.content),
  state: d.state,
  dueAt: d.dueAt,
  leaseUntil: d.leaseUntil ?? null,
  attempts: d.attempts,
  lastError: d.lastError ?? null,
  createdAt: d.createdAt,
});

const isDuplicate = (err: unknown) => (err as { code?: unknown } | null)?.code === 11000;
const higher = (a: 'high' | 'normal', b: 'high' | 'normal') => (a === 'high' || b === 'high' ? 'high' : 'normal');

export function createMongoPushRepos(conn: Connection): {
  subscriptions: PushSubscriptionsRepo;
  queue: PushQueueRepo;
} {
  const Subscription = conn.model<SubscriptionDoc>('PushSubscription', subscriptionSchema, 'push_subscriptions');
  const Job = conn.model<JobDoc>('PushJob', jobSchema, 'push_jobs');

  /** Subscriptions and their queued pushes go together (SQLite: the foreign key's cascade). */
  async function removeSubscriptions(filter: Record<string, string>): Promise<number> {
    const ids = (await Subscription.find(filter, { _id: 1 }).lean<{ _id: string }[]>()).map((d) => d._id);
    if (!ids.length) return 0;
    await Job.deleteMany({ subscriptionId: op({ $in: ids }) });
    return (await Subscription.deleteMany({ _id: op({ $in: ids }) })).deletedCount;
  }

  const subscriptions: PushSubscriptionsRepo = {
    async upsert(s) {
      for (let attempt = 0; ; attempt += 1) {
        const same = await Subscription.findOne({ endpoint: String(s.endpoint) }).lean<SubscriptionDoc>();
        if (same && same.sessionId === s.sessionId && same.userId === s.userId) {
          const d = await Subscription.findOneAndUpdate(
            { _id: same._id },
            { $set: { p256dh: s.p256dh, auth: s.auth, prefs: s.prefs, updatedAt: s.now } },
            { returnDocument: 'after' },
          ).lean<SubscriptionDoc>();
          if (d) return toSubscription(d);
          continue;
        }
        if (same) await removeSubscriptions({ _id: same._id });
        await removeSubscriptions({ sessionId: String(s.sessionId) });
        const doc: SubscriptionDoc = {
          _id: randomUUID(),
          userId: s.userId,
          sessionId: s.sessionId,
          endpoint: s.endpoint,
          p256dh: s.p256dh,
          auth: s.auth,
          prefs: s.prefs,
          createdAt: s.now,
          updatedAt: s.now,
        };
        try {
          await Subscription.create(doc);
          return toSubscription(doc);
        } catch (err) {
          // Another request took the endpoint or the session meanwhile: decide again.
          if (!isDuplicate(err) || attempt >= 3) throw err;
        }
      }
    },
    async findById(id) {
      const d = await Subscription.findById(String(id)).lean<SubscriptionDoc>();
      return d ? toSubscription(d) : null;
    },
    async findBySession(sessionId) {
      const d = await Subscription.findOne({ sessionId: String(sessionId) }).lean<SubscriptionDoc>();
      return d ? toSubscription(d) : null;
    },
    async listByUser(userId) {
      const docs = await Subscription.find({ userId: String(userId) })
        .sort({ createdAt: 1, _id: 1 })
        .lean<SubscriptionDoc[]>();
      return docs.map(toSubscription);
    },
    deleteById: (id) => removeSubscriptions({ _id: String(id) }),
    deleteBySession: (sessionId) => removeSubscriptions({ sessionId: String(sessionId) }),
    deleteByUser: (userId) => removeSubscriptions({ userId: String(userId) }),
  };

  /** Folds a push into a pending burst with compare-and-set on its count; null when it is gone. */
  async function fold(burst: JobDoc, p: Parameters<PushQueueRepo['enqueue']>[0]): Promise<JobDoc | null> {
    const newer = p.seq >= burst.seq;
    return Job.findOneAndUpdate(
      { _id: burst._id, state: 'pending', count: burst.count },
      {
        $set: {
          count: burst.count + 1,
          seq: Math.max(burst.seq, p.seq),
          messageId: newer ? p.messageId : burst.messageId,
          content: newer ? p.content : burst.content,
          urgency: higher(burst.urgency, p.urgency),
        },
      },
      { returnDocument: 'after' },
    ).lean<JobDoc>();
  }

  const queue: PushQueueRepo = {
    async enqueue(p) {
      if (!(await Subscription.exists({ _id: String(p.subscriptionId) }))) return null;
      for (let attempt = 0; attempt < 10; attempt += 1) {
        const burst = await Job.findOne({
          subscriptionId: String(p.subscriptionId),
          conversationId: String(p.conversationId),
          state: 'pending',
        }).lean<JobDoc>();
        if (burst) {
          const folded = await fold(burst, p);
          if (folded) return toJob(folded);
          continue;
        }
        const doc: JobDoc = {
          _id: randomUUID(),
          subscriptionId: p.subscriptionId,
          userId: p.userId,
          spaceId: p.spaceId,
          conversationId: p.conversationId,
          messageId: p.messageId,
          seq: p.seq,
          count: 1,
          urgency: p.urgency,
          content: p.content,
          state: 'pending',
          dueAt: p.dueAt,
          leaseUntil: null,
          attempts: 0,
          lastError: null,
          createdAt: p.now,
        };
        try {
          await Job.create(doc);
          return toJob(doc);
        } catch (err) {
          if (!isDuplicate(err)) throw err;
        }
      }
      throw new Error('push enqueue: too much contention on one burst');
    },
    async claimDue(now, leaseMs, limit) {
      const until = new Date(now.getTime() + leaseMs);
      const claimed: PushJobRecord[] = [];
      while (claimed.length < limit) {
        const d = await Job.findOneAndUpdate(
          // Each operator object is marked: sanitizeFilter trusts only the object op() wraps, not
          // the operator objects nested in its $or (they would be matched as literal values).
          op({
            $or: [
              { state: 'pending', dueAt: op({ $lte: now }) },
              { state: 'sending', leaseUntil: op({ $lte: now }) },
            ],
          }),
          { $set: { state: 'sending', leaseUntil: until }, $inc: { attempts: 1 } },
          { sort: { dueAt: 1, _id: 1 }, returnDocument: 'after' },
        ).lean<JobDoc>();
        if (!d) break;
        claimed.push(toJob(d));
      }
      return claimed;
    },
    async complete(id, leaseUntil) {
      const r = await Job.deleteOne({ _id: String(id), state: 'sending', leaseUntil });
      return r.deletedCount > 0;
    },
    async retry(id, leaseUntil, dueAt, error) {
      const lastError = error.slice(0, 500);
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const job = await Job.findOne({ _id: String(id), state: 'sending', leaseUntil }).lean<JobDoc>();
        if (!job) return false;
        const newer = await Job.findOne({
          subscriptionId: job.subscriptionId,
          conversationId: job.conversationId,
          state: 'pending',
        }).lean<JobDoc>();
        if (newer) {
          await Job.updateOne(
            { _id: newer._id },
            {
              $inc: { count: job.count },
              $min: { dueAt },
              $max: { attempts: job.attempts },
              $set: { urgency: higher(newer.urgency, job.urgency), lastError },
            },
          );
          await Job.deleteOne({ _id: job._id, state: 'sending', leaseUntil });
          return true;
        }
        try {
          const r = await Job.updateOne(
            { _id: job._id, state: 'sending', leaseUntil },
            { $set: { state: 'pending', leaseUntil: null, dueAt, lastError } },
          );
          return r.modifiedCount > 0;
        } catch (err) {
          // A new burst became pending meanwhile: fold into it on the next round.
          if (!isDuplicate(err)) throw err;
        }
      }
      return false;
    },
    async cancelRead(userId, conversationId, seq) {
      const r = await Job.deleteMany({
        userId: String(userId),
        conversationId: String(conversationId),
        seq: op({ $lte: seq }),
        state: 'pending',
      });
      return r.deletedCount;
    },
    async nextDue() {
      const [pending, sending] = await Promise.all([
        Job.findOne({ state: 'pending' }, { dueAt: 1 }).sort({ dueAt: 1 }).lean<{ dueAt: Date }>(),
        Job.findOne({ state: 'sending' }, { leaseUntil: 1 }).sort({ leaseUntil: 1 }).lean<{ leaseUntil: Date }>(),
      ]);
      const times = [pending?.dueAt, sending?.leaseUntil].filter((d): d is Date => d instanceof Date);
      return times.length ? new Date(Math.min(...times.map((d) => d.getTime()))) : null;
    },
    async counts() {
      const [pending, sending] = await Promise.all([
        Job.countDocuments({ state: 'pending' }),
        Job.countDocuments({ state: 'sending' }),
      ]);
      return { pending, sending };
    },
  };

  return { subscriptions, queue };
}
