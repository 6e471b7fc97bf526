import { randomUUID } from 'node:crypto';
import { type PushPrefs, pushPrefsSchema } from '@charla/shared-types';
import type { Database } from 'better-sqlite3';
import type {
  PushContent,
  PushJobRecord,
  PushQueueRepo,
  PushSubscriptionRecord,
  PushSubscriptionsRepo,
} from '../ports.ts';
import { date, dateOf } from './sqlite-util.ts';

type SubscriptionRow = {
  id: string;
  user_id: string;
  session_id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  prefs: string;
  created_at: number;
  updated_at: number;
};

const DEFAULT_PREFS: PushPrefs = { level: 'all', hideContent: false, doNotDisturb: false, locale: 'en' };

/** Stored preferences that no longer validate fall back to the defaults, hiding content to be safe. */
function readPrefs(json: string): PushPrefs {
  try {
    const parsed = pushPrefsSchema.safeParse(JSON.parse(json));
    if (parsed.success) return parsed.data;
  } catch {
    // fall through
  }
  return { ...DEFAULT_PREFS, hideContent: true };
}

const toSubscription = (r: SubscriptionRow): PushSubscriptionRecord => ({
  id: r.id,
  userId: r.user_id,
  sessionId: r.session_id,
  endpoint: r.endpoint,
  p256dh: r.p256dh,
  auth: r.auth,
  prefs: readPrefs(r.prefs),
  createdAt: dateOf(r.created_at),
  updatedAt: dateOf(r.updated_at),
});

export function createSqlitePushSubscriptionsRepo(db: Database): PushSubscriptionsRepo {
  const byId = db.prepare<[string], SubscriptionRow>('SELECT * FROM push_subscriptions WHERE id = ?');
  const bySession = db.prepare<[string], SubscriptionRow>('SELECT * FROM push_subscriptions WHERE session_id = ?');
  const byEndpoint = db.prepare<[string], SubscriptionRow>('SELECT * FROM push_subscriptions WHERE endpoint = ?');
  const byUser = db.prepare<[string], SubscriptionRow>(
    'SELECT * FROM push_subscriptions WHERE user_id = ? ORDER BY created_at, id',
  );
  const insert = db.prepare(
    `INSERT INTO push_subscriptions (id, user_id, session_id, endpoint, p256dh, auth, prefs, created_at, updated_at)
     VALUES (@id, @userId, @sessionId, @endpoint, @p256dh, @auth, @prefs, @now, @now)`,
  );
  const update = db.prepare(
    `UPDATE push_subscriptions SET p256dh = @p256dh, auth = @auth, prefs = @prefs, updated_at = @now WHERE id = @id`,
  );
  const deleteId = db.prepare<[string]>('DELETE FROM push_subscriptions WHERE id = ?');
  const deleteSession = db.prepare<[string]>('DELETE FROM push_subscriptions WHERE session_id = ?');
  const deleteUser = db.prepare<[string]>('DELETE FROM push_subscriptions WHERE user_id = ?');

  const upsert = db.transaction((s: Parameters<PushSubscriptionsRepo['upsert']>[0]): SubscriptionRow => {
    const params = {
      userId: s.userId,
      sessionId: s.sessionId,
      endpoint: s.endpoint,
      p256dh: s.p256dh,
      auth: s.auth,
      prefs: JSON.stringify(s.prefs),
      now: s.now.getTime(),
    };
    const same = byEndpoint.get(s.endpoint);
    if (same && same.session_id === s.sessionId && same.user_id === s.userId) {
      update.run({ ...params, id: same.id });
      return byId.get(same.id) as SubscriptionRow;
    }
    // The endpoint moves to this session, and the session keeps one endpoint: both old rows go
    // (with their queued pushes, by the foreign key).
    if (same) deleteId.run(same.id);
    deleteSession.run(s.sessionId);
    const id = randomUUID();
    insert.run({ ...params, id });
    return byId.get(id) as SubscriptionRow;
  });

  return {
    async upsert(s) {
      return toSubscription(upsert(s));
    },
    async findById(id) {
      const r = byId.get(id);
      return r ? toSubscription(r) : null;
    },
    async findBySession(sessionId) {
      const r = bySession.get(sessionId);
      return r ? toSubscription(r) : null;
    },
    async listByUser(userId) {
      return byUser.all(userId).map(toSubscription);
    },
    async deleteById(id) {
      return deleteId.run(id).changes;
    },
    async deleteBySession(sessionId) {
      return deleteSession.run(sessionId).changes;
    },
    async deleteByUser(userId) {
      return deleteUser.run(userId).changes;
    },
  };
}

