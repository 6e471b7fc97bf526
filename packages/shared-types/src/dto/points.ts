import { z } from 'zod';
import { publicProfileSchema } from './user.ts';

/*
 * Points, levels and achievements. Every award is an immutable ledger entry on the server; totals,
 * levels and achievements are derived from it. The catalogue below (achievement ids, tiers, goals and
 * the level curve) is shared so the server and the client agree on what a number means.
 */

/** The rules that award points (the server's typed rule table: apps/server/src/modules/points/points.rules.ts). */
export const POINTS_RULE_IDS = [
  'first_message_of_day',
  'reply_received',
  'reaction_received',
  'invite_stayed',
  'streak_day',
  'helpful_message',
  'new_language',
] as const;
export const pointsRuleIdSchema = z.enum(POINTS_RULE_IDS);
export type PointsRuleId = z.infer<typeof pointsRuleIdSchema>;

export const ACHIEVEMENT_TIERS = ['bronze', 'silver', 'gold'] as const;
export const achievementTierSchema = z.enum(ACHIEVEMENT_TIERS);
export type AchievementTier = z.infer<typeof achievementTierSchema>;

export const ACHIEVEMENT_IDS = [
  'first_words',
  'conversation_starter',
  'connector',
  'streak',
  'helpful',
  'polyglot',
] as const;
export const achievementIdSchema = z.enum(ACHIEVEMENT_IDS);
export type AchievementId = z.infer<typeof achievementIdSchema>;

/**
 * What an achievement counts: how many (not reversed) entries of one rule the user has, or for
 * `best_streak` the longest run of consecutive active UTC days.
 */
export type AchievementMetric = { kind: 'rule_count'; rule: PointsRuleId } | { kind: 'best_streak' };

export type AchievementDefinition = {
  id: AchievementId;
  metric: AchievementMetric;
  /** Goals in tier order (bronze first); an achievement may have fewer than three tiers. */
  tiers: readonly { tier: AchievementTier; goal: number }[];
};

/** Tier goals in tier order: bronze, then silver and gold where the achievement has them. */
const goals = (...byTier: number[]): AchievementDefinition['tiers'] =>
  byTier.map((goal, i) => ({ tier: ACHIEVEMENT_TIERS[i] as AchievementTier, goal }));

export const ACHIEVEMENTS: readonly AchievementDefinition[] = [
  // A message that counted (first of the day in a conversation with someone else in it).
  { id: 'first_words', metric: { kind: 'rule_count', rule: 'first_message_of_day' }, tiers: goals(1) },
  { id: 'conversation_starter', metric: { kind: 'rule_count', rule: 'reply_received' }, tiers: goals(5, 50, 250) },
  { id: 'connector', metric: { kind: 'rule_count', rule: 'invite_stayed' }, tiers: goals(1, 5, 25) },
  { id: 'streak', metric: { kind: 'best_streak' }, tiers: goals(7, 30, 100) },
  { id: 'helpful', metric: { kind: 'rule_count', rule: 'reaction_received' }, tiers: goals(10, 100, 1000) },
  { id: 'polyglot', metric: { kind: 'rule_count', rule: 'new_language' }, tiers: goals(3, 5, 8) },
];

/**
 * The level curve: level L needs 10·(L−1)² points, so level = 1 + ⌊√(points / 10)⌋. Level 2 at 10
 * points, 3 at 40, 4 at 90, 6 at 250, 11 at 1,000, 21 at 4,000: a handful of good days reach the
 * first levels, while each later one needs about 20·L more points than the one before.
 */
export const LEVEL_STEP = 10;
export const levelFor = (points: number): number => 1 + Math.floor(Math.sqrt(Math.max(0, points) / LEVEL_STEP));
/** Total points at which `level` starts. */
export const pointsForLevel = (level: number): number => LEVEL_STEP * (Math.max(1, level) - 1) ** 2;

/** Who sees my points and badges: everyone, people in a conversation with me (default), or nobody. */
export const POINTS_VISIBILITIES = ['everyone', 'members', 'nobody'] as const;
export const pointsVisibilitySchema = z.enum(POINTS_VISIBILITIES);
export type PointsVisibility = z.infer<typeof pointsVisibilitySchema>;
export const DEFAULT_POINTS_VISIBILITY: PointsVisibility = 'members';

const int = z.number().int();
/** A user's total points and the level they make (levelFor). */
const pointsAndLevel = { points: int, level: int };
/** A page size for list queries: 1 to 100. */
const pageLimit = (fallback: number) => z.coerce.number().int().min(1).max(100).default(fallback);

