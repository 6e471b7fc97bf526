import type {
  Leaderboard,
  LeaderboardPeriod,
  MyPoints,
  Page,
  PointsEntry,
  PointsProfile,
  PointsVisibility,
} from '@charla/shared-types';
import type { Clock } from '../../app-context.ts';
import { forbidden, notFound } from '../../http/errors.ts';
import { ALL_TIME, isoWeekKey, type PointsEntryView, type Storage } from '../../storage/ports.ts';
import { requireMember } from '../messaging/conversations.access.ts';
import { levelInfo, progressOf } from './points.progress.ts';

export const toPointsEntry = (e: PointsEntryView): PointsEntry => ({
  id: e.id,
  userId: e.userId,
  rule: e.ruleId,
  points: e.points,
  conversationId: e.conversationId,
  messageId: e.messageId,
  reverses: e.reversesId,
  reversedBy: e.reversedById,
  reason: e.reason,
  createdAt: e.createdAt.toISOString(),
});

/** Reads for the REST endpoints: my points, someone's profile badges, leaderboards, ledgers. */
export function createPointsQueries(deps: { storage: Storage; clock: Clock }) {
  const { storage, clock } = deps;

  /** Whether `viewerId` may see `userId`'s points: self, everyone, or sharing a chat (the default). */
  async function maySee(viewerId: string, userId: string, visibility: PointsVisibility): Promise<boolean> {
    if (viewerId === userId || visibility === 'everyone') return true;
    if (visibility === 'nobody') return false;
    const [sharing, blocked] = await Promise.all([
      storage.participants.sharingChatsWith(viewerId, [userId]),
      storage.blocks.blockedEitherWayAmong(viewerId, [userId]),
    ]);
    return sharing.length > 0 && blocked.length === 0;
  }

  return {
    async mine(userId: string): Promise<MyPoints> {
      const [totals, earned, visibility] = await Promise.all([
        storage.points.totals(userId),
        storage.points.listAchievements(userId),
        storage.points.visibility(userId),
      ]);
      return {
        ...levelInfo(totals?.points ?? 0),
        visibility,
        bestStreak: totals?.bestStreak ?? 0,
        achievements: progressOf(totals, earned),
      };
    },

    async profile(viewerId: string, userId: string): Promise<PointsProfile> {
      const user = await storage.users.findById(userId);
      if (!user || user.deletedAt) throw notFound('User');
      if (!(await maySee(viewerId, userId, await storage.points.visibility(userId)))) return { userId, visible: false };
      const [totals, earned] = await Promise.all([
        storage.points.totals(userId),
        storage.points.listAchievements(userId),
      ]);
      const points = totals?.points ?? 0;
      return {
        userId,
        visible: true,
        points,
        level: levelInfo(points).level,
        badges: earned.map((a) => ({ id: a.achievementId, tier: a.tier, earnedAt: a.earnedAt.toISOString() })),
      };
    },

    async ledger(userId: string, q: { limit: number; cursor?: string | undefined }): Promise<Page<PointsEntry>> {
      const page = await storage.points.listEntries(userId, {
        limit: q.limit,
        ...(q.cursor ? { cursor: q.cursor } : {}),
      });
      return { items: page.items.map(toPointsEntry), nextCursor: page.nextCursor };
    },

    async leaderboard(
      viewerId: string,
      conversationId: string,
      q: { period: LeaderboardPeriod; limit: number },
    ): Promise<Leaderboard> {
      const { conversation } = await requireMember(storage, conversationId, viewerId);
      if (conversation.kind === 'direct') throw notFound('Leaderboard');
      const week = q.period === 'week' ? isoWeekKey(clock.now()) : null;
      const enabled = await storage.leaderboards.isEnabled(conversationId);
      if (!enabled) return { conversationId, enabled, period: q.period, week, items: [] };
      const rows = await storage.leaderboards.top(conversationId, week ?? ALL_TIME, q.limit);
      const users = new Map((await storage.users.findByIds(rows.map((r) => r.userId))).map((u) => [u.id, u]));
      const items = rows.flatMap((r) => {
        const u = users.get(r.userId);
        return u && !u.deletedAt
          ? [
              {
                user: { id: u.id, username: u.username, displayName: u.displayName, avatarUrl: u.avatarUrl },
                points: r.points,
              },
            ]
          : [];
      });
      return {
        conversationId,
        enabled,
        period: q.period,
        week,
        items: items.map((it, i) => ({ rank: i + 1, ...it })),
      };
    },

    /** Group and channel owners and admins only. */
    async setLeaderboard(actorId: string, conversationId: string, enabled: boolean): Promise<void> {
      const { conversation, me } = await requireMember(storage, conversationId, actorId);
      if (conversation.kind === 'direct') throw notFound('Leaderboard');
      if (me.role !== 'owner' && me.role !== 'admin')
        throw forbidden('Only owners and admins can change the leaderboard');
      await storage.leaderboards.setEnabled(conversationId, enabled, actorId, clock.now());
    },
  };
}

export type PointsQueries = ReturnType<typeof createPointsQueries>;