type JobRow = {
  id: string;
  subscription_id: string;
  user_id: string;
  space_id: string;
  conversation_id: string;
  message_id: string;
  seq: number;
  count: number;
  urgency: 'high' | 'normal';
  content: string;
  state: 'pending' | 'sending';
  due_at: number;
  lease_until: number | null;
  attempts: number;
  last_error: string | null;
  created_at: number;
};

function readContent(json: string): PushContent {
  try {
    const c = JSON.parse(json) as PushContent;
    if (c && c.hidden === false && typeof c.title === 'string' && typeof c.body === 'string')
      return { hidden: false, title: c.title, body: c.body, mentioned: c.mentioned === true };
  } catch {
    // fall through
  }
  return { hidden: true };
}

const toJob = (r: JobRow): PushJobRecord => ({
  id: r.id,
  subscriptionId: r.subscription_id,
  userId: r.user_id,
  spaceId: r.space_id,
  conversationId: r.conversation_id,
  messageId: r.message_id,
  seq: r.seq,
  count: r.count,
  urgency: r.urgency,
  content: readContent(r.content),
  state: r.state,
  dueAt: dateOf(r.due_at),
  leaseUntil: date(r.lease_until),
  attempts: r.attempts,
  lastError: r.last_error,
  createdAt: dateOf(r.created_at),
});

