import type { Database } from 'better-sqlite3';
import type { SessionRecord, SessionsRepo } from '../ports.ts';
import { date, dateOf } from './sqlite-util.ts';

type SessionRow = {
  id: string;
  user_id: string;
  refresh_token_hash: string;
  previous_token_hash: string | null;
  rotated_at: number | null;
  device_name: string;
  platform: SessionRecord['platform'];
  ip: string | null;
  user_agent: string | null;
  created_at: number;
  last_used_at: number;
  expires_at: number;
  revoked_at: number | null;
};

const toSession = (r: SessionRow): SessionRecord => ({
  id: r.id,
  userId: r.user_id,
  refreshTokenHash: r.refresh_token_hash,
  previousTokenHash: r.previous_token_hash,
  rotatedAt: date(r.rotated_at),
  deviceName: r.device_name,
  platform: r.platform,
  ip: r.ip,
  userAgent: r.user_agent,
  createdAt: dateOf(r.created_at),
  lastUsedAt: dateOf(r.last_used_at),
  expiresAt: dateOf(r.expires_at),
  revokedAt: date(r.revoked_at),
});

export function createSqliteSessionsRepo(db: Database): SessionsRepo {
  const insert = db.prepare(
    `INSERT INTO sessions (id, user_id, refresh_token_hash, device_name, platform, ip, user_agent,
       created_at, last_used_at, expires_at)
     VALUES (@id, @userId, @hash, @deviceName, @platform, @ip, @userAgent, @createdAt, @createdAt, @expiresAt)`,
  );
  const byId = db.prepare('SELECT * FROM sessions WHERE id = ?');
  const byHash = db.prepare(
    `SELECT * FROM sessions WHERE refresh_token_hash = @h
     UNION ALL SELECT * FROM sessions WHERE previous_token_hash = @h LIMIT 1`,
  );
  const rotateStmt = db.prepare(
    `UPDATE sessions SET previous_token_hash = refresh_token_hash, refresh_token_hash = @newHash,
       rotated_at = @now, last_used_at = @now, expires_at = @expiresAt
     WHERE id = @id AND refresh_token_hash = @expected AND revoked_at IS NULL`,
  );
  const touchStmt = db.prepare('UPDATE sessions SET last_used_at = ?, ip = COALESCE(?, ip) WHERE id = ?');
  const revokeStmt = db.prepare('UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL');
  const liveIds = db.prepare(
    'SELECT id FROM sessions WHERE user_id = ? AND revoked_at IS NULL AND expires_at > ? AND id != ?',
  );
  const revokeMany = db.prepare(
    'UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL AND expires_at > ? AND id != ?',
  );
  const active = db.prepare(
    `SELECT * FROM sessions WHERE user_id = ? AND revoked_at IS NULL AND expires_at > ?
     ORDER BY last_used_at DESC, created_at DESC`,
  );

  return {
    async create(s) {
      insert.run({
        id: s.id,
        userId: s.userId,
        hash: s.refreshTokenHash,
        deviceName: s.deviceName,
        platform: s.platform,
        ip: s.ip,
        userAgent: s.userAgent,
        createdAt: s.createdAt.getTime(),
        expiresAt: s.expiresAt.getTime(),
      });
      return toSession(byId.get(s.id) as SessionRow);
    },
    async findById(id) {
      const row = byId.get(id) as SessionRow | undefined;
      return row ? toSession(row) : null;
    },
    async findByTokenHash(hash) {
      const row = byHash.get({ h: hash }) as SessionRow | undefined;
      return row ? toSession(row) : null;
    },
    async rotate(id, expectedHash, newHash, now, newExpiresAt) {
      const info = rotateStmt.run({
        id,
        expected: expectedHash,
        newHash,
        now: now.getTime(),
        expiresAt: newExpiresAt.getTime(),
      });
      return info.changes === 1;
    },
    async touch(id, now, ip) {
      touchStmt.run(now.getTime(), ip, id);
    },
    async revoke(id, now) {
      revokeStmt.run(now.getTime(), id);
    },
    async revokeAllForUser(userId, now, exceptId) {
      const t = now.getTime();
      return db.transaction(() => {
        const ids = (liveIds.all(userId, t, exceptId ?? '') as { id: string }[]).map((r) => r.id);
        revokeMany.run(t, userId, t, exceptId ?? '');
        return ids;
      })();
    },
    async listActive(userId, now) {
      return (active.all(userId, now.getTime()) as SessionRow[]).map(toSession);
    },
  };
}
