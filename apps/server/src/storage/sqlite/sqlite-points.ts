import { randomUUID } from 'node:crypto';
import type { AchievementId, AchievementTier, PointsRuleId, PointsVisibility } from '@charla/shared-types';
import type { Database } from 'better-sqlite3';
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
  type PointsProjection,
  type PointsRepo,
  type PointsTotals,
  type ReverseOutcome,
} from '../ports.ts';

type EntryRow = {
  id: string;
  user_id: string;
  rule_id: PointsRuleId;
  event_key: string;
  points: number;
  conversation_id: string | null;
  message_id: string | null;
  cause_message_id: string | null;
  reverses_id: string | null;
  actor_id: string | null;
  reason: string | null;
  detail: string;
  created_at: number;
  reversed_by_id?: string | null;
};

const toEntry = (r: EntryRow): PointsEntryRecord => ({
  id: r.id,
  userId: r.user_id,
  ruleId: r.rule_id,
  eventKey: r.event_key,
  points: r.points,
  conversationId: r.conversation_id,
  messageId: r.message_id,
  causeMessageId: r.cause_message_id,
  reversesId: r.reverses_id,
  actorId: r.actor_id,
  reason: r.reason,
  detail: JSON.parse(r.detail) as Record<string, number>,
  createdAt: new Date(r.created_at),
});
const toView = (r: EntryRow): PointsEntryView => ({ ...toEntry(r), reversedById: r.reversed_by_id ?? null });

/** Entries with the id of the reversal that undid them (one index probe per row). */
const VIEW = `SELECT l.*, r.id AS reversed_by_id FROM points_ledger l
  LEFT JOIN points_ledger r ON r.reverses_id = l.id`;
const cursorShape = cursorOf('number', 'string');

