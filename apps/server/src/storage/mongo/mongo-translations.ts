import { type Connection, Schema, trusted } from 'mongoose';
import type { CachedTranslation, QuotaReservation, TranslationsRepo } from '../ports.ts';
import type { MessagingModels } from './mongo-messaging-models.ts';

const isDuplicateKey = (err: unknown): boolean => (err as { code?: unknown } | null)?.code === 11000;

export type TranslationDoc = {
  _id: string;
  messageId: string;
  version: number;
  target: string;
  source: string | null;
  text: string;
  createdAt: Date;
};
type AutoDoc = { _id: string; userId: string; conversationId: string; createdAt: Date };
type UsageDoc = { _id: string; day: string; subject: string; chars: number };

const opts = { versionKey: false, strict: 'throw' } as const;

export const translationSchema = new Schema<TranslationDoc>(
  {
    _id: { type: String, required: true },
    messageId: { type: String, required: true },
    version: { type: Number, required: true },
    target: { type: String, required: true },
    source: { type: String, default: null },
    text: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  opts,
);
translationSchema.index({ messageId: 1 });

const autoSchema = new Schema<AutoDoc>(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true },
    conversationId: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  opts,
);
const usageSchema = new Schema<UsageDoc>(
  {
    _id: { type: String, required: true },
    day: { type: String, required: true },
    subject: { type: String, required: true },
    chars: { type: Number, required: true },
  },
  opts,
);

/** One document per (message, target, version): the key is the id, so an upsert cannot duplicate. */
export const translationKey = (messageId: string, target: string, version: number): string =>
  `${messageId}:${target}:${version}`;
const GLOBAL = '*';
const usageKey = (day: string, subject: string) => `${day}:${subject}`;

export function createMongoTranslationsRepo(conn: Connection, models: MessagingModels): TranslationsRepo {
  const { Message, MessageTranslation } = models;
  const Auto = conn.model<AutoDoc>('TranslationAuto', autoSchema, 'translation_auto');
  const Usage = conn.model<UsageDoc>('TranslationUsage', usageSchema, 'translation_usage');

  const used = async (day: string, subject: string): Promise<number> =>
    (await Usage.findById(usageKey(day, subject)).lean<UsageDoc>())?.chars ?? 0;

  /** $inc only while the counter stays within `limit`; false when it would not. */
  async function take(day: string, subject: string, chars: number, limit: number): Promise<boolean> {
    if (chars > limit) return false;
    // $inc by 0 modifies nothing, which would read as "over the limit" below.
    if (chars <= 0) return true;
    const _id = usageKey(day, subject);
    try {
      await Usage.updateOne({ _id }, { $setOnInsert: { day, subject, chars: 0 } }, { upsert: true });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    const res = await Usage.updateOne({ _id, chars: trusted({ $lte: limit - chars }) }, { $inc: { chars } });
    return res.modifiedCount === 1;
  }

  /** Never below zero: an update pipeline (Mongoose 9 wants it allowed per query). */
  const give = (day: string, subject: string, chars: number) =>
    Usage.updateOne(
      { _id: usageKey(day, subject) },
      [{ $set: { chars: { $max: [0, { $subtract: ['$chars', chars] }] } } }],
      { updatePipeline: true },
    );

  return {
    async find(keys, target) {
      if (keys.length === 0) return [];
      const docs = await MessageTranslation.find({
        _id: trusted({ $in: keys.map((k) => translationKey(String(k.messageId), String(target), Number(k.version))) }),
      }).lean<TranslationDoc[]>();
      return docs.map((d) => ({
        messageId: d.messageId,
        version: d.version,
        target: d.target,
        source: d.source ?? null,
        text: d.text,
        createdAt: d.createdAt,
      }));
    },
    async save(items: CachedTranslation[]) {
      if (items.length === 0) return;
      const live = await Message.find(
        { _id: trusted({ $in: items.map((i) => String(i.messageId)) }), deletedAt: null },
        { _id: 1, editedAt: 1 },
      ).lean<{ _id: string; editedAt: Date | null }[]>();
      const version = new Map(live.map((m) => [m._id, m.editedAt ? m.editedAt.getTime() : 0]));
      const fresh = items.filter((i) => version.get(i.messageId) === i.version);
      if (fresh.length === 0) return;
      await MessageTranslation.bulkWrite(
        fresh.map((i) => {
          const _id = translationKey(i.messageId, i.target, i.version);
          return {
            replaceOne: {
              filter: { _id },
              replacement: {
                _id,
                messageId: i.messageId,
                version: i.version,
                target: i.target,
                source: i.source,
                text: i.text,
                createdAt: i.createdAt,
              },
              upsert: true,
            },
          };
        }),
      );
      // An edit or delete between the check and the write drops translations; catch that race here.
      const after = await Message.find(
        { _id: trusted({ $in: fresh.map((i) => i.messageId) }) },
        { _id: 1, editedAt: 1, deletedAt: 1 },
      ).lean<{ _id: string; editedAt: Date | null; deletedAt: Date | null }[]>();
      const stale = fresh.filter((i) => {
        const m = after.find((x) => x._id === i.messageId);
        return !m || m.deletedAt !== null || (m.editedAt ? m.editedAt.getTime() : 0) !== i.version;
      });
      if (stale.length)
        await MessageTranslation.deleteMany({
          _id: trusted({ $in: stale.map((i) => translationKey(i.messageId, i.target, i.version)) }),
        });
    },
    async setAuto(userId, conversationId, on, now) {
      const _id = `${userId}:${conversationId}`;
      if (!on) {
        await Auto.deleteOne({ _id });
        return;
      }
      await Auto.updateOne(
        { _id },
        { $setOnInsert: { userId: String(userId), conversationId: String(conversationId), createdAt: now } },
        { upsert: true },
      ).catch((err: unknown) => {
        if (!isDuplicateKey(err)) throw err;
      });
    },
    async isAuto(userId, conversationId) {
      return (await Auto.exists({ _id: `${userId}:${conversationId}` })) !== null;
    },
    async reserve({ userId, day, chars, userLimit, globalLimit }): Promise<QuotaReservation> {
      if (!(await take(day, String(userId), chars, userLimit))) return { ok: false, exceeded: 'user' };
      if (!(await take(day, GLOBAL, chars, globalLimit))) {
        await give(day, String(userId), chars);
        return { ok: false, exceeded: 'global' };
      }
      return { ok: true };
    },
    async release({ userId, day, chars }) {
      await Promise.all([give(day, String(userId), chars), give(day, GLOBAL, chars)]);
    },
    async usage(userId, day) {
      const [user, global] = await Promise.all([used(day, String(userId)), used(day, GLOBAL)]);
      return { user, global };
    },
  };
}
