import { type Connection, Schema } from 'mongoose';
import type { DigestSettingsRecord, EmailDigestRepo, MissedMessageRecord } from '../ports.ts';
import { op } from './mongo-util.ts';

type SettingsDoc = Omit<DigestSettingsRecord, 'userId'> & { _id: string };
type MissedDoc = MissedMessageRecord & { _id: string };
type TokenDoc = { _id: string; userId: string; expiresAt: Date; usedAt: Date | null; createdAt: Date };

const settingsSchema = new Schema<SettingsDoc>(
  {
    _id: { type: String, required: true },
    enabled: { type: Boolean, required: true },
    delayMinutes: { type: Number, required: true },
    hideContent: { type: Boolean, required: true },
    locale: { type: String, required: true, enum: ['en', 'es'] },
    lastSentAt: { type: Date, default: null },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false, strict: 'throw' },
);
settingsSchema.index({ enabled: 1, lastSentAt: 1 });

const missedSchema = new Schema<MissedDoc>(
  {
    // `${userId}:${messageId}`: a repeat is the same document.
    _id: { type: String, required: true },
    userId: { type: String, required: true },
    spaceId: { type: String, default: 'home' },
    conversationId: { type: String, required: true },
    messageId: { type: String, required: true },
    seq: { type: Number, required: true },
    mention: { type: Boolean, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, strict: 'throw' },
);
missedSchema.index({ userId: 1, createdAt: 1 });
missedSchema.index({ userId: 1, conversationId: 1, seq: 1 });

const tokenSchema = new Schema<TokenDoc>(
  {
    // The token's hash.
    _id: { type: String, required: true },
    userId: { type: String, required: true },
    expiresAt: { type: Date, required: true },
    usedAt: { type: Date, default: null },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, strict: 'throw' },
);
// Expired tokens are useless: MongoDB removes them.
tokenSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

const toSettings = (d: SettingsDoc): DigestSettingsRecord => ({
  userId: d._id,
  enabled: d.enabled,
  delayMinutes: d.delayMinutes,
  hideContent: d.hideContent,
  locale: d.locale === 'es' ? 'es' : 'en',
  lastSentAt: d.lastSentAt ?? null,
  updatedAt: d.updatedAt,
});

const toMissed = (d: MissedDoc): MissedMessageRecord => ({
  userId: d.userId,
  spaceId: d.spaceId ?? 'home',
  conversationId: d.conversationId,
  messageId: d.messageId,
  seq: d.seq,
  mention: d.mention,
  createdAt: d.createdAt,
});

export function createMongoEmailDigestRepo(conn: Connection): EmailDigestRepo {
  const Settings = conn.model<SettingsDoc>('EmailDigestSettings', settingsSchema, 'email_digest_settings');
  const Missed = conn.model<MissedDoc>('EmailDigestMissed', missedSchema, 'email_digest_missed');
  const Token = conn.model<TokenDoc>('EmailDigestToken', tokenSchema, 'email_digest_tokens');

  return {
    async findSettings(userId) {
      const d = await Settings.findById(String(userId)).lean<SettingsDoc>();
      return d ? toSettings(d) : null;
    },
    async saveSettings(userId, s, now) {
      const d = await Settings.findOneAndUpdate(
        { _id: String(userId) },
        {
          $set: {
            enabled: s.enabled,
            delayMinutes: s.delayMinutes,
            hideContent: s.hideContent,
            locale: s.locale,
            updatedAt: now,
          },
          $setOnInsert: { lastSentAt: null },
        },
        { upsert: true, returnDocument: 'after' },
      ).lean<SettingsDoc>();
      if (!s.enabled) await Missed.deleteMany({ userId: String(userId) });
      if (!d) throw new Error('email digest settings upsert returned nothing');
      return toSettings(d);
    },
    async disable(userId, now) {
      await Settings.updateOne({ _id: String(userId) }, { $set: { enabled: false, updatedAt: now } });
      await Missed.deleteMany({ userId: String(userId) });
    },
    async recordMissed(entries) {
      if (!entries.length) return;
      await Missed.bulkWrite(
        entries.map((e) => ({
          updateOne: {
            filter: { _id: `${e.userId}:${e.messageId}` },
            update: { $setOnInsert: { ...e } },
            upsert: true,
          },
        })),
        { ordered: false },
      );
    },
    async listMissed(userId) {
      const docs = await Missed.find({ userId: String(userId) })
        .sort({ createdAt: 1, seq: 1 })
        .lean<MissedDoc[]>();
      return docs.map(toMissed);
    },
    async clearRead(userId, conversationId, seq) {
      const r = await Missed.deleteMany({
        userId: String(userId),
        conversationId: String(conversationId),
        seq: op({ $lte: seq }),
      });
      return r.deletedCount;
    },
    async clearUntil(userId, until) {
      const r = await Missed.deleteMany({ userId: String(userId), createdAt: op({ $lte: until }) });
      return r.deletedCount;
    },
    async dueUsers(now, minGapMs, limit) {
      const rows = await Missed.aggregate<{ _id: string }>([
        { $group: { _id: '$userId', oldest: { $min: '$createdAt' } } },
        { $lookup: { from: 'email_digest_settings', localField: '_id', foreignField: '_id', as: 'settings' } },
        { $unwind: '$settings' },
        {
          $match: {
            'settings.enabled': true,
            $expr: {
              $and: [
                {
                  $lte: ['$oldest', { $subtract: [now, { $multiply: ['$settings.delayMinutes', 60_000] }] }],
                },
                {
                  $or: [
                    { $eq: [{ $ifNull: ['$settings.lastSentAt', null] }, null] },
                    { $lte: ['$settings.lastSentAt', new Date(now.getTime() - minGapMs)] },
                  ],
                },
              ],
            },
          },
        },
        { $sort: { oldest: 1 } },
        { $limit: limit },
        { $project: { _id: 1 } },
      ]);
      return rows.map((r) => r._id);
    },
    async claimSend(userId, previous, next) {
      const r = await Settings.updateOne(
        { _id: String(userId), enabled: true, lastSentAt: previous },
        { $set: { lastSentAt: next } },
      );
      return r.modifiedCount > 0;
    },
    async createUnsubscribeToken(userId, tokenHash, expiresAt, now) {
      await Token.create({ _id: tokenHash, userId, expiresAt, usedAt: null, createdAt: now });
    },
    async consumeUnsubscribeToken(tokenHash, now) {
      const d = await Token.findOneAndUpdate(
        { _id: String(tokenHash), usedAt: null, expiresAt: op({ $gt: now }) },
        { $set: { usedAt: now } },
        { returnDocument: 'after' },
      ).lean<TokenDoc>();
      return d?.userId ?? null;
    },
  };
}
