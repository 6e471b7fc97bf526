import type {
  AdminUser,
  AuditEntry,
  CreateReportRequest,
  GroupReport,
  Page,
  Report,
  ReportStatus,
  UpdateReportRequest,
} from '@charla/shared-types';
import type { Clock } from '../../app-context.ts';
import { badRequest, conflict, forbidden, notFound } from '../../http/errors.ts';
import {
  type AuditRecord,
  DuplicateKeyError,
  type ReportRecord,
  type Storage,
  type UserRole,
} from '../../storage/ports.ts';
import type { AccountEvents } from '../auth/account-events.ts';
import type { Serial } from '../messaging/messages.publish.ts';
import { toAdminUserDto, toAuditDto, toGroupReportDto, toReportDto } from './moderation.mapper.ts';

export type ModerationDeps = {
  storage: Storage;
  clock: Clock;
  events: AccountEvents;
  /** Deletes a message for everyone as a site admin (modules/messaging). */
  deleteMessage(actorId: string, messageId: string): Promise<void>;
  /** Runs one step at a time per key (here: changes to the site's admins). */
  serial: Serial;
};

type CreateReport = Required<Pick<CreateReportRequest, 'reason'>> & CreateReportRequest & { note: string };
type CloseReport = Required<UpdateReportRequest>;

