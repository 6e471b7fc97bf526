import { type Connection, Schema, trusted } from 'mongoose';
import type { BlocksRepo } from '../ports.ts';

type BlockDoc = { _id: string; blockerId: string; blockedId: string; createdAt: Date };

const blockSchema = new Schema<BlockDoc>(
  {
    _id: { type: String, required: true },
    blockerId: { type: String, required: true },
    blockedId: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, strict: 'throw' },
);
blockSchema.index({ blockerId: 1, blockedId: 1 }, { unique: true });
blockSchema.index({ blockedId: 1 });

/** The pair is the id, so blocking twice is naturally idempotent. */
const idOf = (blocker: string, blocked: string) => `${blocker}:${blocked}`;

export function createMongoBlocksRepo(conn: Connection): BlocksRepo {
  const Block = conn.model<BlockDoc>('Block', blockSchema, 'blocks');
  return {
    async block(blockerId, blockedId) {
      const a = String(blockerId);
      const b = String(blockedId);
      await Block.updateOne(
        { _id: idOf(a, b) },
        { $setOnInsert: { blockerId: a, blockedId: b, createdAt: new Date() } },
        { upsert: true },
      );
    },
    async unblock(blockerId, blockedId) {
      await Block.deleteOne({ _id: idOf(String(blockerId), String(blockedId)) });
    },
    async isBlockedEitherWay(a, b) {
      const n = await Block.countDocuments({
        $or: [{ _id: idOf(String(a), String(b)) }, { _id: idOf(String(b), String(a)) }],
      });
      return n > 0;
    },
    async blockedEitherWayAmong(userId, others) {
      const me = String(userId);
      const ids = [...new Set(others.map(String))];
      if (!ids.length) return [];
      const docs = await Block.find(
        {
          $or: [
            { blockerId: me, blockedId: trusted({ $in: ids }) },
            { blockedId: me, blockerId: trusted({ $in: ids }) },
          ],
        },
        { blockerId: 1, blockedId: 1 },
      ).lean<Pick<BlockDoc, 'blockerId' | 'blockedId'>[]>();
      return [...new Set(docs.map((d) => (d.blockerId === me ? d.blockedId : d.blockerId)))];
    },
    async listBlocked(blockerId) {
      const docs = await Block.find({ blockerId: String(blockerId) })
        .sort({ createdAt: -1, blockedId: 1 })
        .lean<BlockDoc[]>();
      return docs.map((d) => d.blockedId);
    },
  };
}