export function createSqlitePushQueueRepo(db: Database): PushQueueRepo {
  const subscriptionExists = db.prepare<[string], { ok: number }>(
    'SELECT 1 AS ok FROM push_subscriptions WHERE id = ?',
  );
  const pendingBurst = db.prepare<[string, string], JobRow>(
    `SELECT * FROM push_jobs WHERE subscription_id = ? AND conversation_id = ? AND state = 'pending'`,
  );
  const byId = db.prepare<[string], JobRow>('SELECT * FROM push_jobs WHERE id = ?');
  const insert = db.prepare(
    `INSERT INTO push_jobs (id, subscription_id, user_id, space_id, conversation_id, message_id, seq, count, urgency,
       content, state, due_at, created_at)
     VALUES (@id, @subscriptionId, @userId, @spaceId, @conversationId, @messageId, @seq, 1, @urgency, @content, 'pending',
       @dueAt, @now)`,
  );
  // The newest message wins only if it is newer (events may arrive out of order across nodes).
  const fold = db.prepare(
    `UPDATE push_jobs SET count = count + 1,
       message_id = CASE WHEN @seq >= seq THEN @messageId ELSE message_id END,
       content = CASE WHEN @seq >= seq THEN @content ELSE content END,
       seq = MAX(seq, @seq),
       urgency = CASE WHEN urgency = 'high' OR @urgency = 'high' THEN 'high' ELSE 'normal' END
     WHERE id = @id`,
  );
  const due = db.prepare<{ now: number; limit: number }, { id: string }>(
    `SELECT id FROM (
       SELECT id, due_at FROM push_jobs WHERE state = 'pending' AND due_at <= @now
       UNION ALL
       SELECT id, due_at FROM push_jobs WHERE state = 'sending' AND lease_until <= @now
     ) ORDER BY due_at, id LIMIT @limit`,
  );
  const lease = db.prepare<{ id: string; now: number; until: number }, JobRow>(
    `UPDATE push_jobs SET state = 'sending', lease_until = @until, attempts = attempts + 1
     WHERE id = @id AND ((state = 'pending' AND due_at <= @now) OR (state = 'sending' AND lease_until <= @now))
     RETURNING *`,
  );
  const completeStmt = db.prepare<[string, number]>(
    `DELETE FROM push_jobs WHERE id = ? AND state = 'sending' AND lease_until = ?`,
  );
  const held = db.prepare<[string, number], JobRow>(
    `SELECT * FROM push_jobs WHERE id = ? AND state = 'sending' AND lease_until = ?`,
  );
  const backToPending = db.prepare(
    `UPDATE push_jobs SET state = 'pending', lease_until = NULL, due_at = @dueAt, last_error = @error WHERE id = @id`,
  );
  const absorb = db.prepare(
    `UPDATE push_jobs SET count = count + @count, due_at = MIN(due_at, @dueAt),
       urgency = CASE WHEN urgency = 'high' OR @urgency = 'high' THEN 'high' ELSE 'normal' END,
       last_error = @error, attempts = MAX(attempts, @attempts)
     WHERE id = @id`,
  );
  const deleteId = db.prepare<[string]>('DELETE FROM push_jobs WHERE id = ?');
  const cancel = db.prepare<[string, string, number]>(
    `DELETE FROM push_jobs WHERE user_id = ? AND conversation_id = ? AND seq <= ? AND state = 'pending'`,
  );
  const next = db.prepare<[], { at: number | null }>(
    `SELECT MIN(at) AS at FROM (
       SELECT MIN(due_at) AS at FROM push_jobs WHERE state = 'pending'
       UNION ALL SELECT MIN(lease_until) FROM push_jobs WHERE state = 'sending')`,
  );
  const countStmt = db.prepare<[], { state: 'pending' | 'sending'; n: number }>(
    'SELECT state, COUNT(*) AS n FROM push_jobs GROUP BY state',
  );

  const enqueue = db.transaction((p: Parameters<PushQueueRepo['enqueue']>[0]): JobRow | null => {
    if (!subscriptionExists.get(p.subscriptionId)) return null;
    const params = {
      subscriptionId: p.subscriptionId,
      userId: p.userId,
      spaceId: p.spaceId,
      conversationId: p.conversationId,
      messageId: p.messageId,
      seq: p.seq,
      urgency: p.urgency,
      content: JSON.stringify(p.content),
      dueAt: p.dueAt.getTime(),
      now: p.now.getTime(),
    };
    const burst = pendingBurst.get(p.subscriptionId, p.conversationId);
    if (burst) {
      fold.run({ ...params, id: burst.id });
      return byId.get(burst.id) as JobRow;
    }
    const id = randomUUID();
    insert.run({ ...params, id });
    return byId.get(id) as JobRow;
  });

  const claim = db.transaction((now: number, until: number, limit: number): JobRow[] => {
    const rows: JobRow[] = [];
    for (const { id } of due.all({ now, limit })) {
      const row = lease.get({ id, now, until });
      if (row) rows.push(row);
    }
    return rows;
  });

  const retry = db.transaction((id: string, leaseUntil: number, dueAt: number, error: string): boolean => {
    const job = held.get(id, leaseUntil);
    if (!job) return false;
    const newer = pendingBurst.get(job.subscription_id, job.conversation_id);
    if (newer) {
      absorb.run({ id: newer.id, count: job.count, dueAt, urgency: job.urgency, error, attempts: job.attempts });
      deleteId.run(id);
    } else backToPending.run({ id, dueAt, error });
    return true;
  });

  return {
    async enqueue(p) {
      const row = enqueue(p);
      return row ? toJob(row) : null;
    },
    async claimDue(now, leaseMs, limit) {
      return claim(now.getTime(), now.getTime() + leaseMs, limit).map(toJob);
    },
    async complete(id, leaseUntil) {
      return completeStmt.run(id, leaseUntil.getTime()).changes > 0;
    },
    async retry(id, leaseUntil, dueAt, error) {
      return retry(id, leaseUntil.getTime(), dueAt.getTime(), error.slice(0, 500));
    },
    async cancelRead(userId, conversationId, seq) {
      return cancel.run(userId, conversationId, seq).changes;
    },
    async nextDue() {
      return date(next.get()?.at ?? null);
    },
    async counts() {
      const out = { pending: 0, sending: 0 };
      for (const r of countStmt.all()) out[r.state] = r.n;
      return out;
    },
  };
}
