import { randomUUID } from 'node:crypto';
import { type Connection, Schema } from 'mongoose';
import { DuplicateKeyError } from '../errors.ts';
import type { IdentitiesRepo, IdentityRecord } from '../ports.ts';

type IdentityDoc = {
  _id: string;
  provider: string;
  subject: string;
  userId: string;
  email: string | null;
  accountName?: string | null;
  createdAt: Date;
  lastUsedAt: Date;
};

const identitySchema = new Schema<IdentityDoc>(
  {
    _id: { type: String, required: true },
    provider: { type: String, required: true },
    subject: { type: String, required: true },
    userId: { type: String, required: true },
    email: { type: String, default: null },
    accountName: { type: String, default: null },
    createdAt: { type: Date, required: true },
    lastUsedAt: { type: Date, required: true },
  },
  { versionKey: false, strict: 'throw' },
);
// One local account per external account: this index is what enforces it.
identitySchema.index({ provider: 1, subject: 1 }, { unique: true });
identitySchema.index({ userId: 1, createdAt: 1 });

const toIdentity = (d: IdentityDoc): IdentityRecord => ({
  id: d._id,
  provider: d.provider,
  subject: d.subject,
  userId: d.userId,
  email: d.email ?? null,
  accountName: d.accountName ?? null,
  createdAt: d.createdAt,
  lastUsedAt: d.lastUsedAt,
});

const isDuplicateKey = (err: unknown): boolean =>
  typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;

/** `String(...)` on every filter value: ids come from our own records, but never trust a shape. */
export function createMongoIdentitiesRepo(conn: Connection): IdentitiesRepo {
  // One model per connection; openMongoStorage creates one connection per storage.
  const Identity = conn.model<IdentityDoc>('Identity', identitySchema, 'identities');

  return {
    async create(identity) {
      const doc: IdentityDoc = {
        _id: randomUUID(),
        provider: identity.provider,
        subject: identity.subject,
        userId: identity.userId,
        email: identity.email,
        accountName: identity.accountName ?? null,
        createdAt: identity.now,
        lastUsedAt: identity.now,
      };
      try {
        await Identity.create(doc);
      } catch (err) {
        if (isDuplicateKey(err)) throw new DuplicateKeyError('identity');
        throw err;
      }
      return toIdentity(doc);
    },
    async find(provider, subject) {
      const d = await Identity.findOne({ provider: String(provider), subject: String(subject) }).lean<IdentityDoc>();
      return d ? toIdentity(d) : null;
    },
    async listByUser(userId) {
      const docs = await Identity.find({ userId: String(userId) })
        .sort({ createdAt: 1, _id: 1 })
        .lean<IdentityDoc[]>();
      return docs.map(toIdentity);
    },
    async touch(id, now, accountName) {
      const set =
        accountName === undefined ? { lastUsedAt: now } : { lastUsedAt: now, accountName: String(accountName) };
      await Identity.updateOne({ _id: String(id) }, { $set: set });
    },
    async remove(provider, subject) {
      const res = await Identity.deleteOne({ provider: String(provider), subject: String(subject) });
      return res.deletedCount > 0;
    },
  };
}
