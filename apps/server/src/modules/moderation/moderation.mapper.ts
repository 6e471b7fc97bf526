import type { AdminUser, AuditEntry, GroupReport, Report, ReportReason } from '@charla/shared-types';
import type { AuditRecord, ReportRecord, UserRecord } from '../../storage/ports.ts';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export const toReportDto = (r: ReportRecord): Report => ({
  id: r.id,
  reporterId: r.reporterId,
  targetType: r.targetType,
  targetId: r.targetId,
  conversationId: r.conversationId,
  reason: r.reason as ReportReason,
  note: r.note,
  status: r.status,
  resolutionNote: r.resolutionNote,
  resolvedBy: r.resolvedBy,
  resolvedAt: iso(r.resolvedAt),
  groupStatus: r.groupStatus,
  createdAt: r.createdAt.toISOString(),
});

/** For group moderators: the reporter and their note stay hidden; the status is the group's own. */
export const toGroupReportDto = (r: ReportRecord & { conversationId: string }): GroupReport => ({
  id: r.id,
  targetType: 'message',
  targetId: r.targetId,
  conversationId: r.conversationId,
  reason: r.reason as ReportReason,
  status: r.groupStatus,
  resolutionNote: r.groupResolutionNote,
  resolvedBy: r.groupResolvedBy,
  resolvedAt: iso(r.groupResolvedAt),
  createdAt: r.createdAt.toISOString(),
});

export const toAuditDto = (e: AuditRecord): AuditEntry => ({
  id: e.id,
  actorId: e.actorId,
  action: e.action,
  targetType: e.targetType,
  targetId: e.targetId,
  conversationId: e.conversationId,
  details: e.details,
  createdAt: e.createdAt.toISOString(),
});

export const toAdminUserDto = (u: UserRecord): AdminUser => ({
  id: u.id,
  email: u.email,
  username: u.username,
  displayName: u.displayName,
  role: u.role,
  suspendedAt: iso(u.suspendedAt),
  deleted: u.deletedAt !== null,
  lastSeenAt: iso(u.lastSeenAt),
  createdAt: u.createdAt.toISOString(),
});
