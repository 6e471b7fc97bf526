import { type Connection, Schema } from 'mongoose';
import type { SharedItemRecord, SharedItemsRepo } from '../ports.ts';
import type { MessagingModels } from './mongo-messaging-models.ts';
import { op } from './mongo-util.ts';

type SharedDoc = Omit<SharedItemRecord, never> & { _id: string; itemKey: string };

const sharedSchema = new Schema<SharedDoc>(
  {
    // "<messageId>|<itemKey>": one row per media or URL of a message.
    _id: { type: String, required: true },
    conversationId: { type: String, required: true },
    messageId: { type: String, required: true },
    seq: { type: Number, required: true },
    kind: { type: String, enum: ['media', 'file', 'link'], required: true },
    mediaId: { type: String, default: null },
    url: { type: String, default: null },
    position: { type: Number, default: 0 },
    senderId: { type: String, required: true },
    createdAt: { type: Date, required: true },
    itemKey: { type: String, required: true },
  },
  { versionKey: false, strict: 'throw' },
);
sharedSchema.index({ conversationId: 1, kind: 1, seq: -1, itemKey: -1 });
sharedSchema.index({ messageId: 1 });

/** Sorts a message's items by position (zero-padded) and keeps each media or URL once per position. */
const keyOf = (i: SharedItemRecord) =>
  `${i.kind === 'link' ? 'l' : 'm'}:${String(i.position).padStart(3, '0')}:${i.kind === 'link' ? i.url : i.mediaId}`;
const toItem = (d: SharedDoc): SharedItemRecord => ({
  conversationId: d.conversationId,
  messageId: d.messageId,
  seq: d.seq,
  kind: d.kind,
  mediaId: d.mediaId ?? null,
  url: d.url ?? null,
  position: d.position ?? 0,
  senderId: d.senderId,
  createdAt: d.createdAt,
});

export function createMongoSharedItemsRepo(conn: Connection, models: MessagingModels): SharedItemsRepo {
  const Shared = conn.model<SharedDoc>('SharedItem', sharedSchema, 'shared_items');
  const add = async (items: SharedItemRecord[]) => {
    if (items.length === 0) return;
    await Shared.bulkWrite(
      items.map((i) => {
        const itemKey = keyOf(i);
        return {
          updateOne: {
            filter: { _id: `${i.messageId}|${itemKey}` },
            update: { $setOnInsert: { ...i, itemKey } },
            upsert: true,
          },
        };
      }),
      { ordered: false },
    );
  };
  return {
    add,
    async replaceLinks(messageId, links) {
      await Shared.deleteMany({ messageId: String(messageId), kind: 'link' });
      await add(links);
    },
    async removeForMessage(messageId) {
      await Shared.deleteMany({ messageId: String(messageId) });
    },
    async list(conversationId, kind, options) {
      const limit = Math.max(1, Math.min(options.limit, 100));
      const m = options.cursor?.match(/^(\d{1,15}):(.{1,2100})$/s);
      const after = m ? { seq: Number(m[1]), key: m[2] as string } : null;
      const hidden = new Set<number>();
      const out: SharedDoc[] = [];
      let cursor = after;
      // Pages past rows hidden for the viewer until `limit + 1` visible ones are found.
      for (let round = 0; round < 20 && out.length <= limit; round++) {
        const docs = await Shared.find({
          conversationId: String(conversationId),
          kind,
          seq: op({ $gt: options.floorSeq }),
          ...(cursor
            ? { $or: [{ seq: op({ $lt: cursor.seq }) }, { seq: cursor.seq, itemKey: op({ $lt: cursor.key }) }] }
            : {}),
        })
          .sort({ seq: -1, itemKey: -1 })
          .limit(limit + 1)
          .lean<SharedDoc[]>();
        if (docs.length === 0) break;
        const seqs = [...new Set(docs.map((d) => d.seq))];
        const rows = await models.Hidden.find(
          { userId: String(options.viewerId), conversationId: String(conversationId), seq: op({ $in: seqs }) },
          { seq: 1 },
        ).lean<{ seq: number }[]>();
        for (const r of rows) hidden.add(r.seq);
        for (const d of docs) if (!hidden.has(d.seq) && out.length <= limit) out.push(d);
        const last = docs.at(-1) as SharedDoc;
        cursor = { seq: last.seq, key: last.itemKey };
        if (docs.length <= limit) break;
      }
      const items = out.slice(0, limit);
      const lastItem = out.length > limit ? items.at(-1) : undefined;
      return { items: items.map(toItem), nextCursor: lastItem ? `${lastItem.seq}:${lastItem.itemKey}` : null };
    },
  };
}
