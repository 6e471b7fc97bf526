import { type Connection, Schema } from 'mongoose';
import { SOCIAL_LINK_ORDER, type SocialLinkRecord, type SocialLinksRepo } from '../ports.ts';

type SocialLinkDoc = Omit<SocialLinkRecord, never> & { _id: string };

const socialLinkSchema = new Schema<SocialLinkDoc>(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true },
    network: { type: String, enum: SOCIAL_LINK_ORDER, required: true },
    handle: { type: String, required: true },
    visibility: { type: String, enum: ['public', 'shared', 'hidden'], required: true },
    verified: { type: Boolean, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false, strict: 'throw' },
);
socialLinkSchema.index({ userId: 1 });

/** The pair is the id: one link per network per user. */
const idOf = (userId: string, network: string) => `${userId}:${network}`;

const toRecord = (d: SocialLinkDoc): SocialLinkRecord => ({
  userId: d.userId,
  network: d.network,
  handle: d.handle,
  visibility: d.visibility,
  verified: d.verified === true,
  createdAt: d.createdAt,
  updatedAt: d.updatedAt,
});

const rank = (n: SocialLinkRecord['network']) => SOCIAL_LINK_ORDER.indexOf(n);

export function createMongoSocialLinksRepo(conn: Connection): SocialLinksRepo {
  const SocialLink = conn.model<SocialLinkDoc>('SocialLink', socialLinkSchema, 'social_links');
  return {
    async save(link, now) {
      const userId = String(link.userId);
      const before = await SocialLink.findOneAndUpdate(
        { _id: idOf(userId, link.network) },
        {
          $set: {
            handle: String(link.handle),
            visibility: link.visibility,
            verified: link.verified,
            updatedAt: now,
          },
          $setOnInsert: { userId, network: link.network, createdAt: now },
        },
        { upsert: true, returnDocument: 'before' },
      ).lean<SocialLinkDoc>();
      const after = await SocialLink.findById(idOf(userId, link.network)).lean<SocialLinkDoc>();
      if (!after) throw new Error('mongo: saved social link missing');
      return { link: toRecord(after), created: before === null };
    },
    async remove(userId, network) {
      const r = await SocialLink.deleteOne({ _id: idOf(String(userId), network) });
      return r.deletedCount > 0;
    },
    async list(userId) {
      const docs = await SocialLink.find({ userId: String(userId) }).lean<SocialLinkDoc[]>();
      return docs.map(toRecord).sort((a, b) => rank(a.network) - rank(b.network));
    },
    async removeAll(userId) {
      const r = await SocialLink.deleteMany({ userId: String(userId) });
      return r.deletedCount;
    },
  };
}
