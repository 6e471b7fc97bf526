import type { Page } from '@charla/shared-types';

/*
 * Moderation: user reports, the audit log of moderation actions, and the admin statistics
 * (aggregates computed by the adapters over indexed columns, never by loading rows).
 */

export type ReportTargetType = 'message' | 'user' | 'conversation';
export type ReportStatus = 'open' | 'resolved' | 'dismissed';

export type ReportRecord = {
  id: string;
  reporterId: string;
  targetType: ReportTargetType;
  targetId: string;
  /** The conversation concerned (the message's, or the reported one); null for user reports. */
  conversationId: string | null;
  reason: string;
  note: string;
  status: ReportStatus;
  resolutionNote: string | null;
  resolvedBy: string | null;
  resolvedAt: Date | null;
  /**
   * The decision of the conversation's own moderators (group owners/admins), kept apart from the
   * site-level `status` so that handling a report in the group never hides it from site admins.
   */
  groupStatus: ReportStatus;
  groupResolutionNote: string | null;
  groupResolvedBy: string | null;
  groupResolvedAt: Date | null;
  createdAt: Date;
};

export type NewReport = Pick<
  ReportRecord,
  'reporterId' | 'targetType' | 'targetId' | 'conversationId' | 'reason' | 'note' | 'createdAt'
>;

export type ReportsRepo = {
  /** Throws DuplicateKeyError('report') when this reporter already has an OPEN report on the target. */
  create(report: NewReport): Promise<ReportRecord>;
  findById(id: string): Promise<ReportRecord | null>;
  /** Newest first. Cursor is opaque. */
  list(options: {
    /** Site-level status. */
    status?: ReportStatus;
    /** The group moderators' status. */
    groupStatus?: ReportStatus;
    conversationId?: string;
    limit: number;
    cursor?: string;
  }): Promise<Page<ReportRecord>>;
  /**
   * Site level: closes an OPEN report; null when missing or already closed (so two moderators cannot
   * both close it). Leaves the group status alone.
   */
  close(
    id: string,
    change: { status: 'resolved' | 'dismissed'; note: string; resolvedBy: string; now: Date },
  ): Promise<ReportRecord | null>;
  /** Group level: the same for `groupStatus`; the site-level status stays as it is. */
  closeForGroup(
    id: string,
    change: { status: 'resolved' | 'dismissed'; note: string; resolvedBy: string; now: Date },
  ): Promise<ReportRecord | null>;
};

export type AuditAction =
  | 'report.resolved'
  | 'report.dismissed'
  | 'message.deleted'
  | 'user.suspended'
  | 'user.unsuspended'
  /** Site role promoted or demoted by an admin; details { from, to }. */
  | 'user.role_changed'
  | 'member.removed';

export type AuditRecord = {
  id: string;
  actorId: string;
  action: AuditAction;
  targetType: 'message' | 'user' | 'conversation' | 'report';
  targetId: string;
  conversationId: string | null;
  /** Small facts (reason, note, report id); never message content. */
  details: Record<string, unknown>;
  createdAt: Date;
};

export type AuditLogRepo = {
  append(entry: Omit<AuditRecord, 'id'>): Promise<AuditRecord>;
  /** Newest first, optionally filtered. Cursor is opaque. */
  list(options: {
    actorId?: string;
    targetId?: string;
    conversationId?: string;
    limit: number;
    cursor?: string;
  }): Promise<Page<AuditRecord>>;
};

export type StatsDayRecord = {
  /** UTC day, YYYY-MM-DD. */
  date: string;
  signups: number;
  /** Distinct message senders that day. */
  activeUsers: number;
  messages: number;
  mediaUploads: number;
  mediaBytes: number;
};

export type StatsOverview = {
  /** Not deleted. */
  users: number;
  /** Seen, signed in/refreshed, or sent a message within the last 24 h / 7 days. */
  active24h: number;
  active7d: number;
  /** Not deleted. */
  conversations: { direct: number; group: number; channel: number };
  /** User messages (not system ones), tombstones included. */
  messages: number;
  mediaCount: number;
  mediaBytes: number;
  /** `days` UTC days ending with today, oldest first, zero-filled. */
  daily: StatsDayRecord[];
};

export type StatsRepo = {
  overview(now: Date, days: number): Promise<StatsOverview>;
};

/** UTC day key and the `days` keys ending with `now`'s day, oldest first (shared by both adapters). */
export const DAY_MS = 86_400_000;
export const dayKey = (ms: number): string => new Date(Math.floor(ms / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
export function dayRange(now: Date, days: number): { start: number; keys: string[] } {
  const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  const start = today - (days - 1) * DAY_MS;
  return { start, keys: Array.from({ length: days }, (_, i) => dayKey(start + i * DAY_MS)) };
}
