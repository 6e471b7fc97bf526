import type { AchievementId, AchievementTier, Page, PointsRuleId, PointsVisibility } from '@charla/shared-types';

/*
 * Points: an append-only ledger and the projections derived from it. The ledger is the truth; every
 * projection (totals, per-rule counts, daily cap usage, per-conversation boards, achievements) can be
 * rebuilt from it (`replaceProjection`). Entries are never updated or deleted: an award is undone by
 * a compensating entry (negative points, `reversesId` set).
 *
 * Invariants every adapter keeps, under concurrent callers and several server processes:
 * - at most one entry per (ruleId, eventKey): awarding is exactly once per rule and causing event;
 * - at most one reversal per entry;
 * - the points a user was awarded by one rule on one UTC day never exceed that award's `dailyCap`
 *   (reversals do not give cap back, so deleting and re-sending cannot farm);
 * - an award and its projection updates happen together (SQLite: one transaction). MongoDB without
 *   transactions writes the cap counter first and the projections after the entry: a crash between
 *   them can only under-count, and `replaceProjection` from the ledger repairs it.
 */

export type PointsEntryRecord = {
  id: string;
  userId: string;
  ruleId: PointsRuleId;
  /** Unique with ruleId: what caused the award ("<message>:<reactor>", "<user>:<day>", "reversal:<entry>"). */
  eventKey: string;
  /** Positive for awards, the negated original for reversals. */
  points: number;
  conversationId: string | null;
  /** The awarded user's message the entry is about (its removal by moderation reverses the entry). */
  messageId: string | null;
  /** Someone else's message that caused it (a reply); its quick deletion reverses the entry too. */
  causeMessageId: string | null;
  /** Reversal entries: the entry reversed. */
  reversesId: string | null;
  /** Reversal entries: who reversed it (a site admin), null for automatic reversals. */
  actorId: string | null;
  reason: string | null;
  /** Small numeric facts, e.g. { streak: 5 } on streak_day. Never content. */
  detail: Record<string, number>;
  createdAt: Date;
};

/** An entry as read back: awards carry the id of the entry that reversed them, if any. */
export type PointsEntryView = PointsEntryRecord & { reversedById: string | null };

export type NewPointsAward = Omit<PointsEntryRecord, 'id' | 'reversesId' | 'actorId' | 'reason'> & {
  /** Most points this rule may award this user on the entry's UTC day (the rule's cap). */
  dailyCap: number;
};

export type AwardOutcome =
  | { status: 'awarded'; entry: PointsEntryRecord }
  /** An entry with this (ruleId, eventKey) exists: nothing written. */
  | { status: 'duplicate' }
  /** The user's daily cap for the rule would be exceeded: nothing written. */
  | { status: 'capped' };

export type ReverseOutcome =
  | { status: 'reversed'; entry: PointsEntryRecord; original: PointsEntryRecord }
  | { status: 'already_reversed' }
  /** Unknown id, or the id of a reversal entry (reversals are not reversed). */
  | { status: 'not_found' };

export type PointsTotals = {
  userId: string;
  points: number;
  /** Entries not reversed, and their net points, per rule. */
  rules: Partial<Record<PointsRuleId, { count: number; points: number }>>;
  /** Longest run of consecutive UTC days with a streak_day award (not reversed). */
  bestStreak: number;
};

export type AchievementRecord = {
  userId: string;
  achievementId: AchievementId;
  tier: AchievementTier;
  earnedAt: Date;
};

/** Per-conversation points for the leaderboards: all time (`period` 'all') and per ISO week ('2026-W49'). */
export type ConversationPoints = { conversationId: string; period: string; points: number };

/** Everything derived from one user's ledger, as `replaceProjection` stores it. */
export type PointsProjection = {
  totals: PointsTotals;
  conversations: ConversationPoints[];
  /** Points awarded (reversals not subtracted) per rule and UTC day: the cap usage. */
  daily: { ruleId: PointsRuleId; day: string; points: number }[];
  achievements: AchievementRecord[];
};

