import { type Connection, Schema, trusted } from 'mongoose';
import type { DiscoveryRecord, DiscoveryRepo } from '../ports.ts';

/** The user id is the _id: one row per user. */
type DiscoveryDoc = { _id: string; emailHash: string; createdAt: Date };

const discoverySchema = new Schema<DiscoveryDoc>(
  {
    _id: { type: String, required: true },
    emailHash: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, strict: 'throw' },
);
discoverySchema.index({ emailHash: 1 });

const toRecord = (d: DiscoveryDoc): DiscoveryRecord => ({
  userId: d._id,
  emailHash: d.emailHash,
  createdAt: d.createdAt,
});

export function createMongoDiscoveryRepo(conn: Connection): DiscoveryRepo {
  const Discovery = conn.model<DiscoveryDoc>('Discovery', discoverySchema, 'discovery_hashes');
  return {
    async set(userId, emailHash, now) {
      const d = await Discovery.findOneAndUpdate(
        { _id: String(userId) },
        { $set: { emailHash: String(emailHash) }, $setOnInsert: { createdAt: now } },
        { upsert: true, returnDocument: 'after' },
      ).lean<DiscoveryDoc>();
      if (!d) throw new Error('mongo: discovery row missing');
      return toRecord(d);
    },
    async find(userId) {
      const d = await Discovery.findById(String(userId)).lean<DiscoveryDoc>();
      return d ? toRecord(d) : null;
    },
    async clear(userId) {
      const r = await Discovery.deleteOne({ _id: String(userId) });
      return r.deletedCount > 0;
    },
    async match(emailHashes) {
      const hashes = [...new Set(emailHashes.map(String))];
      if (!hashes.length) return [];
      const docs = await Discovery.find({ emailHash: trusted({ $in: hashes }) })
        .sort({ _id: 1 })
        .lean<DiscoveryDoc[]>();
      return docs.map(toRecord);
    },
  };
}
