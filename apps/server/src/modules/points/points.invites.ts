import type { Clock } from '../../app-context.ts';
import type { Storage } from '../../storage/ports.ts';
import { POINTS_RULES } from './points.rules.ts';
import type { PointsService } from './points.service.ts';

/** An invited member must still be there this long after joining for the inviter's award. */
export const INVITE_STAY_MS = 7 * 86_400_000;

/**
 * "An invite link that brings a member who stays 7 days": a join through an invite schedules a
 * check (idempotent on conversation + joiner); due checks are taken by exactly one process, and
 * the award is keyed the same way, so a member who leaves and re-joins earns the inviter nothing
 * twice.
 */
export function createInviteStays(deps: { storage: Storage; clock: Clock; points: PointsService }) {
  const { storage, clock } = deps;

  /** Called for a participant.joined fact: looks up in the change feed whether it came through an invite. */
  async function onJoined(conversationId: string, userId: string, changeSeq: number): Promise<void> {
    const { items } = await storage.conversations.changesAfter(conversationId, Math.max(0, changeSeq - 20), {
      viewerId: userId,
      limit: 40,
    });
    const join = items.findLast((c) => c.type === 'participant.joined' && c.entityId === userId);
    const code = join?.data?.via === 'invite' ? join.data.code : undefined;
    if (typeof code !== 'string') return;
    const invite = await storage.invites.findByCode(code);
    if (!invite || invite.createdBy === userId) return;
    await schedule(conversationId, invite.createdBy, userId, join?.createdAt ?? clock.now());
  }

  async function schedule(conversationId: string, inviterId: string, joinerId: string, joinedAt: Date) {
    await storage.points.schedule({
      key: `invite_stay:${conversationId}:${joinerId}`,
      kind: 'invite_stay',
      userId: inviterId,
      subjectUserId: joinerId,
      conversationId,
      dueAt: new Date(joinedAt.getTime() + INVITE_STAY_MS),
      createdAt: clock.now(),
    });
  }

  /** Runs the checks that are due; returns how many it took (each is taken by one caller only). */
  async function runDue(limit = 100): Promise<number> {
    const now = clock.now();
    let taken = 0;
    for (const check of await storage.points.dueChecks(now, limit)) {
      if (!(await storage.points.takeCheck(check.key))) continue;
      taken += 1;
      const member = await storage.participants.find(check.conversationId, check.subjectUserId);
      if (!member || member.leftAt) continue;
      const inviter = await storage.users.findById(check.userId);
      if (!inviter || inviter.suspendedAt || inviter.deletedAt) continue;
      await deps.points.replay.grant(
        [
          {
            userId: check.userId,
            ruleId: 'invite_stayed',
            eventKey: `${check.conversationId}:${check.subjectUserId}`,
            points: POINTS_RULES.invite_stayed.points,
            conversationId: check.conversationId,
            messageId: null,
            causeMessageId: null,
            detail: {},
          },
        ],
        now,
        true,
      );
    }
    return taken;
  }

  return { onJoined, schedule, runDue };
}

export type InviteStays = ReturnType<typeof createInviteStays>;