export function createModerationService(deps: ModerationDeps) {
  const { storage, clock, events } = deps;

  const audit = (entry: Omit<AuditRecord, 'id' | 'createdAt'>) =>
    storage.auditLog.append({ ...entry, createdAt: clock.now() });

  /**
   * Demoting or suspending an admin checks "someone else can still act" and then writes: one at a
   * time in this process, so two admins demoting each other at once cannot leave the site with none.
   * (Across several nodes the window is a few milliseconds; the first account can always be restored
   * through ADMIN_EMAILS.)
   */
  const siteAdmins = <T>(actorId: string, step: () => Promise<T>): Promise<T> =>
    deps.serial('site-admins', async () => {
      // Re-read inside the step: the actor may have been demoted by the step that ran just before.
      const actor = await storage.users.findById(actorId);
      if (actor?.role !== 'admin' || actor.suspendedAt || actor.deletedAt) throw forbidden('Admins only');
      return step();
    });
  async function requireAnotherAdmin(): Promise<void> {
    if ((await storage.users.countActiveAdmins()) <= 1)
      throw conflict('This is the last admin: make someone else admin first');
  }

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

  /**
   * Whether the report is about the actor themselves (their own message, or their account): nobody
   * decides a report about themselves, whatever their role.
   */
  async function aboutActor(report: ReportRecord, actorId: string): Promise<boolean> {
    if (report.targetType === 'user') return report.targetId === actorId;
    if (report.targetType !== 'message') return false;
    const message = await storage.messages.findById(report.targetId);
    return message?.senderId === actorId;
  }

  /** Site level: the site-wide status (site admins). */
  async function closeReport(actorId: string, id: string, change: CloseReport): Promise<Report> {
    const existing = await storage.reports.findById(id);
    if (!existing) throw notFound('Report');
    if (await aboutActor(existing, actorId)) throw forbidden('You cannot decide a report about yourself');
    const closed = await storage.reports.close(id, { ...change, resolvedBy: actorId, now: clock.now() });
    if (!closed) throw conflict('This report is already closed');
    await auditClosed(actorId, closed, change, 'site');
    return toReportDto(closed);
  }

  async function auditClosed(actorId: string, r: ReportRecord, change: CloseReport, scope: 'site' | 'group') {
    await audit({
      actorId,
      action: change.status === 'resolved' ? 'report.resolved' : 'report.dismissed',
      targetType: 'report',
      targetId: r.id,
      conversationId: r.conversationId,
      details: { note: change.note, target: `${r.targetType}:${r.targetId}`, scope },
    });
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

    /**
     * Group owners/admins see reports about messages in their group (not reports about the group
     * itself, nor about their own messages), never who filed them, with the group's own status.
     */
    async listGroupReports(
      userId: string,
      conversationId: string,
      q: { status?: ReportStatus; cursor?: string; limit: number },
    ): Promise<Page<GroupReport>> {
      await requireGroupModerator(userId, conversationId);
      const page = await storage.reports.list({
        groupStatus: q.status,
        conversationId,
        limit: q.limit,
        ...(q.cursor ? { cursor: q.cursor } : {}),
      });
      const aboutMessages = page.items.filter((r) => r.targetType === 'message');
      const messages = await storage.messages.findByIds([...new Set(aboutMessages.map((r) => r.targetId))]);
      const mine = new Set(messages.filter((m) => m.senderId === userId).map((m) => m.id));
      return {
        items: aboutMessages
          .filter((r) => !mine.has(r.targetId))
          .map((r) => toGroupReportDto({ ...r, conversationId })),
        nextCursor: page.nextCursor,
      };
    },

    /** The group's decision only: the site-level report stays open for site admins. */
    async closeGroupReport(
      userId: string,
      conversationId: string,
      id: string,
      change: CloseReport,
    ): Promise<GroupReport> {
      await requireGroupModerator(userId, conversationId);
      const existing = await storage.reports.findById(id);
      if (!existing || existing.conversationId !== conversationId || existing.targetType !== 'message')
        throw notFound('Report');
      if (await aboutActor(existing, userId)) throw forbidden('You cannot decide a report about yourself');
      const closed = await storage.reports.closeForGroup(id, { ...change, resolvedBy: userId, now: clock.now() });
      if (!closed) throw conflict('This report is already closed');
      await auditClosed(userId, closed, change, 'group');
      return toGroupReportDto({ ...closed, conversationId });
    },

    /** Site admin: delete any message for everyone (messaging's one delete path: tombstone, files, event, audit). */
    deleteMessage: (actorId: string, messageId: string): Promise<void> => deps.deleteMessage(actorId, messageId),

    /**
     * Suspends: sign-in refused (account_suspended), every session revoked, open sockets closed
     * (through the account events the realtime module listens to). Another admin may be suspended
     * too (an admin account taken over must be stoppable), but never yourself nor the last admin.
     */
    async suspend(actorId: string, userId: string, reason: string): Promise<AdminUser> {
      if (userId === actorId) throw badRequest('You cannot suspend yourself');
      const result = await siteAdmins(actorId, async () => {
        const user = await storage.users.findById(userId);
        if (!user || user.deletedAt) throw notFound('User');
        if (user.suspendedAt) return { user, changed: false };
        if (user.role === 'admin') await requireAnotherAdmin();
        const updated = await storage.users.update(userId, { suspendedAt: clock.now() });
        return { user: updated ?? user, changed: true };
      });
      if (!result.changed) return toAdminUserDto(result.user);
      const now = clock.now();
      const updated = result.user;
      const revoked = await storage.sessions.revokeAllForUser(userId, now);
      for (const sessionId of revoked) events.emit('session:revoked', { sessionId, userId });
      events.emit('user:suspended', { userId });
      await audit({
        actorId,
        action: 'user.suspended',
        targetType: 'user',
        targetId: userId,
        conversationId: null,
        details: { reason, role: updated.role },
      });
      return toAdminUserDto(updated);
    },

    /**
     * Promotes a user to site admin or demotes an admin (audited). Never your own role (so nobody
     * locks themselves out by mistake), and never the last admin who can act.
     */
    async setRole(actorId: string, userId: string, role: UserRole): Promise<AdminUser> {
      if (userId === actorId) throw badRequest('You cannot change your own role');
      const result = await siteAdmins(actorId, async () => {
        const user = await storage.users.findById(userId);
        if (!user || user.deletedAt) throw notFound('User');
        if (user.role === role) return { user, changed: false };
        if (user.role === 'admin' && !user.suspendedAt) await requireAnotherAdmin();
        const updated = await storage.users.update(userId, { role });
        return { user: updated ?? user, changed: true, from: user.role };
      });
      if (!result.changed) return toAdminUserDto(result.user);
      events.emit('user:updated', { userId });
      await audit({
        actorId,
        action: 'user.role_changed',
        targetType: 'user',
        targetId: userId,
        conversationId: null,
        details: { from: result.from, to: role },
      });
      return toAdminUserDto(result.user);
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
      // Site admins only (the admin router): they may find an account by its email.
      const page = await storage.users.search(q.q, { limit: q.limit, cursor: q.cursor, matchEmail: true });
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