export function createSqlitePointsRepo(db: Database): PointsRepo {
  const byKey = db.prepare<[string, string], EntryRow>(`${VIEW} WHERE l.rule_id = ? AND l.event_key = ?`);
  const byId = db.prepare<[string], EntryRow>(`${VIEW} WHERE l.id = ?`);
  const insertEntry = db.prepare<EntryRow>(
    `INSERT INTO points_ledger (id, user_id, rule_id, event_key, points, conversation_id, message_id,
       cause_message_id, reverses_id, actor_id, reason, detail, created_at)
     VALUES (@id, @user_id, @rule_id, @event_key, @points, @conversation_id, @message_id,
       @cause_message_id, @reverses_id, @actor_id, @reason, @detail, @created_at)`,
  );
  const dailyUsed = db
    .prepare<[string, string, string], number>(
      'SELECT points FROM points_daily WHERE user_id = ? AND rule_id = ? AND day = ?',
    )
    .pluck();
  const addDaily = db.prepare<[string, string, string, number]>(
    `INSERT INTO points_daily (user_id, rule_id, day, points) VALUES (?, ?, ?, ?)
     ON CONFLICT (user_id, rule_id, day) DO UPDATE SET points = points + excluded.points`,
  );
  const totalsStmt = db.prepare<{ u: string; p: number; s: number }>(
    `INSERT INTO points_totals (user_id, points, best_streak) VALUES (@u, @p, @s)
     ON CONFLICT (user_id) DO UPDATE SET points = points + @p, best_streak = max(best_streak, @s)`,
  );
  const addTotals = (u: string, p: number, s: number) => totalsStmt.run({ u, p, s });
  const ruleStmt = db.prepare<{ u: string; r: string; c: number; p: number }>(
    `INSERT INTO points_rule_totals (user_id, rule_id, count, points) VALUES (@u, @r, @c, @p)
     ON CONFLICT (user_id, rule_id) DO UPDATE SET count = count + @c, points = points + @p`,
  );
  const addRule = (u: string, r: string, c: number, p: number) => ruleStmt.run({ u, r, c, p });
  const boardStmt = db.prepare<{ c: string; period: string; u: string; p: number }>(
    `INSERT INTO points_boards (conversation_id, period, user_id, points, hidden)
     VALUES (@c, @period, @u, @p, coalesce((SELECT visibility = 'nobody' FROM points_settings WHERE user_id = @u), 0))
     ON CONFLICT (conversation_id, period, user_id) DO UPDATE SET points = points + @p`,
  );
  const addBoard = (c: string, period: string, u: string, p: number) => boardStmt.run({ c, period, u, p });

  const boards = (conversationId: string | null, userId: string, at: number, points: number) => {
    if (!conversationId) return;
    addBoard(conversationId, ALL_TIME, userId, points);
    addBoard(conversationId, isoWeekKey(new Date(at)), userId, points);
  };

  const awardOne = (a: NewPointsAward): AwardOutcome => {
    if (byKey.get(a.ruleId, a.eventKey)) return { status: 'duplicate' };
    const at = a.createdAt.getTime();
    const day = dayKey(at);
    if ((dailyUsed.get(a.userId, a.ruleId, day) ?? 0) + a.points > a.dailyCap) return { status: 'capped' };
    const row: EntryRow = {
      id: randomUUID(),
      user_id: a.userId,
      rule_id: a.ruleId,
      event_key: a.eventKey,
      points: a.points,
      conversation_id: a.conversationId,
      message_id: a.messageId,
      cause_message_id: a.causeMessageId,
      reverses_id: null,
      actor_id: null,
      reason: null,
      detail: JSON.stringify(a.detail),
      created_at: at,
    };
    insertEntry.run(row);
    addDaily.run(a.userId, a.ruleId, day, a.points);
    addTotals(a.userId, a.points, a.detail.streak ?? 0);
    addRule(a.userId, a.ruleId, 1, a.points);
    boards(a.conversationId, a.userId, at, a.points);
    return { status: 'awarded', entry: toEntry(row) };
  };
  // IMMEDIATE: the cap check and the insert hold the write lock together, across processes too.
  const awardTx = db.transaction((awards: NewPointsAward[]) => awards.map(awardOne));

  const reverseTx = db.transaction(
    (id: string, change: { reason: string; actorId: string | null; now: Date }): ReverseOutcome => {
      const found = byId.get(id);
      if (!found || found.reverses_id) return { status: 'not_found' };
      if (found.reversed_by_id) return { status: 'already_reversed' };
      const original = toEntry(found);
      const row: EntryRow = {
        id: randomUUID(),
        user_id: original.userId,
        rule_id: original.ruleId,
        event_key: `reversal:${original.id}`,
        points: -original.points,
        conversation_id: original.conversationId,
        message_id: original.messageId,
        cause_message_id: original.causeMessageId,
        reverses_id: original.id,
        actor_id: change.actorId,
        reason: change.reason,
        detail: '{}',
        created_at: change.now.getTime(),
      };
      insertEntry.run(row);
      addTotals(original.userId, -original.points, 0);
      addRule(original.userId, original.ruleId, -1, -original.points);
      // The original's week: a reversal takes the points off the board they were counted on.
      boards(original.conversationId, original.userId, original.createdAt.getTime(), -original.points);
      return { status: 'reversed', entry: toEntry(row), original };
    },
  );

  const forMessage = db.prepare<{ m: string }, EntryRow>(
    `${VIEW} WHERE l.message_id = @m AND l.reverses_id IS NULL
     UNION ALL ${VIEW} WHERE l.cause_message_id = @m AND l.reverses_id IS NULL AND coalesce(l.message_id, '') <> @m`,
  );
  const page = db.prepare<{ u: string; at: number | null; id: string | null; limit: number }, EntryRow>(
    `${VIEW} WHERE l.user_id = @u
       AND (@at IS NULL OR l.created_at < @at OR (l.created_at = @at AND l.id < @id))
     ORDER BY l.created_at DESC, l.id DESC LIMIT @limit`,
  );
  const ascending = db.prepare<{ u: string; at: number | null; id: string | null; limit: number }, EntryRow>(
    `SELECT * FROM points_ledger WHERE user_id = @u
       AND (@at IS NULL OR created_at > @at OR (created_at = @at AND id > @id))
     ORDER BY created_at, id LIMIT @limit`,
  );
  const users = db
    .prepare<[string, number], string>(
      'SELECT DISTINCT user_id FROM points_ledger WHERE user_id > ? ORDER BY user_id LIMIT ?',
    )
    .pluck();
  const totalsRow = db.prepare<[string], { points: number; best_streak: number }>(
    'SELECT points, best_streak FROM points_totals WHERE user_id = ?',
  );
  const ruleRows = db.prepare<[string], { rule_id: PointsRuleId; count: number; points: number }>(
    'SELECT rule_id, count, points FROM points_rule_totals WHERE user_id = ?',
  );
  const clear = ['points_rule_totals', 'points_daily', 'points_achievements', 'points_boards'].map((t) =>
    db.prepare<[string]>(`DELETE FROM ${t} WHERE user_id = ?`),
  );
  const setTotals = db.prepare<{ u: string; p: number; s: number }>(
    `INSERT INTO points_totals (user_id, points, best_streak) VALUES (@u, @p, @s)
     ON CONFLICT (user_id) DO UPDATE SET points = @p, best_streak = @s`,
  );
  const insertAchievement = db.prepare<[string, string, string, number]>(
    'INSERT OR IGNORE INTO points_achievements (user_id, achievement_id, tier, earned_at) VALUES (?, ?, ?, ?)',
  );
  const replaceTx = db.transaction((p: PointsProjection) => {
    const u = p.totals.userId;
    for (const stmt of clear) stmt.run(u);
    setTotals.run({ u, p: p.totals.points, s: p.totals.bestStreak });
    for (const [rule, v] of Object.entries(p.totals.rules)) if (v) addRule(u, rule, v.count, v.points);
    for (const d of p.daily) addDaily.run(u, d.ruleId, d.day, d.points);
    for (const c of p.conversations) addBoard(c.conversationId, c.period, u, c.points);
    for (const a of p.achievements) insertAchievement.run(u, a.achievementId, a.tier, a.earnedAt.getTime());
  });
  const deleteAchievement = db.prepare<[string, string, string]>(
    'DELETE FROM points_achievements WHERE user_id = ? AND achievement_id = ? AND tier = ?',
  );
  const achievements = db.prepare<
    [string],
    { achievement_id: AchievementId; tier: AchievementTier; earned_at: number }
  >(
    'SELECT achievement_id, tier, earned_at FROM points_achievements WHERE user_id = ? ORDER BY earned_at, achievement_id',
  );
  const visibilityOf = db
    .prepare<[string], PointsVisibility>('SELECT visibility FROM points_settings WHERE user_id = ?')
    .pluck();
  const setVisibility = db.prepare<[string, string]>(
    `INSERT INTO points_settings (user_id, visibility) VALUES (?, ?)
     ON CONFLICT (user_id) DO UPDATE SET visibility = excluded.visibility`,
  );
  const hideBoards = db.prepare<[number, string]>('UPDATE points_boards SET hidden = ? WHERE user_id = ?');
  const visibilityTx = db.transaction((userId: string, v: PointsVisibility) => {
    setVisibility.run(userId, v);
    hideBoards.run(v === 'nobody' ? 1 : 0, userId);
  });
  const schedule = db.prepare(
    `INSERT OR IGNORE INTO points_pending (key, kind, user_id, subject_user_id, conversation_id, due_at, created_at)
     VALUES (@key, @kind, @userId, @subjectUserId, @conversationId, @dueAt, @createdAt)`,
  );
  const due = db.prepare<
    [number, number],
    {
      key: string;
      user_id: string;
      subject_user_id: string;
      conversation_id: string;
      due_at: number;
      created_at: number;
    }
  >('SELECT * FROM points_pending WHERE due_at <= ? ORDER BY due_at, key LIMIT ?');
  const take = db.prepare<[string]>('DELETE FROM points_pending WHERE key = ?');
  const pointsByDay = db.prepare<[number], { d: number; n: number }>(
    'SELECT created_at / 86400000 AS d, sum(points) AS n FROM points_ledger WHERE created_at >= ? GROUP BY d',
  );
  const achievementsByDay = db.prepare<[number], { d: number; n: number }>(
    'SELECT earned_at / 86400000 AS d, count(*) AS n FROM points_achievements WHERE earned_at >= ? GROUP BY d',
  );

  return {
    async award(awards) {
      if (awards.length === 0) return [];
      return awardTx.immediate(awards);
    },
    async reverse(entryId, change) {
      return reverseTx.immediate(entryId, change);
    },
    async findEntry(id) {
      const r = byId.get(id);
      return r ? toView(r) : null;
    },
    async findByKey(ruleId, eventKey) {
      const r = byKey.get(ruleId, eventKey);
      return r ? toView(r) : null;
    },
    async entriesForMessage(messageId) {
      return forMessage.all({ m: messageId }).map(toView);
    },
    async listEntries(userId, options) {
      const limit = Math.max(1, Math.min(options.limit, 100));
      const c = decodeCursor(options.cursor, cursorShape);
      const rows = page.all({ u: userId, at: c?.[0] ?? null, id: c?.[1] ?? null, limit: limit + 1 });
      const items = rows.slice(0, limit);
      const last = rows.length > limit ? items.at(-1) : undefined;
      return { items: items.map(toView), nextCursor: last ? encodeCursor([last.created_at, last.id]) : null };
    },
    async userEntries(userId, options) {
      return ascending
        .all({
          u: userId,
          at: options.after?.createdAt.getTime() ?? null,
          id: options.after?.id ?? null,
          limit: options.limit,
        })
        .map(toEntry);
    },
    async usersWithEntries(options) {
      return users.all(options.afterUserId ?? '', options.limit);
    },
    async totals(userId) {
      const t = totalsRow.get(userId);
      if (!t) return null;
      const rules: PointsTotals['rules'] = {};
      for (const r of ruleRows.all(userId)) rules[r.rule_id] = { count: r.count, points: r.points };
      return { userId, points: t.points, rules, bestStreak: t.best_streak };
    },
    async replaceProjection(projection) {
      replaceTx.immediate(projection);
    },
    async earnAchievement(a) {
      return insertAchievement.run(a.userId, a.achievementId, a.tier, a.earnedAt.getTime()).changes === 1;
    },
    async revokeAchievement(userId, achievementId, tier) {
      return deleteAchievement.run(userId, achievementId, tier).changes === 1;
    },
    async listAchievements(userId) {
      return achievements.all(userId).map((r) => ({
        userId,
        achievementId: r.achievement_id,
        tier: r.tier,
        earnedAt: new Date(r.earned_at),
      }));
    },
    async visibility(userId) {
      return visibilityOf.get(userId) ?? 'members';
    },
    async visibilities(userIds) {
      const out = new Map<string, PointsVisibility>();
      const ids = [...new Set(userIds)];
      for (let i = 0; i < ids.length; i += 500) {
        const chunk = ids.slice(i, i + 500);
        const rows = db
          .prepare<string[], { user_id: string; visibility: PointsVisibility }>(
            `SELECT user_id, visibility FROM points_settings WHERE user_id IN (${chunk.map(() => '?').join(',')})`,
          )
          .all(...chunk);
        for (const r of rows) out.set(r.user_id, r.visibility);
      }
      return out;
    },
    async setVisibility(userId, visibility) {
      visibilityTx.immediate(userId, visibility);
    },
    async schedule(check) {
      schedule.run({ ...check, dueAt: check.dueAt.getTime(), createdAt: check.createdAt.getTime() });
    },
    async dueChecks(now, limit) {
      return due.all(now.getTime(), limit).map((r) => ({
        key: r.key,
        kind: 'invite_stay' as const,
        userId: r.user_id,
        subjectUserId: r.subject_user_id,
        conversationId: r.conversation_id,
        dueAt: new Date(r.due_at),
        createdAt: new Date(r.created_at),
      }));
    },
    async takeCheck(key) {
      return take.run(key).changes === 1;
    },
    async daily(now, days) {
      const { start, keys } = dayRange(now, days);
      const points = new Map(pointsByDay.all(start).map((r) => [dayKey(r.d * DAY_MS), r.n]));
      const earned = new Map(achievementsByDay.all(start).map((r) => [dayKey(r.d * DAY_MS), r.n]));
      return keys.map((date) => ({ date, points: points.get(date) ?? 0, achievements: earned.get(date) ?? 0 }));
    },
  };
}
