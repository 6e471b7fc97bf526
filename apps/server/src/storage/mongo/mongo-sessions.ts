import { type Connection, Schema } from 'mongoose';
import type { SessionRecord, SessionsRepo } from '../ports.ts';
import { op } from './mongo-util.ts';

type SessionDoc = Omit<SessionRecord, 'id'> & { _id: string };

const sessionSchema = new Schema<SessionDoc>(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true },
    refreshTokenHash: { type: String, required: true },
    previousTokenHash: { type: String, default: null },
    rotatedAt: { type: Date, default: null },
    deviceName: { type: String, required: true },
    platform: { type: String, enum: ['web', 'windows', 'macos', 'linux', 'other'], required: true },
    ip: { type: String, default: null },
    userAgent: { type: String, default: null },
    createdAt: { type: Date, required: true },
    lastUsedAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    revokedAt: { type: Date, default: null },
  },
  { versionKey: false, strict: 'throw' },
);
sessionSchema.index({ refreshTokenHash: 1 }, { unique: true });
sessionSchema.index({ previousTokenHash: 1 }, { sparse: true });
sessionSchema.index({ userId: 1, revokedAt: 1, expiresAt: 1 });
// MongoDB deletes a session once it has expired.
sessionSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

const toSession = (d: SessionDoc): SessionRecord => ({
  id: d._id,
  userId: d.userId,
  refreshTokenHash: d.refreshTokenHash,
  previousTokenHash: d.previousTokenHash ?? null,
  rotatedAt: d.rotatedAt ?? null,
  deviceName: d.deviceName,
  platform: d.platform,
  ip: d.ip ?? null,
  userAgent: d.userAgent ?? null,
  createdAt: d.createdAt,
  lastUsedAt: d.lastUsedAt,
  expiresAt: d.expiresAt,
  revokedAt: d.revokedAt ?? null,
});

export function createMongoSessionsRepo(conn: Connection): SessionsRepo {
  const Session = conn.model<SessionDoc>('Session', sessionSchema, 'sessions');

  const liveFilter = (userId: string, now: Date, exceptId?: string) => ({
    userId: String(userId),
    revokedAt: null,
    expiresAt: op({ $gt: now }),
    ...(exceptId ? { _id: op({ $ne: String(exceptId) }) } : {}),
  });

  return {
    async create(s) {
      const doc: SessionDoc = {
        _id: s.id,
        userId: s.userId,
        refreshTokenHash: s.refreshTokenHash,
        previousTokenHash: null,
        rotatedAt: null,
        deviceName: s.deviceName,
        platform: s.platform,
        ip: s.ip,
        userAgent: s.userAgent,
        createdAt: s.createdAt,
        lastUsedAt: s.createdAt,
        expiresAt: s.expiresAt,
        revokedAt: null,
      };
      await Session.create(doc);
      return toSession(doc);
    },
    async findById(id) {
      const d = await Session.findById(String(id)).lean<SessionDoc>();
      return d ? toSession(d) : null;
    },
    async findByTokenHash(hash) {
      const h = String(hash);
      const d =
        (await Session.findOne({ refreshTokenHash: h }).lean<SessionDoc>()) ??
        (await Session.findOne({ previousTokenHash: h }).lean<SessionDoc>());
      return d ? toSession(d) : null;
    },
    async rotate(id, expectedHash, newHash, now, newExpiresAt) {
      // The filter on the current hash makes this a compare-and-set: only one concurrent rotation wins.
      const res = await Session.updateOne(
        { _id: String(id), refreshTokenHash: String(expectedHash), revokedAt: null },
        {
          $set: {
            previousTokenHash: String(expectedHash),
            refreshTokenHash: String(newHash),
            rotatedAt: now,
            lastUsedAt: now,
            expiresAt: newExpiresAt,
          },
        },
      );
      return res.modifiedCount === 1;
    },
    async touch(id, now, ip) {
      await Session.updateOne({ _id: String(id) }, { $set: { lastUsedAt: now, ...(ip ? { ip } : {}) } });
    },
    async revoke(id, now) {
      await Session.updateOne({ _id: String(id), revokedAt: null }, { $set: { revokedAt: now } });
    },
    async revokeAllForUser(userId, now, exceptId) {
      const docs = await Session.find(liveFilter(userId, now, exceptId), { _id: 1 }).lean<{ _id: string }[]>();
      const ids = docs.map((d) => d._id);
      if (ids.length)
        await Session.updateMany({ _id: op({ $in: ids }), revokedAt: null }, { $set: { revokedAt: now } });
      return ids;
    },
    async listActive(userId, now) {
      const docs = await Session.find(liveFilter(userId, now))
        .sort({ lastUsedAt: -1, createdAt: -1 })
        .lean<SessionDoc[]>();
      return docs.map(toSession);
    },
  };
}
