import type { Database } from 'better-sqlite3';
import type { DiscoveryRecord, DiscoveryRepo } from '../ports.ts';
import { dateOf } from './sqlite-util.ts';

type DiscoveryRow = { user_id: string; email_hash: string; created_at: number };

const toRecord = (r: DiscoveryRow): DiscoveryRecord => ({
  userId: r.user_id,
  emailHash: r.email_hash,
  createdAt: dateOf(r.created_at),
});

export function createSqliteDiscoveryRepo(db: Database): DiscoveryRepo {
  const upsert = db.prepare<[string, string, number]>(
    `INSERT INTO discovery_hashes (user_id, email_hash, created_at) VALUES (?, ?, ?)
     ON CONFLICT (user_id) DO UPDATE SET email_hash = excluded.email_hash`,
  );
  const one = db.prepare<[string], DiscoveryRow>('SELECT * FROM discovery_hashes WHERE user_id = ?');
  const remove = db.prepare<[string]>('DELETE FROM discovery_hashes WHERE user_id = ?');
  const match = db.prepare<[string], DiscoveryRow>(
    'SELECT * FROM discovery_hashes WHERE email_hash IN (SELECT value FROM json_each(?)) ORDER BY user_id',
  );

  return {
    async set(userId, emailHash, now) {
      upsert.run(userId, emailHash, now.getTime());
      const row = one.get(userId);
      if (!row) throw new Error('sqlite: discovery row missing');
      return toRecord(row);
    },
    async find(userId) {
      const row = one.get(userId);
      return row ? toRecord(row) : null;
    },
    async clear(userId) {
      return remove.run(userId).changes > 0;
    },
    async match(emailHashes) {
      if (!emailHashes.length) return [];
      return match.all(JSON.stringify([...new Set(emailHashes)])).map(toRecord);
    },
  };
}
