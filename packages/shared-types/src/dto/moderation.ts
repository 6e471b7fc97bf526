import { z } from 'zod';

const id = z.string().min(1).max(64);

export const reportReasonSchema = z.enum(['spam', 'harassment', 'hate', 'violence', 'sexual', 'illegal', 'other']);
export type ReportReason = z.infer<typeof reportReasonSchema>;
export const reportTargetTypeSchema = z.enum(['message', 'user', 'conversation']);
export type ReportTargetType = z.infer<typeof reportTargetTypeSchema>;
export const reportStatusSchema = z.enum(['open', 'resolved', 'dismissed']);
export type ReportStatus = z.infer<typeof reportStatusSchema>;

/** POST /reports: exactly one target. One open report per reporter and target (409 otherwise). */
export const createReportRequestSchema = z
  .object({
    messageId: id.optional(),
    userId: id.optional(),
    conversationId: id.optional(),
    reason: reportReasonSchema,
    note: z.string().trim().max(1000, 'At most 1000 characters').default(''),
  })
  .strict()
  .refine((r) => [r.messageId, r.userId, r.conversationId].filter((v) => v !== undefined).length === 1, {
    message: 'Give exactly one of messageId, userId, conversationId',
    path: ['messageId'],
  });
export type CreateReportRequest = z.input<typeof createReportRequestSchema>;

export const reportSchema = z.object({
  id: z.string(),
  reporterId: z.string(),
  targetType: reportTargetTypeSchema,
  targetId: z.string(),
  /** The conversation concerned (the message's, or the reported conversation); null for users. */
  conversationId: z.string().nullable(),
  reason: reportReasonSchema,
  note: z.string(),
  status: reportStatusSchema,
  resolutionNote: z.string().nullable(),
  resolvedBy: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  /** What the conversation's own moderators decided (separate from the site-level `status`). */
  groupStatus: reportStatusSchema,
  createdAt: z.string(),
});
export type Report = z.infer<typeof reportSchema>;

/**
 * A report as a group's owners/admins see it (GET /conversations/:id/reports): never who filed it nor
 * their note, and `status` is the group's own decision, not the site admins'.
 */
export const groupReportSchema = z.object({
  id: z.string(),
  targetType: z.literal('message'),
  targetId: z.string(),
  conversationId: z.string(),
  reason: reportReasonSchema,
  status: reportStatusSchema,
  resolutionNote: z.string().nullable(),
  resolvedBy: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  createdAt: z.string(),
});
export type GroupReport = z.infer<typeof groupReportSchema>;

export const listReportsQuerySchema = z.object({
  status: reportStatusSchema.optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

/** PATCH /admin/reports/:id */
export const updateReportRequestSchema = z
  .object({
    status: z.enum(['resolved', 'dismissed']),
    note: z.string().trim().max(1000, 'At most 1000 characters').default(''),
  })
  .strict();
export type UpdateReportRequest = z.input<typeof updateReportRequestSchema>;

export const suspendUserRequestSchema = z
  .object({ reason: z.string().trim().max(500, 'At most 500 characters').default('') })
  .strict();

export const auditActionSchema = z.enum([
  'report.resolved',
  'report.dismissed',
  'message.deleted',
  'user.suspended',
  'user.unsuspended',
  'user.role_changed',
  'member.removed',
]);
export type AuditAction = z.infer<typeof auditActionSchema>;

export const auditEntrySchema = z.object({
  id: z.string(),
  actorId: z.string(),
  action: auditActionSchema,
  targetType: z.enum(['message', 'user', 'conversation', 'report']),
  targetId: z.string(),
  conversationId: z.string().nullable(),
  /** Small facts (reason, note, report id); never message content. */
  details: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const listAuditQuerySchema = z.object({
  actorId: id.optional(),
  targetId: id.optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
