import type { AdminStats } from '@charla/shared-types';
import type { Clock } from '../../app-context.ts';
import type { Storage } from '../../storage/ports.ts';

/** GET /admin/stats: the adapters aggregate (indexed range scans); this only shapes the DTO. */
export function createAdminStatsService(deps: { storage: Storage; clock: Clock }) {
  return {
    async get(days: number): Promise<AdminStats> {
      const now = deps.clock.now();
      const [o, points] = await Promise.all([
        deps.storage.stats.overview(now, days),
        deps.storage.points.daily(now, days),
      ]);
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
