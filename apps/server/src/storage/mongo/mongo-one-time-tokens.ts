import { randomUUID } from 'node:crypto';
import { type Connection, Schema } from 'mongoose';
import type { OneTimeTokenRecord, OneTimeTokensRepo } from '../ports.ts';
import { op } from './mongo-util.ts';

type TokenDoc = Omit<OneTimeTokenRecord, 'id'> & { _id: string };

const tokenSchema = new Schema<TokenDoc>(
  {
    _id: { type: String, required: true },
    kind: { type: String, enum: ['verify_email', 'reset_password'], required: true },
    userId: { type: String, required: true },
    tokenHash: { type: String, required: true },
    expiresAt: { type: Date, required: true },
    usedAt: { type: Date, default: null },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, strict: 'throw' },
);
tokenSchema.index({ tokenHash: 1 }, { unique: true });
tokenSchema.index({ userId: 1, kind: 1 });
// Expired tokens are useless: MongoDB removes them.
tokenSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

const toToken = (d: TokenDoc): OneTimeTokenRecord => ({
  id: d._id,
  kind: d.kind,
  userId: d.userId,
  tokenHash: d.tokenHash,
  expiresAt: d.expiresAt,
  usedAt: d.usedAt ?? null,
  createdAt: d.createdAt,
});

export function createMongoOneTimeTokensRepo(conn: Connection): OneTimeTokensRepo {
  const Token = conn.model<TokenDoc>('OneTimeToken', tokenSchema, 'one_time_tokens');
  return {
    async create(t) {
      const doc: TokenDoc = {
        _id: randomUUID(),
        kind: t.kind,
        userId: t.userId,
        tokenHash: t.tokenHash,
        expiresAt: t.expiresAt,
        usedAt: null,
        createdAt: new Date(),
      };
      await Token.create(doc);
      return toToken(doc);
    },
    async consume(kind, tokenHash, now) {
      // One findOneAndUpdate: checking "live and unused" and burning it cannot be split by a race.
      const d = await Token.findOneAndUpdate(
        { kind, tokenHash: String(tokenHash), usedAt: null, expiresAt: op({ $gt: now }) },
        { $set: { usedAt: now } },
        { returnDocument: 'after' },
      ).lean<TokenDoc>();
      return d ? toToken(d) : null;
    },
    async invalidateForUser(userId, kind, now) {
      await Token.updateMany({ userId: String(userId), kind, usedAt: null }, { $set: { usedAt: now } });
    },
  };
}
