import { ACHIEVEMENTS, type PointsRuleId } from '@charla/shared-types';
import {
  type AchievementRecord,
  ALL_TIME,
  isoWeekKey,
  type PointsEntryRecord,
  type PointsProjection,
  type PointsTotals,
} from '../../storage/ports.ts';
import { dayKey, previousDay } from './points.rules.ts';

/**
 * Everything derived from one user's ledger (oldest first), as `replaceProjection` stores it: the
 * ledger is the truth and this is the one definition of what it means. Pure, so property tests can
 * check it against random ledgers.
 */
export function projectLedger(userId: string, entries: readonly PointsEntryRecord[]): PointsProjection {
  const reversed = new Set(entries.filter((e) => e.reversesId).map((e) => e.reversesId));
  const byId = new Map(entries.map((e) => [e.id, e]));
  const totals: PointsTotals = { userId, points: 0, rules: {}, bestStreak: 0 };
  const boards = new Map<string, { conversationId: string; period: string; points: number }>();
  const daily = new Map<string, { ruleId: PointsRuleId; day: string; points: number }>();
  const addBoard = (conversationId: string, period: string, points: number) => {
    const key = `${conversationId}\u0000${period}`;
    const row = boards.get(key) ?? { conversationId, period, points: 0 };
    row.points += points;
    boards.set(key, row);
  };
  for (const e of entries) {
    totals.points += e.points;
    if (!e.reversesId) {
      const dk = `${e.ruleId}\u0000${dayKey(e.createdAt)}`;
      const d = daily.get(dk) ?? { ruleId: e.ruleId, day: dayKey(e.createdAt), points: 0 };
      d.points += e.points;
      daily.set(dk, d);
    }
    // Boards count an entry and its reversal in the week of the original.
    const original = e.reversesId ? byId.get(e.reversesId) : e;
    if (e.conversationId && original) {
      addBoard(e.conversationId, ALL_TIME, e.points);
      addBoard(e.conversationId, isoWeekKey(original.createdAt), e.points);
    }
  }
  const kept = entries.filter((e) => !e.reversesId && !reversed.has(e.id));
  for (const e of kept) {
    const r = totals.rules[e.ruleId] ?? { count: 0, points: 0 };
    r.count += 1;
    r.points += e.points;
    totals.rules[e.ruleId] = r;
  }
  totals.bestStreak = longestRun(kept.filter((e) => e.ruleId === 'streak_day').map((e) => dayKey(e.createdAt)));
  return {
    totals,
    conversations: [...boards.values()],
    daily: [...daily.values()],
    achievements: achievementsFrom(userId, kept),
  };
}

/** Longest run of consecutive UTC days among `days`. */
export function longestRun(days: readonly string[]): number {
  const set = new Set(days);
  let best = 0;
  for (const d of set) {
    if (set.has(previousDay(d))) continue;
    let n = 1;
    let cur = d;
    for (;;) {
      const next = new Date(Date.parse(`${cur}T00:00:00.000Z`) + 86_400_000).toISOString().slice(0, 10);
      if (!set.has(next)) break;
      n += 1;
      cur = next;
    }
    best = Math.max(best, n);
  }
  return best;
}

/** Achievement tiers the kept (not reversed) entries reach, earned when the goal was first met. */
function achievementsFrom(userId: string, kept: readonly PointsEntryRecord[]): AchievementRecord[] {
  const out: AchievementRecord[] = [];
  const ordered = [...kept].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  for (const def of ACHIEVEMENTS) {
    if (def.metric.kind === 'rule_count') {
      const rule = def.metric.rule;
      const hits = ordered.filter((e) => e.ruleId === rule);
      for (const t of def.tiers) {
        const reached = hits[t.goal - 1];
        if (reached) out.push({ userId, achievementId: def.id, tier: t.tier, earnedAt: reached.createdAt });
      }
    } else {
      const days: string[] = [];
      for (const e of ordered.filter((x) => x.ruleId === 'streak_day')) {
        days.push(dayKey(e.createdAt));
        const run = longestRun(days);
        for (const t of def.tiers)
          if (run >= t.goal && !out.some((a) => a.achievementId === def.id && a.tier === t.tier))
            out.push({ userId, achievementId: def.id, tier: t.tier, earnedAt: e.createdAt });
      }
    }
  }
  return out;
}