export type PointsRepo = {
  /**
   * Each award on its own (a batch shares one transaction where the adapter can): exactly once per
   * (ruleId, eventKey), within the daily cap, and with its projections: totals, the rule's count and
   * points, cap usage, the conversation's boards ('all' and the entry's week) and best streak
   * (max with detail.streak). Outcomes come back in input order.
   */
  award(awards: NewPointsAward[]): Promise<AwardOutcome[]>;
  /**
   * Appends the compensating entry (ruleId of the original, eventKey `reversal:<id>`, negated points,
   * the original's conversation and message) and takes it off the projections (the week of the
   * original). Best streak is not recomputed here: the caller rebuilds that user when it matters.
   */
  reverse(entryId: string, change: { reason: string; actorId: string | null; now: Date }): Promise<ReverseOutcome>;
  findEntry(id: string): Promise<PointsEntryView | null>;
  findByKey(ruleId: PointsRuleId, eventKey: string): Promise<PointsEntryView | null>;
  /** Awards (not reversal entries) whose messageId or causeMessageId is `messageId`. */
  entriesForMessage(messageId: string): Promise<PointsEntryView[]>;
  /** Newest first; cursor is opaque. */
  listEntries(userId: string, options: { limit: number; cursor?: string }): Promise<Page<PointsEntryView>>;
  /** Oldest first, every entry of the user (projection rebuilds); `afterId` pages. */
  userEntries(
    userId: string,
    options: { limit: number; after?: { createdAt: Date; id: string } },
  ): Promise<PointsEntryRecord[]>;
  /** Users that have any entry, by id, `limit` after `afterUserId` (rebuild of every projection). */
  usersWithEntries(options: { limit: number; afterUserId?: string }): Promise<string[]>;
  /** Null when the user has no entry. */
  totals(userId: string): Promise<PointsTotals | null>;
  /** Replaces everything derived for `projection.totals.userId` (rebuild; keeps settings). */
  replaceProjection(projection: PointsProjection): Promise<void>;
  /** True when inserted now (false: already earned, so exactly one caller announces it). */
  earnAchievement(record: AchievementRecord): Promise<boolean>;
  /** True when it was there. */
  revokeAchievement(userId: string, achievementId: AchievementId, tier: AchievementTier): Promise<boolean>;
  listAchievements(userId: string): Promise<AchievementRecord[]>;
  /** 'members' when never set. */
  visibility(userId: string): Promise<PointsVisibility>;
  /** Batch of the above; ids missing from the result have the default. */
  visibilities(userIds: string[]): Promise<Map<string, PointsVisibility>>;
  /** Also marks the user's board rows hidden (nobody) or shown, so boards leave them out from the index. */
  setVisibility(userId: string, visibility: PointsVisibility): Promise<void>;
  /** Idempotent on `key`. */
  schedule(check: PendingCheckRecord): Promise<void>;
  /** Checks due at `now`, soonest first. */
  dueChecks(now: Date, limit: number): Promise<PendingCheckRecord[]>;
  /** True for the one caller that removed it (so two processes do not both run it). */
  takeCheck(key: string): Promise<boolean>;
  /** `days` UTC days ending with `now`'s day, oldest first, zero-filled (admin statistics). */
  daily(now: Date, days: number): Promise<PointsDayRecord[]>;
};

export type PointsBoardRow = { userId: string; points: number };

export type LeaderboardsRepo = {
  /** False when never turned on. */
  isEnabled(conversationId: string): Promise<boolean>;
  setEnabled(conversationId: string, enabled: boolean, actorId: string, now: Date): Promise<void>;
  /**
   * Top `limit` of the conversation for `period` ('all' or an ISO week key): most points first, ties
   * by user id; users who hid their points and users no longer members are left out. Walks the
   * (conversation, period, hidden, points) index: the cost does not grow with the member count.
   */
  top(conversationId: string, period: string, limit: number): Promise<PointsBoardRow[]>;
};

/** Checks the points module must run later (an invited member who is still there after 7 days). */
export type PendingCheckRecord = {
  /** Unique: scheduling the same check twice keeps one. */
  key: string;
  kind: 'invite_stay';
  /** Who would be awarded (the inviter). */
  userId: string;
  /** Whom it is about (the member who joined). */
  subjectUserId: string;
  conversationId: string;
  dueAt: Date;
  createdAt: Date;
};

export type PointsDayRecord = {
  /** UTC day, YYYY-MM-DD. */
  date: string;
  /** Sum of the day's entries (awards minus reversals made that day). */
  points: number;
  /** Achievements (any tier) earned that day. */
  achievements: number;
};

/** What existing accounts did before points existed, for the one-off backfill. Metadata only. */
export type HistoricMessage = {
  id: string;
  conversationId: string;
  conversationKind: 'direct' | 'group' | 'channel';
  senderId: string;
  kind: 'text' | 'media' | 'system';
  createdAt: Date;
  deleted: boolean;
  forwarded: boolean;
  replyTo: { id: string; senderId: string } | null;
  language: string | null;
  /** Current reactions: who reacted and when they first did. */
  reactions: { userId: string; at: Date }[];
};

export type HistoricInviteJoin = {
  conversationId: string;
  inviterId: string;
  joinerId: string;
  joinedAt: Date;
};

/** Pages: pass the returned `cursor` back; the same cursor coming back means the end. */
export type PointsHistoryRepo = {
  /** Every message in storage order, `limit` after the opaque `cursor` (null: from the start). */
  messages(cursor: string | null, limit: number): Promise<{ items: HistoricMessage[]; cursor: string | null }>;
  /** Joins through invite links, oldest first, paged the same way. */
  inviteJoins(cursor: string | null, limit: number): Promise<{ items: HistoricInviteJoin[]; cursor: string | null }>;
};

/** ISO-8601 week of a UTC instant, e.g. '2026-W49' (weeks start on Monday; the leaderboards' "this week"). */
export function isoWeekKey(at: Date): string {
  const d = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
  const weekday = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - weekday);
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((d.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${d.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

export const ALL_TIME = 'all';
