import { trusted } from 'mongoose';
import { DuplicateKeyError } from '../errors.ts';
import type { InviteRecord, InvitesRepo } from '../ports.ts';
import type { MongoMessagingCore } from './mongo-messaging-core.ts';
import { type InviteDoc, isDuplicateKey, toConversation, toParticipant } from './mongo-messaging-models.ts';

const toInvite = (d: InviteDoc): InviteRecord => ({
  code: d._id,
  conversationId: d.conversationId,
  createdBy: d.createdBy,
  createdAt: d.createdAt,
  expiresAt: d.expiresAt ?? null,
  maxUses: d.maxUses ?? null,
  uses: d.uses ?? 0,
  revokedAt: d.revokedAt ?? null,
});

export function createMongoInvitesRepo(core: MongoMessagingCore): InvitesRepo {
  const { Invite } = core.models;
  const find = (code: string) => Invite.findOne({ _id: String(code) }).lean<InviteDoc>();

  return {
    create: async (input) => {
      const doc: InviteDoc = {
        _id: String(input.code),
        conversationId: String(input.conversationId),
        createdBy: String(input.createdBy),
        createdAt: input.now,
        expiresAt: input.expiresAt,
        maxUses: input.maxUses,
        uses: 0,
        revokedAt: null,
      };
      try {
        await Invite.create(doc);
      } catch (err) {
        if (isDuplicateKey(err)) throw new DuplicateKeyError('code');
        throw err;
      }
      return toInvite(doc);
    },
    findByCode: async (code) => {
      const d = await find(code);
      return d ? toInvite(d) : null;
    },
    listForConversation: async (conversationId) =>
      (
        await Invite.find({ conversationId: String(conversationId) })
          .sort({ createdAt: -1, _id: 1 })
          .lean<InviteDoc[]>()
      ).map(toInvite),
    revoke: async (code, now) =>
      (await Invite.updateOne({ _id: String(code), revokedAt: null }, { $set: { revokedAt: now } })).modifiedCount > 0,
    revokeByCreator: async (conversationId, createdBy, now) =>
      (
        await Invite.updateMany(
          { conversationId: String(conversationId), createdBy: String(createdBy), revokedAt: null },
          { $set: { revokedAt: now } },
        )
      ).modifiedCount,
    accept: async (code, userId, now) => {
      const inv = await find(code);
      if (!inv) return { status: 'not_found' };
      if (inv.revokedAt) return { status: 'revoked' };
      if (inv.expiresAt && inv.expiresAt.getTime() <= now.getTime()) return { status: 'expired' };
      const conv = await core.conversation(inv.conversationId);
      if (!conv || conv.deletedAt !== null) return { status: 'not_found' };
      const existing = await core.participant(conv._id, userId);
      if (existing && existing.leftAt === null) {
        return {
          status: 'already_member',
          conversation: toConversation(conv),
          participant: toParticipant(existing),
          ...(await core.committed(conv._id)),
        };
      }
      if (existing?.leftReason === 'removed') return { status: 'removed' };
      // Claim a use first with one conditional $inc: concurrent accepts cannot exceed maxUses.
      const claimed = await Invite.findOneAndUpdate(
        { _id: inv._id, revokedAt: null, ...(inv.maxUses === null ? {} : { uses: trusted({ $lt: inv.maxUses }) }) },
        { $inc: { uses: 1 } },
        { returnDocument: 'after' },
      ).lean<InviteDoc>();
      if (!claimed) {
        const now2 = await find(code);
        return { status: now2?.revokedAt ? 'revoked' : 'exhausted' };
      }
      const added = await core.addParticipant(conv, String(userId), 'member', String(userId), now, {
        via: 'invite',
        code,
      });
      if (!added) {
        // A concurrent join of the same user won: give the use back.
        await Invite.updateOne({ _id: inv._id }, { $inc: { uses: -1 } });
        const p = await core.participant(conv._id, userId);
        if (p)
          return {
            status: 'already_member',
            conversation: toConversation(conv),
            participant: toParticipant(p),
            ...(await core.committed(conv._id)),
          };
        return { status: 'not_found' };
      }
      const fresh = await core.conversation(conv._id);
      return {
        status: 'joined',
        conversation: toConversation(fresh ?? conv),
        participant: toParticipant(added),
        ...(await core.committed(conv._id)),
      };
    },
  };
}
