import type { AdminStats } from '@charla/shared-types';
import type { Clock } from '../../app-context.ts';
import { DAY_MS, type Storage } from '../../storage/ports.ts';
import { currentSpace, isHomeSpace } from '../../storage/spaces/space-scope.ts';

/** A space's member count and how many of them were active in the last 24 h and 7 days; null at home. */
async function spaceMembersActivity(
  storage: Storage,
  now: Date,
): Promise<{ users: number; active24h: number; active7d: number } | null> {
  const { spaceId } = currentSpace();
  if (isHomeSpace(spaceId)) return null;
  let users = 0;
  let active24h = 0;
  let active7d = 0;
  let after: { joinedAt: Date; userId: string } | undefined;
  for (;;) {
    const page = await storage.spaces.listMembers(spaceId, 500, after);
    for (const u of await storage.users.findByIds(page.map((m) => m.userId))) {
      if (u.deletedAt) continue;
      users++;
      const seen = u.lastSeenAt ? now.getTime() - u.lastSeenAt.getTime() : Number.POSITIVE_INFINITY;
      if (seen <= DAY_MS) active24h++;
      if (seen <= 7 * DAY_MS) active7d++;
    }
    const last = page.at(-1);
    if (page.length < 500 || !last) return { users, active24h, active7d };
    after = { joinedAt: last.joinedAt, userId: last.userId };
  }
}

/** GET /admin/stats: the adapters aggregate (indexed range scans); this only shapes the DTO. */
export function createAdminStatsService(deps: { storage: Storage; clock: Clock }) {
  return {
    async get(days: number): Promise<AdminStats> {
      const now = deps.clock.now();
      const [o, points] = await Promise.all([
        deps.storage.stats.overview(now, days),
        deps.storage.points.daily(now, days),
      ]);
      // In a space, people are its members (the registry) and their activity is their account's.
      const people = await spaceMembersActivity(deps.storage, now);
      if (people) Object.assign(o, people);
      const pointsByDate = new Map(points.map((p) => [p.date, p]));
      return {
        generatedAt: now.toISOString(),
        days,
        totals: {
          users: o.users,
          active24h: o.active24h,
          active7d: o.active7d,
          conversations: o.conversations,
          messages: o.messages,
          mediaCount: o.mediaCount,
          mediaBytes: o.mediaBytes,
        },
        series: o.daily.map((d) => ({
          ...d,
          points: pointsByDate.get(d.date)?.points ?? 0,
          achievements: pointsByDate.get(d.date)?.achievements ?? 0,
        })),
      };
    },
  };
}

export type AdminStatsService = ReturnType<typeof createAdminStatsService>;
