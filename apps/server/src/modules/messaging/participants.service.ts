import type {
  MyConversationState,
  Page,
  Participant,
  ParticipantRole,
  UpdateMyStateRequest,
} from '@charla/shared-types';
import { conflict, forbidden, notFound } from '../../http/errors.ts';
import type { Committed, ParticipantRecord, ParticipantSettings } from '../../storage/ports.ts';
import { inCurrentSpace } from '../../storage/spaces/space-members.ts';
import { requireMember, requireRole } from './conversations.access.ts';
import { createUserCards, toMyState, toParticipantDto } from './conversations.mapper.ts';
import type { ConversationsDeps, ConversationsService } from './conversations.service.ts';
import { postSystemMessage } from './messages.publish.ts';

export function createParticipantsService(deps: ConversationsDeps, conversations: ConversationsService) {
  const { storage, fanout, clock, serial } = deps;

  /** `updated`: what the role change returned (the member as it now is, the counter, the members). */
  async function publishUpdated(updated: Committed & { participant: ParticipantRecord }): Promise<Participant> {
    const { conversationId } = updated.participant;
    const participant = await toParticipantDto(updated.participant, createUserCards(storage));
    fanout.toUsers(updated.memberIds, 'participant:updated', {
      conversationId,
      participant,
      changeSeq: updated.changeSeq,
    });
    return participant;
  }

  return {
    async list(
      userId: string,
      conversationId: string,
      q: { limit: number; cursor?: string },
    ): Promise<Page<Participant>> {
      await requireMember(storage, conversationId, userId);
      const page = await storage.participants.list(conversationId, {
        limit: q.limit,
        ...(q.cursor ? { cursor: q.cursor } : {}),
      });
      const cards = createUserCards(storage);
      return {
        items: await Promise.all(page.items.map((p) => toParticipantDto(p, cards))),
        nextCursor: page.nextCursor,
      };
    },

    /** Admins add members directly (people who blocked the admin, or whom the admin blocked, are refused). */
    async add(userId: string, conversationId: string, userIds: string[]): Promise<Participant[]> {
      const m = await requireMember(storage, conversationId, userId);
      requireRole(m, 'admin', 'add members');
      const targets = [...new Set(userIds)].filter((id) => id !== userId);
      for (const id of targets) {
        const user = await storage.users.findById(id);
        if (!user || user.deletedAt || !(await inCurrentSpace(storage, id))) throw notFound('User');
        if (await storage.blocks.isBlockedEitherWay(userId, id)) throw forbidden('You cannot add this user');
      }
      const added: string[] = [];
      const out: Participant[] = [];
      const cards = createUserCards(storage);
      for (const id of targets) {
        const result = await serial(conversationId, async () => {
          const r = await storage.participants.add(conversationId, id, 'member', userId, clock.now());
          if (r?.added) await conversations.publishJoined(r);
          return r;
        });
        if (!result) throw notFound('Conversation');
        if (result.added) added.push(id);
        out.push(await toParticipantDto(result.participant, cards));
      }
      if (added.length) {
        await postSystemMessage(deps, conversationId, 'added', userId, added);
        await conversations.announceTo(conversationId, added);
      }
      return out;
    },

    /**
     * Role changes. Owners may do anything, including handing ownership over (role 'owner' on
     * someone else makes the caller an admin); admins may promote members and step down themselves,
     * but only an owner changes ANOTHER admin's role (else an admin could demote, then remove, a peer).
     */
    async setRole(
      userId: string,
      conversationId: string,
      targetId: string,
      role: ParticipantRole,
    ): Promise<Participant> {
      const m = await requireMember(storage, conversationId, userId);
      requireRole(m, 'admin', 'change roles');
      const target = await storage.participants.find(conversationId, targetId);
      if (!target || target.leftAt) throw notFound('Participant');
      const callerIsOwner = m.me.role === 'owner';
      if ((role === 'owner' || target.role === 'owner') && !callerIsOwner)
        throw forbidden('Only an owner can change who owns the group');
      if (target.role === 'admin' && targetId !== userId && !callerIsOwner)
        throw forbidden("Only an owner can change another admin's role");
      if (target.role === role) {
        const same = await toParticipantDto(target, createUserCards(storage));
        return same;
      }
      const now = clock.now();
      if (target.role === 'owner' && (await storage.participants.countOwners(conversationId)) <= 1)
        throw conflict('A group needs an owner: make someone else owner first');
      const participant = await serial(conversationId, async () => {
        const updated = await storage.participants.setRole(conversationId, targetId, role, userId, now);
        return updated ? publishUpdated(updated) : null;
      });
      if (!participant) throw notFound('Participant');
      // Only admins make invite links: a demoted admin's links stop working with the role.
      if (role === 'member') await storage.invites.revokeByCreator(conversationId, targetId, now);
      if (role === 'owner' && targetId !== userId) {
        // Transfer: the previous owner steps down to admin.
        await serial(conversationId, async () => {
          const steppedDown = await storage.participants.setRole(conversationId, userId, 'admin', userId, now);
          if (steppedDown) await publishUpdated(steppedDown);
        });
        await postSystemMessage(deps, conversationId, 'owner_transferred', userId, [targetId]);
      } else {
        await postSystemMessage(deps, conversationId, 'role_changed', userId, [targetId], role);
      }
      return participant;
    },

    /** Removing yourself is leaving; otherwise owners remove anyone but owners, admins remove members. */
    async remove(userId: string, conversationId: string, targetId: string): Promise<void> {
      if (targetId === userId) return conversations.leave(userId, conversationId);
      const m = await requireMember(storage, conversationId, userId);
      requireRole(m, 'admin', 'remove members');
      const target = await storage.participants.find(conversationId, targetId);
      if (!target || target.leftAt) throw notFound('Participant');
      if (target.role === 'owner') throw forbidden('An owner cannot be removed');
      if (target.role === 'admin' && m.me.role !== 'owner') throw forbidden('Only an owner can remove an admin');
      await postSystemMessage(deps, conversationId, 'removed', userId, [targetId]);
      await serial(conversationId, async () => {
        const left = await storage.participants.remove(conversationId, targetId, 'removed', userId, clock.now());
        if (left) conversations.publishLeft(conversationId, targetId, 'removed', left);
      });
      await storage.invites.revokeByCreator(conversationId, targetId, clock.now());
      // Moderation audit trail (GET /admin/audit).
      await storage.auditLog.append({
        actorId: userId,
        action: 'member.removed',
        targetType: 'user',
        targetId,
        conversationId,
        details: { role: target.role },
        createdAt: clock.now(),
      });
    },

    /** Mute/archive/pin: private, synced to the caller's other devices. */
    async updateMe(userId: string, conversationId: string, patch: UpdateMyStateRequest): Promise<MyConversationState> {
      await requireMember(storage, conversationId, userId);
      const settings: ParticipantSettings = {};
      if (patch.mutedUntil !== undefined) settings.mutedUntil = patch.mutedUntil ? new Date(patch.mutedUntil) : null;
      if (patch.archived !== undefined) settings.archived = patch.archived;
      if (patch.pinned !== undefined) settings.pinned = patch.pinned;
      if (patch.markedUnread !== undefined) settings.markedUnread = patch.markedUnread;
      const me = await serial(conversationId, async () => {
        const updated = await storage.participants.updateSettings(conversationId, userId, settings, clock.now());
        if (!updated) return null;
        const state = toMyState(updated.participant);
        fanout.toUsers([userId], 'conversation:updated', {
          conversationId,
          conversation: null,
          me: state,
          changeSeq: updated.changeSeq,
        });
        return state;
      });
      if (!me) throw notFound('Conversation');
      return me;
    },
  };
}

export type ParticipantsService = ReturnType<typeof createParticipantsService>;
