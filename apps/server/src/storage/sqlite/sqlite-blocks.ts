import type { Database } from 'better-sqlite3';
import type { BlocksRepo } from '../ports.ts';

export function createSqliteBlocksRepo(db: Database): BlocksRepo {
  const insert = db.prepare<[string, string, number]>(
    'INSERT OR IGNORE INTO blocks (blocker_id, blocked_id, created_at) VALUES (?, ?, ?)',
  );
  const remove = db.prepare<[string, string]>('DELETE FROM blocks WHERE blocker_id = ? AND blocked_id = ?');
  const either = db.prepare<{ a: string; b: string }, 1>(
    `SELECT 1 FROM blocks WHERE (blocker_id = @a AND blocked_id = @b) OR (blocker_id = @b AND blocked_id = @a) LIMIT 1`,
  );
  const among = db
    .prepare<{ me: string; ids: string }, string>(
      `SELECT blocked_id FROM blocks WHERE blocker_id = @me AND blocked_id IN (SELECT value FROM json_each(@ids))
       UNION SELECT blocker_id FROM blocks WHERE blocked_id = @me AND blocker_id IN (SELECT value FROM json_each(@ids))`,
    )
    .pluck();
  const list = db
    .prepare<[string], string>(
      'SELECT blocked_id FROM blocks WHERE blocker_id = ? ORDER BY created_at DESC, blocked_id',
    )
    .pluck();

  return {
    async block(blockerId, blockedId) {
      insert.run(blockerId, blockedId, Date.now());
    },
    async unblock(blockerId, blockedId) {
      remove.run(blockerId, blockedId);
    },
    async isBlockedEitherWay(a, b) {
      return either.get({ a, b }) !== undefined;
    },
    async blockedEitherWayAmong(userId, others) {
      if (!others.length) return [];
      return among.all({ me: userId, ids: JSON.stringify([...new Set(others)]) });
    },
    async listBlocked(blockerId) {
      return list.all(blockerId);
    },
  };
}