export const earnedBadgeSchema = z.object({
  id: achievementIdSchema,
  tier: achievementTierSchema,
  earnedAt: z.string(),
});
export type EarnedBadge = z.infer<typeof earnedBadgeSchema>;

/** One achievement on the Achievements screen: earned tiers and the way to the next one. */
export const achievementProgressSchema = z.object({
  id: achievementIdSchema,
  /** Highest tier earned; null while locked. */
  tier: achievementTierSchema.nullable(),
  earned: z.array(earnedBadgeSchema),
  /** The metric's current value (e.g. 7 reactions). */
  progress: int,
  /** Next tier and its goal; null when every tier is earned. */
  next: z.object({ tier: achievementTierSchema, goal: int }).nullable(),
});
export type AchievementProgress = z.infer<typeof achievementProgressSchema>;

export const levelInfoSchema = z.object({
  ...pointsAndLevel,
  /** Points at which the current level started and the next one starts. */
  levelStart: int,
  nextLevelAt: int,
});
export type LevelInfo = z.infer<typeof levelInfoSchema>;

/** GET /points/me */
export const myPointsSchema = levelInfoSchema.extend({
  visibility: pointsVisibilitySchema,
  bestStreak: int,
  achievements: z.array(achievementProgressSchema),
});
export type MyPoints = z.infer<typeof myPointsSchema>;

/** GET /points/users/:id: someone's level, points and badges, when their privacy setting lets me see them. */
export const pointsProfileSchema = z.discriminatedUnion('visible', [
  z.object({
    userId: z.string(),
    visible: z.literal(true),
    ...pointsAndLevel,
    badges: z.array(earnedBadgeSchema),
  }),
  z.object({ userId: z.string(), visible: z.literal(false) }),
]);
export type PointsProfile = z.infer<typeof pointsProfileSchema>;

export const updatePointsSettingsSchema = z.object({ visibility: pointsVisibilitySchema }).strict();
export type UpdatePointsSettings = z.infer<typeof updatePointsSettingsSchema>;

export const LEADERBOARD_PERIODS = ['week', 'all'] as const;
export const leaderboardPeriodSchema = z.enum(LEADERBOARD_PERIODS);
export type LeaderboardPeriod = z.infer<typeof leaderboardPeriodSchema>;
export const leaderboardQuerySchema = z.object({
  period: leaderboardPeriodSchema.default('week'),
  limit: pageLimit(25),
});

export const leaderboardEntrySchema = z.object({
  rank: int,
  user: publicProfileSchema.pick({ id: true, username: true, displayName: true, avatarUrl: true }),
  /** Points earned in this conversation in the period. */
  points: int,
});
export type LeaderboardEntry = z.infer<typeof leaderboardEntrySchema>;

/** GET /points/conversations/:id/leaderboard */
export const leaderboardSchema = z.object({
  conversationId: z.string(),
  enabled: z.boolean(),
  period: leaderboardPeriodSchema,
  /** The week shown (ISO week, e.g. 2026-W49) for `week`; null for all-time. */
  week: z.string().nullable(),
  items: z.array(leaderboardEntrySchema),
});
export type Leaderboard = z.infer<typeof leaderboardSchema>;

export const updateLeaderboardSchema = z.object({ enabled: z.boolean() }).strict();

/** Socket `points:achievement`: the user just earned a badge (toast). */
export const achievementEarnedEventSchema = earnedBadgeSchema.extend(pointsAndLevel);
export type AchievementEarnedEvent = z.infer<typeof achievementEarnedEventSchema>;

/** A ledger entry as admins (and the user, for their own) see it. Reversals have negative points. */
export const pointsEntrySchema = z.object({
  id: z.string(),
  userId: z.string(),
  rule: pointsRuleIdSchema,
  points: int,
  conversationId: z.string().nullable(),
  messageId: z.string().nullable(),
  /** Set on a compensating entry: the entry it reverses. */
  reverses: z.string().nullable(),
  /** Set on an award that a later entry reversed. */
  reversedBy: z.string().nullable(),
  reason: z.string().nullable(),
  createdAt: z.string(),
});
export type PointsEntry = z.infer<typeof pointsEntrySchema>;

export const pointsLedgerQuerySchema = z.object({
  cursor: z.string().max(200).optional(),
  limit: pageLimit(50),
});

/** POST /admin/points/entries/:id/reversal */
export const reversePointsSchema = z.object({ reason: z.string().trim().min(1).max(500) }).strict();
