import { randomUUID } from 'node:crypto';
import { type Connection, Schema, trusted } from 'mongoose';
import type { MediaKind, MediaRecord, MediaRepo } from '../ports.ts';

type MediaDoc = {
  _id: string;
  uploaderId: string;
  kind: MediaKind;
  mime: string;
  size: number;
  width: number | null;
  height: number | null;
  duration: number | null;
  fileName: string;
  sha256: string;
  storageKey: string;
  thumbnailKey: string | null;
  createdAt: Date;
  attachedAt: Date | null;
  messageId: string | null;
  conversationId: string | null;
  avatarType: 'user' | 'conversation' | null;
  avatarId: string | null;
};

const mediaSchema = new Schema<MediaDoc>(
  {
    _id: { type: String, required: true },
    uploaderId: { type: String, required: true },
    kind: { type: String, required: true, enum: ['image', 'video', 'audio', 'file'] },
    mime: { type: String, required: true },
    size: { type: Number, required: true },
    width: { type: Number, default: null },
    height: { type: Number, default: null },
    duration: { type: Number, default: null },
    fileName: { type: String, required: true },
    sha256: { type: String, required: true },
    storageKey: { type: String, required: true },
    thumbnailKey: { type: String, default: null },
    createdAt: { type: Date, required: true },
    attachedAt: { type: Date, default: null },
    messageId: { type: String, default: null },
    conversationId: { type: String, default: null },
    avatarType: { type: String, default: null, enum: ['user', 'conversation', null] },
    avatarId: { type: String, default: null },
  },
  { versionKey: false, strict: 'throw' },
);
mediaSchema.index({ messageId: 1 }, { partialFilterExpression: { messageId: { $type: 'string' } } });
mediaSchema.index({ avatarType: 1, avatarId: 1, attachedAt: -1 });
// The sweeper: unattached rows oldest first.
mediaSchema.index({ attachedAt: 1, createdAt: 1 });
mediaSchema.index({ storageKey: 1 });
// The pending-upload quota: an uploader's unattached rows.
mediaSchema.index({ uploaderId: 1, attachedAt: 1 });
mediaSchema.index({ thumbnailKey: 1 }, { partialFilterExpression: { thumbnailKey: { $type: 'string' } } });
// Admin statistics: uploads per day and total bytes.
mediaSchema.index({ createdAt: 1, size: 1 });

const toMedia = (d: MediaDoc): MediaRecord => ({
  id: d._id,
  uploaderId: d.uploaderId,
  kind: d.kind,
  mime: d.mime,
  size: d.size,
  width: d.width ?? null,
  height: d.height ?? null,
  duration: d.duration ?? null,
  fileName: d.fileName,
  sha256: d.sha256,
  storageKey: d.storageKey,
  thumbnailKey: d.thumbnailKey ?? null,
  createdAt: d.createdAt,
  attachedAt: d.attachedAt ?? null,
  messageId: d.messageId ?? null,
  conversationId: d.conversationId ?? null,
  avatarOf: d.avatarType && d.avatarId ? { type: d.avatarType, id: d.avatarId } : null,
});

// sanitizeFilter is on for the connection: our own operators are marked with trusted().
export function createMongoMediaRepo(conn: Connection): MediaRepo {
  const Media = conn.model<MediaDoc>('Media', mediaSchema, 'media');

  return {
    async create(m) {
      const doc: MediaDoc = {
        _id: randomUUID(),
        ...m,
        attachedAt: null,
        messageId: null,
        conversationId: null,
        avatarType: null,
        avatarId: null,
      };
      await Media.create(doc);
      return toMedia(doc);
    },
    async findById(id) {
      const d = await Media.findById(String(id)).lean<MediaDoc>();
      return d ? toMedia(d) : null;
    },
    async findByIds(ids) {
      if (!ids.length) return [];
      const docs = await Media.find({ _id: trusted({ $in: ids.map(String) }) }).lean<MediaDoc[]>();
      return docs.map(toMedia);
    },
    async attachToMessage(ids, uploaderId, target, now) {
      const unique = [...new Set(ids.map(String))];
      if (!unique.length) return true;
      const filter = { _id: trusted({ $in: unique }), uploaderId: String(uploaderId), attachedAt: null };
      if ((await Media.countDocuments(filter)) !== unique.length) return false;
      const res = await Media.updateMany(filter, {
        $set: { attachedAt: now, messageId: target.messageId, conversationId: target.conversationId },
      });
      if (res.modifiedCount === unique.length) return true;
      // Lost a race for some id (no multi-document transaction here): undo our part, report failure.
      await Media.updateMany(
        { _id: trusted({ $in: unique }), messageId: target.messageId, attachedAt: now },
        { $set: { attachedAt: null, messageId: null, conversationId: null } },
      );
      return false;
    },
    async attachAsAvatar(id, uploaderId, target, now) {
      const res = await Media.updateOne(
        { _id: String(id), uploaderId: String(uploaderId), attachedAt: null },
        { $set: { attachedAt: now, avatarType: target.type, avatarId: target.id } },
      );
      return res.modifiedCount === 1;
    },
    async listByMessage(messageId) {
      const docs = await Media.find({ messageId: String(messageId) })
        .sort({ createdAt: 1, _id: 1 })
        .lean<MediaDoc[]>();
      return docs.map(toMedia);
    },
    async findAvatarOf(target) {
      const d = await Media.findOne({ avatarType: target.type, avatarId: String(target.id) })
        .sort({ attachedAt: -1, _id: 1 })
        .lean<MediaDoc>();
      return d ? toMedia(d) : null;
    },
    async listUnattachedBefore(cutoff, limit) {
      const docs = await Media.find({ attachedAt: null, createdAt: trusted({ $lt: cutoff }) })
        .sort({ createdAt: 1 })
        .limit(limit)
        .lean<MediaDoc[]>();
      return docs.map(toMedia);
    },
    async delete(id) {
      const d = await Media.findOneAndDelete({ _id: String(id) }).lean<MediaDoc>();
      return d ? toMedia(d) : null;
    },
    async pendingBytes(uploaderId) {
      const [row] = await Media.aggregate<{ bytes: number }>([
        { $match: { uploaderId: String(uploaderId), attachedAt: null } },
        { $group: { _id: null, bytes: { $sum: '$size' } } },
      ]);
      return row?.bytes ?? 0;
    },
    async countByKey(key) {
      const k = String(key);
      const [a, b] = await Promise.all([
        Media.countDocuments({ storageKey: k }),
        Media.countDocuments({ thumbnailKey: k }),
      ]);
      return a + b;
    },
  };
}
