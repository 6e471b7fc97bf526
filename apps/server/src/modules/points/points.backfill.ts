import type { Storage } from '../../storage/ports.ts';
import type { InviteStays } from './points.invites.ts';
import type { PointsService } from './points.service.ts';

export type BackfillReport = { messages: number; reactions: number; inviteJoins: number; users: number };

const PAGE = 500;

/**
 * Counts what existing accounts did before points existed, once: every past message, reaction and
 * invite join goes through the same rules as live facts, dated when it happened (so daily caps and
 * streaks apply per real day). Safe to run twice, or while the server runs: every award is keyed by
 * (rule, causing event) and a second run finds them all taken. Ends with a rebuild of every
 * projection from the ledger. Metadata only: no message text is read.
 */
export async function backfillPoints(deps: {
  storage: Storage;
  points: PointsService;
  invites: InviteStays;
  onProgress?: (r: BackfillReport) => void;
}): Promise<BackfillReport> {
  const { storage, points } = deps;
  const report: BackfillReport = { messages: 0, reactions: 0, inviteJoins: 0, users: 0 };
  let cursor: string | null = null;
  for (;;) {
    const page = await storage.pointsHistory.messages(cursor, PAGE);
    for (const m of page.items) {
      if (m.deleted || m.kind === 'system') continue;
      await points.replay.message({
        id: m.id,
        conversationId: m.conversationId,
        senderId: m.senderId,
        kind: m.kind,
        forwarded: m.forwarded,
        replyTo: m.replyTo,
        createdAt: m.createdAt,
        deletedAt: null,
      });
      report.messages += 1;
      if (m.language)
        await points.replay.language({
          id: m.id,
          conversationId: m.conversationId,
          senderId: m.senderId,
          language: m.language,
          createdAt: m.createdAt,
        });
      // Reactions in the order they were made, each seeing only the reactors before it (helpful).
      const ordered = [...m.reactions].sort((a, b) => a.at.getTime() - b.at.getTime());
      for (const [i, r] of ordered.entries()) {
        const before = ordered.slice(0, i + 1).map((x) => x.userId);
        await points.replay.reaction(
          {
            conversationId: m.conversationId,
            messageId: m.id,
            userId: r.userId,
            reactions: [{ emoji: '', count: before.length, userIds: before }],
          },
          r.at,
        );
        report.reactions += 1;
      }
    }
    deps.onProgress?.(report);
    if (page.items.length === 0 || page.cursor === cursor) break;
    cursor = page.cursor;
  }
  let joins: string | null = null;
  for (;;) {
    const page = await storage.pointsHistory.inviteJoins(joins, PAGE);
    for (const j of page.items) {
      if (j.inviterId === j.joinerId) continue;
      await deps.invites.schedule(j.conversationId, j.inviterId, j.joinerId, j.joinedAt);
      report.inviteJoins += 1;
    }
    if (page.items.length === 0 || page.cursor === joins) break;
    joins = page.cursor;
  }
  // Joins older than 7 days are due now; younger ones wait for the regular sweep.
  while ((await deps.invites.runDue(PAGE)) > 0);
  report.users = await points.rebuildAll();
  return report;
}
