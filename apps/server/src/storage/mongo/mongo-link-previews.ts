import { createHash, randomUUID } from 'node:crypto';
import { type Connection, Schema, trusted } from 'mongoose';
import type { LinkPreviewContent, LinkPreviewImageRecord, LinkPreviewsRepo } from '../ports.ts';
import type { MongoMessagingCore } from './mongo-messaging-core.ts';
import { type MessageDoc, type MessagingModels, toMessage } from './mongo-messaging-models.ts';

type CacheDoc = {
  /** SHA-256 of the URL. */
  _id: string;
  url: string;
  preview: LinkPreviewContent | null;
  imageId: string | null;
  fetchedAt: Date;
  expiresAt: Date;
};

type ImageDoc = Omit<LinkPreviewImageRecord, 'id'> & { _id: string };

const cacheSchema = new Schema<CacheDoc>(
  {
    _id: { type: String, required: true },
    url: { type: String, required: true },
    preview: { type: Schema.Types.Mixed, default: null },
    imageId: { type: String, default: null },
    fetchedAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false, strict: 'throw', minimize: false },
);
cacheSchema.index({ expiresAt: 1 });
cacheSchema.index({ imageId: 1 }, { partialFilterExpression: { imageId: { $type: 'string' } } });

const imageSchema = new Schema<ImageDoc>(
  {
    _id: { type: String, required: true },
    storageKey: { type: String, required: true },
    mime: { type: String, required: true },
    width: { type: Number, required: true },
    height: { type: Number, required: true },
    size: { type: Number, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, strict: 'throw' },
);
imageSchema.index({ createdAt: 1 });
imageSchema.index({ storageKey: 1 });

const urlKey = (url: string) => createHash('sha256').update(url).digest('hex');
const toImage = (d: ImageDoc): LinkPreviewImageRecord => ({
  id: d._id,
  storageKey: d.storageKey,
  mime: d.mime,
  width: d.width,
  height: d.height,
  size: d.size,
  createdAt: d.createdAt,
});

export function createMongoLinkPreviewsRepo(
  conn: Connection,
  models: MessagingModels,
  core: MongoMessagingCore,
): LinkPreviewsRepo {
  const Cache = conn.model<CacheDoc>('LinkPreviewCache', cacheSchema, 'link_preview_cache');
  const Image = conn.model<ImageDoc>('LinkPreviewImage', imageSchema, 'link_preview_images');
  const { Message } = models;

  return {
    async setForMessage(messageId, preview, actorId, now) {
      const d = await Message.findOneAndUpdate(
        { _id: String(messageId), deletedAt: null, seq: trusted({ $ne: null }) },
        { $set: { linkPreview: preview } },
        { returnDocument: 'after' },
      ).lean<MessageDoc>();
      if (!d) return null;
      const changeSeq = await core.appendChange({
        conversationId: d.conversationId,
        type: 'message.updated',
        entityId: d._id,
        messageSeq: d.seq,
        actorId,
        data: { linkPreview: true },
        now,
      });
      return { message: toMessage(d), ...(await core.committed(d.conversationId, changeSeq)) };
    },
    async getCached(url, now) {
      const d = await Cache.findOne({ _id: urlKey(String(url)), expiresAt: trusted({ $gt: now }) }).lean<CacheDoc>();
      if (!d) return null;
      return { url: d.url, preview: d.preview ?? null, fetchedAt: d.fetchedAt, expiresAt: d.expiresAt };
    },
    async putCached(entry) {
      await Cache.replaceOne(
        { _id: urlKey(String(entry.url)) },
        {
          url: entry.url,
          preview: entry.preview,
          imageId: entry.preview?.image?.id ?? null,
          fetchedAt: entry.fetchedAt,
          expiresAt: entry.expiresAt,
        },
        { upsert: true },
      );
    },
    async pruneCache(now) {
      const res = await Cache.deleteMany({ expiresAt: trusted({ $lte: now }) });
      return res.deletedCount;
    },
    async createImage(image) {
      const doc: ImageDoc = { ...image, _id: randomUUID() };
      await Image.create(doc);
      return toImage(doc);
    },
    async findImage(id) {
      const d = await Image.findOne({ _id: String(id) }).lean<ImageDoc>();
      return d ? toImage(d) : null;
    },
    async sweepImages(cutoff, now, limit) {
      const candidates = await Image.find({ createdAt: trusted({ $lt: cutoff }) })
        .sort({ createdAt: 1 })
        .limit(Math.max(1, Math.min(limit, 1000)) * 4)
        .lean<ImageDoc[]>();
      const out: LinkPreviewImageRecord[] = [];
      for (const c of candidates) {
        if (out.length >= limit) break;
        const [cached, shown] = await Promise.all([
          Cache.exists({ imageId: c._id, expiresAt: trusted({ $gt: now }) }),
          Message.exists({ 'linkPreview.image.id': c._id }),
        ]);
        if (cached || shown) continue;
        // A preview could have picked the image up in between: delete only if still unreferenced.
        const gone = await Image.deleteOne({ _id: c._id });
        if (gone.deletedCount === 1) out.push(toImage(c));
      }
      return out;
    },
    async countImagesByKey(key) {
      return Image.countDocuments({ storageKey: String(key) });
    },
  };
}
