import { z } from 'zod';
import { userRoleSchema } from './user.ts';

/** GET /admin/users item: what an admin needs to moderate an account. */
export const adminUserSchema = z.object({
  id: z.string(),
  email: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: userRoleSchema,
  suspendedAt: z.string().nullable(),
  deleted: z.boolean(),
  lastSeenAt: z.string().nullable(),
  createdAt: z.string(),
});
export type AdminUser = z.infer<typeof adminUserSchema>;

/** PUT /admin/users/:id/role. Never your own role; never the last admin who can act. */
export const updateUserRoleRequestSchema = z.object({ role: userRoleSchema }).strict();
export type UpdateUserRoleRequest = z.infer<typeof updateUserRoleRequestSchema>;

export const adminUsersQuerySchema = z.object({
  q: z.string().trim().max(64).default(''),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

export const STATS_DAYS_MAX = 365;
export const adminStatsQuerySchema = z.object({
  days: z.coerce.number().int().min(1).max(STATS_DAYS_MAX).default(30),
});

/** One UTC day. */
export const statsDaySchema = z.object({
  date: z.string(),
  signups: z.number().int(),
  /** Distinct users who sent at least one message that day. */
  activeUsers: z.number().int(),
  messages: z.number().int(),
  mediaUploads: z.number().int(),
  mediaBytes: z.number().int(),
  /** Net points awarded that day (awards minus reversals made that day). */
  points: z.number().int(),
  /** Achievement tiers earned that day. */
  achievements: z.number().int(),
});
export type StatsDay = z.infer<typeof statsDaySchema>;

export const adminStatsSchema = z.object({
  generatedAt: z.string(),
  days: z.number().int(),
  totals: z.object({
    users: z.number().int(),
    /** Users seen (last activity) within the last 24 hours / 7 days. */
    active24h: z.number().int(),
    active7d: z.number().int(),
    conversations: z.object({ direct: z.number().int(), group: z.number().int(), channel: z.number().int() }),
    messages: z.number().int(),
    mediaCount: z.number().int(),
    mediaBytes: z.number().int(),
  }),
  /** Oldest day first, `days` entries, zero-filled. */
  series: z.array(statsDaySchema),
});
export type AdminStats = z.infer<typeof adminStatsSchema>;
