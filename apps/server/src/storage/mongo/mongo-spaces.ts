import type { SpaceJoinPolicy, SpaceRole } from '@charla/shared-types';
import { type Connection, Schema } from 'mongoose';
import { DuplicateKeyError } from '../errors.ts';
import type { SpaceInviteRecord, SpaceMembershipRecord, SpaceRecord, SpacesRepo } from '../ports.ts';
import { isDuplicateKey } from './mongo-messaging-models.ts';
import { op, rethrowDuplicate } from './mongo-util.ts';

type SpaceDoc = Omit<SpaceRecord, 'id'> & { _id: string };
type MemberDoc = SpaceMembershipRecord & { _id: string };
type InviteDoc = Omit<SpaceInviteRecord, 'code'> & { _id: string };

const spaceSchema = new Schema<SpaceDoc>(
  {
    _id: { type: String, required: true },
    slug: { type: String, required: true },
    name: { type: String, required: true },
    icon: { type: String, default: null },
    accentColor: { type: String, default: null },
    joinPolicy: { type: String, required: true },
    joinDomains: { type: [String], default: [] },
    defaultLanguage: { type: String, default: null },
    retentionDays: { type: Number, default: null },
    editWindowSeconds: { type: Number, default: null },
    membersMayCreateChannels: { type: Boolean, required: true },
    mongoUri: { type: String, default: null },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    deleteAfter: { type: Date, default: null },
  },
  { versionKey: false, strict: 'throw' },
);
spaceSchema.index({ slug: 1 }, { unique: true });
spaceSchema.index({ deleteAfter: 1 }, { partialFilterExpression: { deleteAfter: { $type: 'date' } } });
spaceSchema.index({ retentionDays: 1, _id: 1 });

const memberSchema = new Schema<MemberDoc>(
  {
    _id: { type: String, required: true },
    spaceId: { type: String, required: true },
    userId: { type: String, required: true },
    role: { type: String, required: true },
    joinedAt: { type: Date, required: true },
  },
  { versionKey: false, strict: 'throw' },
);
memberSchema.index({ spaceId: 1, joinedAt: 1, userId: 1 });
memberSchema.index({ userId: 1, joinedAt: 1 });

const inviteSchema = new Schema<InviteDoc>(
  {
    _id: { type: String, required: true },
    spaceId: { type: String, required: true },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, default: null },
    revokedAt: { type: Date, default: null },
  },
  { versionKey: false, strict: 'throw' },
);
inviteSchema.index({ spaceId: 1, createdAt: -1 });

const toSpace = (d: SpaceDoc): SpaceRecord => ({
  id: d._id,
  slug: d.slug,
  name: d.name,
  icon: d.icon ?? null,
  accentColor: d.accentColor ?? null,
  joinPolicy: d.joinPolicy as SpaceJoinPolicy,
  joinDomains: [...(d.joinDomains ?? [])],
  defaultLanguage: d.defaultLanguage ?? null,
  retentionDays: d.retentionDays ?? null,
  editWindowSeconds: d.editWindowSeconds ?? null,
  membersMayCreateChannels: d.membersMayCreateChannels === true,
  mongoUri: d.mongoUri ?? null,
  createdBy: d.createdBy,
  createdAt: d.createdAt,
  deleteAfter: d.deleteAfter ?? null,
});
const toMember = (d: MemberDoc): SpaceMembershipRecord => ({
  spaceId: d.spaceId,
  userId: d.userId,
  role: d.role as SpaceRole,
  joinedAt: d.joinedAt,
});
const toInvite = (d: InviteDoc): SpaceInviteRecord => ({
  code: d._id,
  spaceId: d.spaceId,
  createdBy: d.createdBy,
  createdAt: d.createdAt,
  expiresAt: d.expiresAt ?? null,
  revokedAt: d.revokedAt ?? null,
});
const memberId = (spaceId: string, userId: string) => `${spaceId}:${userId}`;

