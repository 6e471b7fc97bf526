import { trusted } from 'mongoose';
import { cursorOf, decodeCursor, encodeCursor } from '../cursor.ts';
import type { ChangeRecord, ConversationsRepo } from '../ports.ts';
import type { MongoMessagingCore } from './mongo-messaging-core.ts';
import type { ChangeDoc, ConversationDoc, ParticipantDoc } from './mongo-messaging-models.ts';

/** Same overlap as the SQLite adapter: re-report this much of the past to absorb clock skew. */
const CHANGED_SINCE_OVERLAP_MS = 10_000;
/**
 * A changeSeq reserved but not written for this long belongs to a writer that died between the
 * `$inc` and the insert; the feed skips it instead of stalling forever.
 */
const ABANDONED_GAP_MS = 30_000;

const toChange = (d: ChangeDoc): ChangeRecord => ({
  conversationId: d.conversationId,
  changeSeq: d.changeSeq,
  type: d.type,
  entityId: d.entityId,
  messageSeq: d.messageSeq ?? null,
  actorId: d.actorId ?? null,
  audience: d.audience ?? null,
  data: d.data ?? null,
  createdAt: d.createdAt,
});

const decodeSince = (cursor: string | null): number | null => decodeCursor(cursor, cursorOf('number'))?.[0] ?? null;

export function createMongoChangeFeed(
  core: MongoMessagingCore,
): Pick<ConversationsRepo, 'changedSince' | 'changesAfter'> {
  const { Conversation, Participant, Change } = core.models;

  return {
    changedSince: async (userId, cursor) => {
      const since = decodeSince(cursor);
      const from = new Date(since === null ? 0 : since - CHANGED_SINCE_OVERLAP_MS);
      const parts = await Participant.find({
        userId: String(userId),
        $or: [{ leftAt: null }, { leftAt: trusted({ $gte: from }) }],
      }).lean<ParticipantDoc[]>();
      const byConv = new Map(parts.map((p) => [p.conversationId, p]));
      const convs = await Conversation.find({
        _id: trusted({ $in: [...byConv.keys()] }),
        lastChangeAt: trusted({ $gte: from }),
      }).lean<ConversationDoc[]>();
      const high = convs.reduce((m, c) => Math.max(m, c.lastChangeAt.getTime()), since ?? 0);
      return {
        items: convs.map((c) => ({
          conversationId: c._id,
          changeSeq: c.changeSeq,
          membership:
            (byConv.get(c._id)?.leftAt ?? null) === null && (c.deletedAt ?? null) === null ? 'active' : 'left',
        })),
        cursor: encodeCursor([high]),
      };
    },

    changesAfter: async (conversationId, after, { viewerId, limit }) => {
      const conv = await core.conversation(conversationId);
      if (!conv) return { items: [], changeSeq: 0, hasMore: false };
      const max = Math.max(1, Math.min(limit, 1000));
      const floor = await core.visibilityFloor(conv, viewerId);
      // Scan raw rows (all audiences) so gaps are visible, then filter what the viewer may see.
      const rows = await Change.find({ conversationId: String(conversationId), changeSeq: trusted({ $gt: after }) })
        .sort({ changeSeq: 1 })
        .limit(max + 1)
        .lean<ChangeDoc[]>();
      const items: ChangeRecord[] = [];
      let reached = after;
      let stoppedAtGap = false;
      for (const row of rows.slice(0, max)) {
        if (row.changeSeq !== reached + 1) {
          // Rows after a hole are only safe once the hole is known to be abandoned.
          const abandoned = Date.now() - (row.writtenAt ?? row.createdAt).getTime() > ABANDONED_GAP_MS;
          if (!abandoned) {
            stoppedAtGap = true;
            break;
          }
        }
        reached = row.changeSeq;
        if ((row.audience ?? null) !== null && row.audience !== viewerId) continue;
        if (typeof row.messageSeq === 'number' && row.messageSeq <= floor) continue;
        items.push(toChange(row));
      }
      const hasMore = !stoppedAtGap && rows.length > max;
      return { items, changeSeq: reached, hasMore };
    },
  };
}
