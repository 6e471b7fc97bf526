import type { Connection } from 'mongoose';
import { DAY_MS, dayKey, dayRange, type StatsDayRecord, type StatsRepo } from '../ports.ts';
import type { ExtraIndex } from './mongo-indexes.ts';

type Row = { _id: number; n: number; bytes?: number };

/** Day number (ms / DAY_MS, floored) of a date field, as an aggregation expression. */
const dayOf = (field: string) => ({ $floor: { $divide: [{ $toLong: `$${field}` }, DAY_MS] } });

/**
 * The indexes these queries need on collections other repos own; created at start-up with the
 * models' own (ensureIndexes), where a failure stops the server naming the index.
 */
export const STATS_INDEXES: readonly ExtraIndex[] = [
  { collection: 'users', keys: { createdAt: 1 } },
  { collection: 'users', keys: { lastSeenAt: 1 } },
  // Counting live users reads only these index entries (COUNT_SCAN).
  { collection: 'users', keys: { deletedAt: 1 } },
  { collection: 'sessions', keys: { lastUsedAt: 1, userId: 1 } },
  { collection: 'messages', keys: { createdAt: 1, kind: 1, senderId: 1 } },
  // Only system messages are indexed here (few), so "user messages" = all - system stays cheap.
  {
    collection: 'messages',
    keys: { kind: 1 },
    options: { name: 'kind_1_system', partialFilterExpression: { kind: 'system' } },
  },
  { collection: 'conversations', keys: { kind: 1, deletedAt: 1 } },
];

const USER_KINDS = ['text', 'media'];
const CONVERSATION_KINDS = ['direct', 'group', 'channel'] as const;

/**
 * Admin statistics without scanning a collection: totals are index-served counts (COUNT_SCAN) or
 * the collection's own count minus a small indexed subset; windows are range scans over
 * (createdAt, …) indexes that cover the fields they group; distinct users are grouped on the server
 * and streamed (no `distinct`, whose answer must fit in 16 MB).
 */
export function createMongoStatsRepo(conn: Connection): StatsRepo {
  const col = (name: string) => conn.collection(name);

  /** Distinct ids from one indexed range, grouped server-side (spills to disk past its memory limit). */
  async function idsFrom(collection: string, match: Record<string, unknown>, field: string, into: Set<string>) {
    const cursor = col(collection).aggregate<{ _id: unknown }>([{ $match: match }, { $group: { _id: `$${field}` } }], {
      allowDiskUse: true,
    });
    for await (const row of cursor) into.add(String(row._id));
  }

  async function activeSince(since: Date): Promise<number> {
    const ids = new Set<string>();
    await idsFrom('users', { lastSeenAt: { $gte: since } }, '_id', ids);
    await idsFrom('sessions', { lastUsedAt: { $gte: since } }, 'userId', ids);
    await idsFrom('messages', { createdAt: { $gte: since }, kind: { $in: USER_KINDS } }, 'senderId', ids);
    return ids.size;
  }

  async function mediaTotals(): Promise<{ n: number; bytes: number }> {
    // Covered by (createdAt, size): the documents themselves are never read.
    const [row] = await col('media')
      .aggregate<{ n: number; bytes: number }>([
        { $match: { createdAt: { $gte: new Date(0) } } },
        { $group: { _id: null, n: { $sum: 1 }, bytes: { $sum: '$size' } } },
      ])
      .toArray();
    return { n: row?.n ?? 0, bytes: row?.bytes ?? 0 };
  }

  return {
    async overview(now, days) {
      const t = now.getTime();
      const { start, keys } = dayRange(now, days);
      const from = new Date(start);
      const [users, active24h, active7d, kinds, allMessages, systemMessages, media, signups, sent, uploads] =
        await Promise.all([
          col('users').countDocuments({ deletedAt: null }),
          activeSince(new Date(t - DAY_MS)),
          activeSince(new Date(t - 7 * DAY_MS)),
          Promise.all(CONVERSATION_KINDS.map((kind) => col('conversations').countDocuments({ kind, deletedAt: null }))),
          col('messages').estimatedDocumentCount(),
          col('messages').countDocuments({ kind: 'system' }, { hint: 'kind_1_system' }),
          mediaTotals(),
          col('users')
            .aggregate<Row>([
              { $match: { createdAt: { $gte: from } } },
              { $group: { _id: dayOf('createdAt'), n: { $sum: 1 } } },
            ])
            .toArray(),
          // Per day and sender first, then per day: no array of senders that could outgrow a document.
          col('messages')
            .aggregate<Row & { senders: number }>(
              [
                { $match: { createdAt: { $gte: from }, kind: { $in: USER_KINDS } } },
                { $group: { _id: { d: dayOf('createdAt'), s: '$senderId' }, n: { $sum: 1 } } },
                { $group: { _id: '$_id.d', n: { $sum: '$n' }, senders: { $sum: 1 } } },
              ],
              { allowDiskUse: true },
            )
            .toArray(),
          col('media')
            .aggregate<Row>([
              { $match: { createdAt: { $gte: from } } },
              { $group: { _id: dayOf('createdAt'), n: { $sum: 1 }, bytes: { $sum: '$size' } } },
            ])
            .toArray(),
        ]);
      const daily = new Map<string, StatsDayRecord>(
        keys.map((date) => [date, { date, signups: 0, activeUsers: 0, messages: 0, mediaUploads: 0, mediaBytes: 0 }]),
      );
      const at = (d: number) => daily.get(dayKey(d * DAY_MS));
      for (const r of signups) {
        const day = at(r._id);
        if (day) day.signups = r.n;
      }
      for (const r of sent) {
        const day = at(r._id);
        if (day) Object.assign(day, { messages: r.n, activeUsers: r.senders });
      }
      for (const r of uploads) {
        const day = at(r._id);
        if (day) Object.assign(day, { mediaUploads: r.n, mediaBytes: r.bytes ?? 0 });
      }
      const [direct, group, channel] = kinds;
      return {
        users,
        active24h,
        active7d,
        conversations: { direct: direct ?? 0, group: group ?? 0, channel: channel ?? 0 },
        messages: Math.max(0, allMessages - systemMessages),
        mediaCount: media.n,
        mediaBytes: media.bytes,
        daily: [...daily.values()],
      };
    },
  };
}
