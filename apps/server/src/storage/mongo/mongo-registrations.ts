import { type Connection, Schema } from 'mongoose';
import type { PendingRegistrationRecord, PendingRegistrationsRepo } from '../ports.ts';
import { op } from './mongo-util.ts';

type RegistrationDoc = Omit<PendingRegistrationRecord, 'email'> & { _id: string };

const registrationSchema = new Schema<RegistrationDoc>(
  {
    // The normalised email: one pending sign-up per address.
    _id: { type: String, required: true },
    existingUserId: { type: String, default: null },
    username: { type: String, default: null },
    displayName: { type: String, default: '' },
    passwordHash: { type: String, default: '' },
    codeHash: { type: String, required: true },
    linkTokenHash: { type: String, required: true },
    attempts: { type: Number, required: true },
    sentAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false, strict: 'throw' },
);
registrationSchema.index({ linkTokenHash: 1 }, { unique: true });
// MongoDB removes expired sign-ups by itself (deleteExpired does it at once for SQLite parity).
registrationSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

const toRecord = (d: RegistrationDoc): PendingRegistrationRecord => ({
  email: d._id,
  existingUserId: d.existingUserId ?? null,
  username: d.username ?? null,
  displayName: d.displayName ?? '',
  passwordHash: d.passwordHash ?? '',
  codeHash: d.codeHash,
  linkTokenHash: d.linkTokenHash,
  attempts: d.attempts,
  sentAt: d.sentAt,
  expiresAt: d.expiresAt,
});

export function createMongoRegistrationsRepo(conn: Connection): PendingRegistrationsRepo {
  const Registration = conn.model<RegistrationDoc>('PendingRegistration', registrationSchema, 'pending_registrations');
  return {
    async put(r) {
      const { email, attempts, ...rest } = r;
      await Registration.replaceOne({ _id: String(email) }, { ...rest, attempts: attempts ?? 0 }, { upsert: true });
    },
    async find(email) {
      const d = await Registration.findById(String(email)).lean<RegistrationDoc>();
      return d ? toRecord(d) : null;
    },
    async findByLinkToken(linkTokenHash) {
      const d = await Registration.findOne({ linkTokenHash: String(linkTokenHash) }).lean<RegistrationDoc>();
      return d ? toRecord(d) : null;
    },
    async addFailedAttempt(email) {
      const d = await Registration.findOneAndUpdate(
        { _id: String(email) },
        { $inc: { attempts: 1 } },
        { returnDocument: 'after' },
      ).lean<RegistrationDoc>();
      return d?.attempts ?? 0;
    },
    async takeByCode(email, codeHash, now, maxAttempts) {
      // One findOneAndDelete: the check and the burn cannot be split by a race.
      const d = await Registration.findOneAndDelete({
        _id: String(email),
        codeHash: String(codeHash),
        expiresAt: op({ $gt: now }),
        attempts: op({ $lt: maxAttempts }),
        existingUserId: null,
      }).lean<RegistrationDoc>();
      return d ? toRecord(d) : null;
    },
    async takeByLinkToken(linkTokenHash, now) {
      const d = await Registration.findOneAndDelete({
        linkTokenHash: String(linkTokenHash),
        expiresAt: op({ $gt: now }),
        existingUserId: null,
      }).lean<RegistrationDoc>();
      return d ? toRecord(d) : null;
    },
    async delete(email) {
      await Registration.deleteOne({ _id: String(email) });
    },
    async deleteExpired(now) {
      const res = await Registration.deleteMany({ expiresAt: op({ $lte: now }) });
      return res.deletedCount;
    },
  };
}
