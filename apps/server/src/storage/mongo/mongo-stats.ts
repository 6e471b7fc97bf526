import type { Connection } from 'mongoose';
import { DAY_MS, dayKey, dayRange, type StatsDayRecord, type StatsRepo } from '../ports.ts';
import type { ExtraIndex } from './mongo-indexes.ts';

type Row = { _id: number; n: number; senders?: string[]; bytes?: number };

/** Day number (ms / DAY_MS, floored) of a date field, as an aggregation expression. */
const dayOf = (field: string) => ({ $floor: { $divide: [{ $toLong: `$${field}` }, DAY_MS] } });

/**
 * The indexes these queries need on collections other repos own; created at start-up with the
 * models' own (ensureIndexes), where a failure stops the server naming the index.
 */
export const STATS_INDEXES: readonly ExtraIndex[] = [
  { collection: 'users', keys: { createdAt: 1 } },
  { collection: 'users', keys: { lastSeenAt: 1 } },
  { collection: 'sessions', keys: { lastUsedAt: 1, userId: 1 } },
  { collection: 'messages', keys: { createdAt: 1, kind: 1, senderId: 1 } },
  { collection: 'conversations', keys: { kind: 1, deletedAt: 1 } },
];

/** Admin statistics as aggregations that start with an indexed range $match. */
export function createMongoStatsRepo(conn: Connection): StatsRepo {
  const col = (name: string) => conn.collection(name);

  async function activeSince(since: Date): Promise<number> {
    const [seen, sessions, senders] = await Promise.all([
      col('users').distinct('_id', { lastSeenAt: { $gte: since } }),
      col('sessions').distinct('userId', { lastUsedAt: { $gte: since } }),
      col('messages').distinct('senderId', { createdAt: { $gte: since }, kind: { $ne: 'system' } }),
    ]);
    return new Set([...seen, ...sessions, ...senders].map(String)).size;
  }

  return {
    async overview(now, days) {
      const t = now.getTime();
      const { start, keys } = dayRange(now, days);
      const from = new Date(start);
      const [users, active24h, active7d, kinds, messages, media, signups, sent, uploads] = await Promise.all([
        col('users').countDocuments({ deletedAt: null }),
        activeSince(new Date(t - DAY_MS)),
        activeSince(new Date(t - 7 * DAY_MS)),
        col('conversations')
          .aggregate<{ _id: string; n: number }>([
            { $match: { deletedAt: null } },
            { $group: { _id: '$kind', n: { $sum: 1 } } },
          ])
          .toArray(),
        col('messages').countDocuments({ kind: { $ne: 'system' } }),
        col('media')
          .aggregate<{ n: number; bytes: number }>([
            { $group: { _id: null, n: { $sum: 1 }, bytes: { $sum: '$size' } } },
          ])
          .toArray(),
        col('users')
          .aggregate<Row>([
            { $match: { createdAt: { $gte: from } } },
            { $group: { _id: dayOf('createdAt'), n: { $sum: 1 } } },
          ])
          .toArray(),
        col('messages')
          .aggregate<Row>([
            { $match: { createdAt: { $gte: from }, kind: { $ne: 'system' } } },
            { $group: { _id: dayOf('createdAt'), n: { $sum: 1 }, senders: { $addToSet: '$senderId' } } },
          ])
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
        if (day) Object.assign(day, { messages: r.n, activeUsers: r.senders?.length ?? 0 });
      }
      for (const r of uploads) {
        const day = at(r._id);
        if (day) Object.assign(day, { mediaUploads: r.n, mediaBytes: r.bytes ?? 0 });
      }
      const byKind = { direct: 0, group: 0, channel: 0 };
      for (const k of kinds) if (k._id in byKind) byKind[k._id as keyof typeof byKind] = k.n;
      return {
        users,
        active24h,
        active7d,
        conversations: byKind,
        messages,
        mediaCount: media[0]?.n ?? 0,
        mediaBytes: media[0]?.bytes ?? 0,
        daily: [...daily.values()],
      };
    },
  };
}
