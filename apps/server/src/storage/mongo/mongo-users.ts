import { randomUUID } from 'node:crypto';
import { type Connection, Schema, trusted } from 'mongoose';
import { cursorOf, decodeCursor, encodeCursor } from '../cursor.ts';
import type { UserPatch, UserRecord, UsersRepo } from '../ports.ts';
import { escapeRegex, op, rethrowDuplicate } from './mongo-util.ts';

/**
 * usernameLower and displayNameLower are lower-cased copies kept on every write: a case-insensitive
 * regex cannot use an index (nor can a collated one be used by a regex), an anchored case-sensitive
 * prefix on a lower-cased field can. email is stored normalised (lower-case) already.
 */
type UserDoc = Omit<UserRecord, 'id'> & { _id: string; usernameLower: string; displayNameLower: string };

const userSchema = new Schema<UserDoc>(
  {
    _id: { type: String, required: true },
    email: { type: String, required: true },
    emailVerifiedAt: { type: Date, default: null },
    username: { type: String, required: true },
    // Case-insensitive uniqueness without relying on a collation: a lowercased copy carries the index.
    usernameLower: { type: String, required: true },
    displayName: { type: String, required: true },
    displayNameLower: { type: String, required: true },
    about: { type: String, default: '' },
    avatarUrl: { type: String, default: null },
    role: { type: String, enum: ['user', 'admin'], required: true },
    passwordHash: { type: String, default: null },
    lastSeenAt: { type: Date, default: null },
    lastSeenVisibility: { type: String, enum: ['everyone', 'nobody'], default: 'everyone' },
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
userSchema.index({ displayNameLower: 1 });

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
  suspendedAt: d.suspendedAt ?? null,
  deletedAt: d.deletedAt ?? null,
  createdAt: d.createdAt,
  preferences: d.preferences && typeof d.preferences === 'object' ? { ...d.preferences } : {},
});

const dupFields = { email: 'email', usernameLower: 'username' };

/** The fields a user search matches by prefix, each with its own index. */
export const USER_SEARCH_FIELDS = ['usernameLower', 'displayNameLower', 'email'] as const;

/**
 * Fills displayNameLower on users written before it existed, in batches; `fresh` is false once done
 * (the caller records that, so later start-ups do not look again).
 */
export async function backfillDisplayNameLower(conn: Connection): Promise<number> {
  const users = conn.collection<{ _id: string; displayName: string }>('users');
  let n = 0;
  for (;;) {
    const batch = await users
      .find({ displayNameLower: { $exists: false } }, { projection: { displayName: 1 } })
      .limit(1000)
      .toArray();
    if (batch.length === 0) return n;
    await users.bulkWrite(
      batch.map((u) => ({
        updateOne: {
          filter: { _id: u._id },
          update: { $set: { displayNameLower: String(u.displayName ?? '').toLowerCase() } },
        },
      })),
    );
    n += batch.length;
  }
}
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
        displayNameLower: user.displayName.toLowerCase(),
        about: '',
        avatarUrl: null,
        role: user.role,
        passwordHash: user.passwordHash,
        lastSeenAt: null,
        lastSeenVisibility: 'everyone',
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
    async countActiveAdmins() {
      return User.countDocuments({ role: 'admin', suspendedAt: null, deletedAt: null });
    },
    async update(id, patch) {
      const set: Record<string, unknown> = {};
      for (const key of patchKeys) {
        if (patch[key] !== undefined) set[key] = patch[key];
      }
      if (typeof patch.username === 'string') set.usernameLower = patch.username.toLowerCase();
      if (typeof patch.displayName === 'string') set.displayNameLower = patch.displayName.toLowerCase();
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
      const prefix = `^${escapeRegex(String(q).toLowerCase())}`;
      const cursor = decodeCursor(options.cursor, cursorOf('string'))?.[0];
      const after = cursor ? cursor.toLowerCase() : null;
      const common = {
        deletedAt: null,
        ...(options.excludeId ? { _id: op({ $ne: String(options.excludeId) }) } : {}),
      };
      // One index range scan per searchable field (hinted, so a broad prefix never turns into a
      // walk of the username index), merged by username. Email is one branch among the others, so
      // a rule about who may match by email drops it here.
      // The email branch only when the caller may match emails (site admins; see the port).
      const fields = USER_SEARCH_FIELDS.filter((f) => f !== 'email' || options.matchEmail);
      const branches = fields.map((field) =>
        User.find({
          ...common,
          [field]: op({ $regex: prefix }),
          ...(after !== null ? { usernameLower: op({ $gt: after }) } : {}),
        })
          .sort({ usernameLower: 1 })
          .limit(limit + 1)
          .hint({ [field]: 1 })
          .lean<UserDoc[]>(),
      );
      const seen = new Map<string, UserDoc>();
      for (const docs of await Promise.all(branches)) for (const d of docs) seen.set(d._id, d);
      const docs = [...seen.values()].sort((a, b) => (a.usernameLower < b.usernameLower ? -1 : 1)).slice(0, limit + 1);
      const items = docs.slice(0, limit).map(toUser);
      const last = items.at(-1);
      return { items, nextCursor: docs.length > limit && last ? encodeCursor([last.username]) : null };
    },
  };
}