export function createMongoSpacesRepo(conn: Connection): SpacesRepo {
  const Space = conn.model<SpaceDoc>('Space', spaceSchema, 'spaces');
  const Member = conn.model<MemberDoc>('SpaceMember', memberSchema, 'spaceMembers');
  const Invite = conn.model<InviteDoc>('SpaceInvite', inviteSchema, 'spaceInvites');

  return {
    async create(space) {
      const { id, ...rest } = space;
      try {
        await Space.create({ _id: String(id), ...rest });
      } catch (err) {
        // Names the key that clashed: the slug (the caller's to change) or the id.
        rethrowDuplicate(err, { _id: 'id' });
      }
      await Member.create({
        _id: memberId(id, space.createdBy),
        spaceId: id,
        userId: space.createdBy,
        role: 'owner',
        joinedAt: space.createdAt,
      });
      return space;
    },
    async findById(id) {
      const d = await Space.findById(String(id)).lean<SpaceDoc>();
      return d ? toSpace(d) : null;
    },
    async findBySlug(slug) {
      const d = await Space.findOne({ slug: String(slug) }).lean<SpaceDoc>();
      return d ? toSpace(d) : null;
    },
    async update(id, patch) {
      const set = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
      // An empty $set is an error on the server: nothing to change reads the space as it is.
      if (!Object.keys(set).length) {
        const same = await Space.findById(String(id)).lean<SpaceDoc>();
        return same ? toSpace(same) : null;
      }
      const d = await Space.findOneAndUpdate(
        { _id: String(id) },
        { $set: set },
        { returnDocument: 'after' },
      ).lean<SpaceDoc>();
      return d ? toSpace(d) : null;
    },
    async remove(id) {
      const key = String(id);
      await Member.deleteMany({ spaceId: key });
      await Invite.deleteMany({ spaceId: key });
      return (await Space.deleteOne({ _id: key })).deletedCount > 0;
    },
    async listDueForDeletion(now, limit) {
      const due: Record<string, unknown> = { deleteAfter: op({ $type: 'date', $lte: now }) };
      const docs = await Space.find(due).sort({ deleteAfter: 1 }).limit(limit).lean<SpaceDoc[]>();
      return docs.map(toSpace);
    },
    async listWithRetention(afterId, limit) {
      const filter: Record<string, unknown> = { retentionDays: op({ $type: 'number' }), deleteAfter: null };
      if (afterId) filter._id = op({ $gt: String(afterId) });
      const docs = await Space.find(filter).sort({ _id: 1 }).limit(limit).lean<SpaceDoc[]>();
      return docs.map(toSpace);
    },
    async count() {
      return Space.estimatedDocumentCount();
    },
    async list(afterId, limit) {
      const filter: Record<string, unknown> = afterId ? { _id: op({ $gt: String(afterId) }) } : {};
      const docs = await Space.find(filter).sort({ _id: 1 }).limit(limit).lean<SpaceDoc[]>();
      return docs.map(toSpace);
    },
    async addMember(m) {
      try {
        await Member.create({ _id: memberId(m.spaceId, m.userId), ...m });
        return true;
      } catch (err) {
        if (isDuplicateKey(err)) return false;
        throw err;
      }
    },
    async findMember(spaceId, userId) {
      const d = await Member.findById(memberId(String(spaceId), String(userId))).lean<MemberDoc>();
      return d ? toMember(d) : null;
    },
    async setMemberRole(spaceId, userId, role) {
      const r = await Member.updateOne({ _id: memberId(String(spaceId), String(userId)) }, { $set: { role } });
      return r.matchedCount > 0;
    },
    async removeMember(spaceId, userId) {
      return (await Member.deleteOne({ _id: memberId(String(spaceId), String(userId)) })).deletedCount > 0;
    },
    async listMembers(spaceId, limit, after) {
      const filter = after
        ? {
            spaceId: String(spaceId),
            $or: [
              { joinedAt: op({ $gt: after.joinedAt }) },
              { joinedAt: after.joinedAt, userId: op({ $gt: String(after.userId) }) },
            ],
          }
        : { spaceId: String(spaceId) };
      const docs = await Member.find(filter).sort({ joinedAt: 1, userId: 1 }).limit(limit).lean<MemberDoc[]>();
      return docs.map(toMember);
    },
    async countMembers(spaceId) {
      return Member.countDocuments({ spaceId: String(spaceId) });
    },
    async listForUser(userId) {
      const memberships = await Member.find({ userId: String(userId) })
        .sort({ joinedAt: 1 })
        .lean<MemberDoc[]>();
      const spaces = await Space.find({ _id: op({ $in: memberships.map((m) => m.spaceId) }) }).lean<SpaceDoc[]>();
      const byId = new Map(spaces.map((s) => [s._id, toSpace(s)]));
      return memberships.flatMap((m) => {
        const space = byId.get(m.spaceId);
        return space ? [{ space, membership: toMember(m) }] : [];
      });
    },
    async membersAmong(spaceId, userIds) {
      if (!userIds.length) return [];
      const docs = await Member.find({ _id: op({ $in: userIds.map((u) => memberId(String(spaceId), String(u))) }) })
        .select({ userId: 1 })
        .lean<{ userId: string }[]>();
      return docs.map((d) => d.userId);
    },
    async createInvite(i) {
      const { code, ...rest } = i;
      try {
        await Invite.create({ _id: String(code), ...rest, revokedAt: null });
      } catch (err) {
        if (isDuplicateKey(err)) throw new DuplicateKeyError('code');
        throw err;
      }
      return { ...i, revokedAt: null };
    },
    async findInvite(code) {
      const d = await Invite.findById(String(code)).lean<InviteDoc>();
      return d ? toInvite(d) : null;
    },
    async listInvites(spaceId) {
      const docs = await Invite.find({ spaceId: String(spaceId) })
        .sort({ createdAt: -1, _id: 1 })
        .lean<InviteDoc[]>();
      return docs.map(toInvite);
    },
    async revokeInvite(code, now) {
      const r = await Invite.updateOne({ _id: String(code), revokedAt: null }, { $set: { revokedAt: now } });
      return r.modifiedCount > 0;
    },
  };
}
