import {
  ACHIEVEMENTS,
  type AchievementDefinition,
  type AchievementProgress,
  type AchievementTier,
  type LevelInfo,
  levelFor,
  pointsForLevel,
} from '@charla/shared-types';
import type { AchievementRecord, PointsTotals } from '../../storage/ports.ts';

/** The metric an achievement counts, read from the user's totals. */
export function metricOf(def: AchievementDefinition, totals: PointsTotals | null): number {
  if (!totals) return 0;
  if (def.metric.kind === 'best_streak') return totals.bestStreak;
  return totals.rules[def.metric.rule]?.count ?? 0;
}

/** Tiers the totals qualify for, per achievement (what should be earned now). */
export function qualifiedTiers(
  totals: PointsTotals | null,
): { id: AchievementDefinition['id']; tier: AchievementTier }[] {
  const out: { id: AchievementDefinition['id']; tier: AchievementTier }[] = [];
  for (const def of ACHIEVEMENTS) {
    const value = metricOf(def, totals);
    for (const t of def.tiers) if (value >= t.goal) out.push({ id: def.id, tier: t.tier });
  }
  return out;
}

export function levelInfo(points: number): LevelInfo {
  const level = levelFor(points);
  return { points, level, levelStart: pointsForLevel(level), nextLevelAt: pointsForLevel(level + 1) };
}

/** Every achievement with earned tiers and the way to the next one ("7/10 reactions"). */
export function progressOf(totals: PointsTotals | null, earned: AchievementRecord[]): AchievementProgress[] {
  return ACHIEVEMENTS.map((def) => {
    const mine = earned.filter((e) => e.achievementId === def.id);
    const has = new Set(mine.map((e) => e.tier));
    const top = [...def.tiers].reverse().find((t) => has.has(t.tier));
    const next = def.tiers.find((t) => !has.has(t.tier)) ?? null;
    return {
      id: def.id,
      tier: top?.tier ?? null,
      earned: mine.map((e) => ({ id: def.id, tier: e.tier, earnedAt: e.earnedAt.toISOString() })),
      progress: metricOf(def, totals),
      next: next ? { tier: next.tier, goal: next.goal } : null,
    };
  });
}
