import type { AdminStats } from '@charla/shared-types';
import type { Clock } from '../../app-context.ts';
import type { Storage } from '../../storage/ports.ts';

/** GET /admin/stats: the adapters aggregate (indexed range scans); this only shapes the DTO. */
export function createAdminStatsService(deps: { storage: Storage; clock: Clock }) {
  return {
    async get(days: number): Promise<AdminStats> {
      const now = deps.clock.now();
      const o = await deps.storage.stats.overview(now, days);
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
        series: o.daily,
      };
    },
  };
}

export type AdminStatsService = ReturnType<typeof createAdminStatsService>;
