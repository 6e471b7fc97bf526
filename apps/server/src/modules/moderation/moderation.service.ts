import type {
  AdminUser,
  AuditEntry,
  CreateReportRequest,
  Page,
  Report,
  ReportStatus,
  UpdateReportRequest,
} from '@charla/shared-types';
import type { Clock } from '../../app-context.ts';
import { badRequest, conflict, forbidden, notFound } from '../../http/errors.ts';
import { type AuditRecord, DuplicateKeyError, type Storage } from '../../storage/ports.ts';
import type { AccountEvents } from '../auth/account-events.ts';
import { toAdminUserDto, toAuditDto, toReportDto } from './moderation.mapper.ts';

export type ModerationDeps = {
  storage: Storage;
  clock: Clock;
  events: AccountEvents;
  /** Deletes a message for everyone as a site admin (modules/messaging). */
  deleteMessage(actorId: string, messageId: string): Promise<void>;
};

type CreateReport = Required<Pick<CreateReportRequest, 'reason'>> & CreateReportRequest & { note: string };
type CloseReport = Required<UpdateReportRequest>;

export function createModerationService(deps: ModerationDeps) {
  const { storage, clock, events } = deps;

  const audit = (entry: Omit<AuditRecord, 'id' | 'createdAt'>) =>
    storage.auditLog.append({ ...entry, createdAt: clock.now() });

  /** Active member (or any reader of a public channel) who may see the message; else 404. */
  async function visibleMessage(userId: string, messageId: string) {
    const message = await storage.messages.findById(messageId);
    if (!message || message.kind === 'system') throw notFound('Message');
    const [conversation, me] = await Promise.all([
      storage.conversations.findById(message.conversationId),
      storage.participants.find(message.conversationId, userId),
    ]);
    if (!conversation || conversation.deletedAt) throw notFound('Message');
    const member = me && !me.leftAt ? me : null;
    if (!member && conversation.kind !== 'channel') throw notFound('Message');
    const floor = !member || conversation.historyForNewcomers ? 0 : member.joinedSeq;
    if (message.seq <= floor) throw notFound('Message');
    return message;
  }

  /** Group owner/admin of a group or channel; 404 for non-members. */
  async function requireGroupModerator(userId: string, conversationId: string): Promise<void> {
    const [conversation, me] = await Promise.all([
      storage.conversations.findById(conversationId),
      storage.participants.find(conversationId, userId),
    ]);
    if (!conversation || conversation.deletedAt || !me || me.leftAt) throw notFound('Conversation');
    if (conversation.kind === 'direct' || me.role === 'member')
      throw forbidden('Only a group owner or admin can moderate it');
  }

  async function closeReport(
    actorId: string,
    id: string,
    change: CloseReport,
    conversationId?: string,
  ): Promise<Report> {
    const existing = await storage.reports.findById(id);
    if (
      !existing ||
      (conversationId && (existing.conversationId !== conversationId || existing.targetType !== 'message'))
    )
      throw notFound('Report');
    const closed = await storage.reports.close(id, { ...change, resolvedBy: actorId, now: clock.now() });
    if (!closed) throw conflict('This report is already closed');
    await audit({
      actorId,
      action: change.status === 'resolved' ? 'report.resolved' : 'report.dismissed',
      targetType: 'report',
      targetId: id,
      conversationId: closed.conversationId,
      details: { note: change.note, target: `${closed.targetType}:${closed.targetId}` },
    });
    return toReportDto(closed);
  }

  return {
    /** One open report per reporter and target (409). Targets the reporter cannot see are 404. */
    async report(userId: string, body: CreateReport): Promise<Report> {
      let target: { targetType: 'message' | 'user' | 'conversation'; targetId: string; conversationId: string | null };
      if (body.messageId) {
        const message = await visibleMessage(userId, body.messageId);
        if (message.senderId === userId) throw badRequest('You cannot report your own message');
        target = { targetType: 'message', targetId: message.id, conversationId: message.conversationId };
      } else if (body.userId) {
        if (body.userId === userId) throw badRequest('You cannot report yourself');
        const user = await storage.users.findById(body.userId);
        if (!user || user.deletedAt) throw notFound('User');
        target = { targetType: 'user', targetId: user.id, conversationId: null };
      } else {
        const id = body.conversationId ?? '';
        const [conversation, me] = await Promise.all([
          storage.conversations.findById(id),
          storage.participants.find(id, userId),
        ]);
        const member = me && !me.leftAt;
        if (!conversation || conversation.deletedAt || (!member && conversation.kind !== 'channel'))
          throw notFound('Conversation');
        target = { targetType: 'conversation', targetId: id, conversationId: id };
      }
      try {
        const created = await storage.reports.create({
          reporterId: userId,
          ...target,
          reason: body.reason,
          note: body.note,
          createdAt: clock.now(),
        });
        return toReportDto(created);
      } catch (err) {
        if (err instanceof DuplicateKeyError) throw conflict('You already have an open report about this');
        throw err;
      }
    },

    async listReports(q: { status?: ReportStatus; cursor?: string; limit: number }): Promise<Page<Report>> {
      const page = await storage.reports.list(q);
      return { items: page.items.map(toReportDto), nextCursor: page.nextCursor };
    },

    closeReport: (actorId: string, id: string, change: CloseReport) => closeReport(actorId, id, change),

    /** Group owners/admins see reports about messages in their group (not reports about the group itself). */
    async listGroupReports(
      userId: string,
      conversationId: string,
      q: { status?: ReportStatus; cursor?: string; limit: number },
    ): Promise<Page<Report>> {
      await requireGroupModerator(userId, conversationId);
      const page = await storage.reports.list({ ...q, conversationId });
      return {
        items: page.items.filter((r) => r.targetType === 'message').map(toReportDto),
        nextCursor: page.nextCursor,
      };
    },

    async closeGroupReport(userId: string, conversationId: string, id: string, change: CloseReport): Promise<Report> {
      await requireGroupModerator(userId, conversationId);
      return closeReport(userId, id, change, conversationId);
    },

    /** Site admin: delete any message for everyone (messaging's one delete path: tombstone, files, event, audit). */
    deleteMessage: (actorId: string, messageId: string): Promise<void> => deps.deleteMessage(actorId, messageId),

    /**
     * Suspends: sign-in refused (account_suspended), every session revoked, open sockets closed
     * (through the account events the realtime module listens to). Admins cannot be suspended.
     */
    async suspend(actorId: string, userId: string, reason: string): Promise<AdminUser> {
      if (userId === actorId) throw badRequest('You cannot suspend yourself');
      const user = await storage.users.findById(userId);
      if (!user || user.deletedAt) throw notFound('User');
      if (user.role === 'admin') throw forbidden('An admin cannot be suspended');
      if (user.suspendedAt) return toAdminUserDto(user);
      const now = clock.now();
      const updated = await storage.users.update(userId, { suspendedAt: now });
      const revoked = await storage.sessions.revokeAllForUser(userId, now);
      for (const sessionId of revoked) events.emit('session:revoked', { sessionId, userId });
      events.emit('user:suspended', { userId });
      await audit({
        actorId,
        action: 'user.suspended',
        targetType: 'user',
        targetId: userId,
        conversationId: null,
        details: { reason },
      });
      return toAdminUserDto(updated ?? user);
    },

    async unsuspend(actorId: string, userId: string): Promise<AdminUser> {
      const user = await storage.users.findById(userId);
      if (!user || user.deletedAt) throw notFound('User');
      if (!user.suspendedAt) return toAdminUserDto(user);
      const updated = await storage.users.update(userId, { suspendedAt: null });
      events.emit('user:updated', { userId });
      await audit({
        actorId,
        action: 'user.unsuspended',
        targetType: 'user',
        targetId: userId,
        conversationId: null,
        details: {},
      });
      return toAdminUserDto(updated ?? user);
    },

    async listUsers(q: { q: string; cursor?: string; limit: number }): Promise<Page<AdminUser>> {
      const page = await storage.users.search(q.q, { limit: q.limit, cursor: q.cursor });
      return { items: page.items.map(toAdminUserDto), nextCursor: page.nextCursor };
    },

    async listAudit(q: {
      actorId?: string;
      targetId?: string;
      cursor?: string;
      limit: number;
    }): Promise<Page<AuditEntry>> {
      const page = await storage.auditLog.list(q);
      return { items: page.items.map(toAuditDto), nextCursor: page.nextCursor };
    },
  };
}

export type ModerationService = ReturnType<typeof createModerationService>;
