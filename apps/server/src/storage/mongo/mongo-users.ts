import { randomUUID } from 'node:crypto';
import { type Connection, Schema, trusted } from 'mongoose';
import type { UserPatch, UserRecord, UsersRepo } from '../ports.ts';
import { escapeRegex, op, rethrowDuplicate } from './mongo-util.ts';

/** readingLanguage is missing on documents written before translation existed. */
type UserDoc = Omit<UserRecord, 'id' | 'readingLanguage'> & {
  _id: string;
  usernameLower: string;
  readingLanguage?: string | null;
};

const userSchema = new Schema<UserDoc>(
  {
    _id: { type: String, required: true },
    email: { type: String, required: true },
    emailVerifiedAt: { type: Date, default: null },
    username: { type: String, required: true },
    // Case-insensitive uniqueness without relying on a collation: a lowercased copy carries the index.
    usernameLower: { type: String, required: true },
    displayName: { type: String, required: true },
    about: { type: String, default: '' },
    avatarUrl: { type: String, default: null },
    role: { type: String, enum: ['user', 'admin'], required: true },
    passwordHash: { type: String, default: null },
    lastSeenAt: { type: Date, default: null },
    lastSeenVisibility: { type: String, enum: ['everyone', 'nobody'], default: 'everyone' },
    readingLanguage: { type: String, default: null },
    suspendedAt: { type: Date, default: null },
    deletedAt: { type: Date, default: null },
    createdAt: { type: Date, required: true },
    // Opaque JSON object (the users service validates it); Mixed so its keys are not fixed here.
    preferences: { type: Schema.Types.Mixed, default: {} },
  },
  { versionKey: false, strict: 'throw' },
);
userSchema.index({ email: 1 }, { unique: true });
userSchema.index({ usernameLower: 1 }, { unique: true });
userSchema.index({ displayName: 1 }, { collation: { locale: 'en', strength: 2 } });

const toUser = (d: UserDoc): UserRecord => ({
  id: d._id,
  email: d.email,
  emailVerifiedAt: d.emailVerifiedAt ?? null,
  username: d.username,
  displayName: d.displayName,
  about: d.about ?? '',
  avatarUrl: d.avatarUrl ?? null,
  role: d.role,
  passwordHash: d.passwordHash ?? null,
  lastSeenAt: d.lastSeenAt ?? null,
  lastSeenVisibility: d.lastSeenVisibility ?? 'everyone',
  readingLanguage: d.readingLanguage ?? null,
  suspendedAt: d.suspendedAt ?? null,
  deletedAt: d.deletedAt ?? null,
  createdAt: d.createdAt,
  preferences: d.preferences && typeof d.preferences === 'object' ? { ...d.preferences } : {},
});

const dupFields = { email: 'email', usernameLower: 'username' };
const patchKeys: (keyof UserPatch)[] = [
  'email',
  'emailVerifiedAt',
  'username',
  'displayName',
  'about',
  'avatarUrl',
  'role',
  'passwordHash',
  'lastSeenAt',
  'lastSeenVisibility',
  'readingLanguage',
  'suspendedAt',
  'deletedAt',
  'preferences',
];

export function createMongoUsersRepo(conn: Connection): UsersRepo {
  const User = conn.model<UserDoc>('User', userSchema, 'users');

  const findById = async (id: string) => {
    const d = await User.findById(String(id)).lean<UserDoc>();
    return d ? toUser(d) : null;
  };

  return {
    async create(user) {
      const doc: UserDoc = {
        _id: randomUUID(),
        email: user.email,
        emailVerifiedAt: user.emailVerifiedAt ?? null,
        username: user.username,
        usernameLower: user.username.toLowerCase(),
        displayName: user.displayName,
        about: '',
        avatarUrl: null,
        role: user.role,
        passwordHash: user.passwordHash,
        lastSeenAt: null,
        lastSeenVisibility: 'everyone',
        readingLanguage: null,
        suspendedAt: null,
        deletedAt: null,
        createdAt: new Date(),
        preferences: {},
      };
      try {
        await User.create(doc);
      } catch (err) {
        rethrowDuplicate(err, dupFields);
      }
      return toUser(doc);
    },
    findById,
    async findByIds(ids) {
      if (!ids.length) return [];
      const docs = await User.find({ _id: trusted({ $in: [...new Set(ids.map(String))] }) }).lean<UserDoc[]>();
      return docs.map(toUser);
    },
    async findByEmail(email) {
      const d = await User.findOne({ email: String(email) }).lean<UserDoc>();
      return d ? toUser(d) : null;
    },
    async findByUsername(username) {
      const d = await User.findOne({ usernameLower: String(username).toLowerCase() }).lean<UserDoc>();
      return d ? toUser(d) : null;
    },
    async count() {
      return User.countDocuments();
    },
    async update(id, patch) {
      const set: Record<string, unknown> = {};
      for (const key of patchKeys) {
        if (patch[key] !== undefined) set[key] = patch[key];
      }
      if (typeof patch.username === 'string') set.usernameLower = patch.username.toLowerCase();
      if (Object.keys(set).length) {
        try {
          await User.updateOne({ _id: String(id) }, { $set: set });
        } catch (err) {
          rethrowDuplicate(err, dupFields);
        }
      }
      return findById(id);
    },
    async search(q, options) {
      const limit = Math.max(1, Math.min(options.limit, 100));
      const prefix = new RegExp(`^${escapeRegex(String(q))}`, 'i');
      const docs = await User.find({
        deletedAt: null,
        ...(options.excludeId ? { _id: op({ $ne: String(options.excludeId) }) } : {}),
        ...(options.cursor ? { usernameLower: op({ $gt: String(options.cursor).toLowerCase() }) } : {}),
        $or: [
          { usernameLower: op({ $regex: prefix }) },
          { displayName: op({ $regex: prefix }) },
          { email: op({ $regex: prefix }) },
        ],
      })
        .sort({ usernameLower: 1 })
        .limit(limit + 1)
        .lean<UserDoc[]>();
      const items = docs.slice(0, limit).map(toUser);
      const last = items.at(-1);
      return { items, nextCursor: docs.length > limit && last ? last.username : null };
    },
  };
}
