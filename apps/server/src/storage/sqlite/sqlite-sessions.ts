import type { Database } from 'better-sqlite3';
import type { SessionRecord, SessionsRepo } from '../ports.ts';
import { date, dateOf, required } from './sqlite-util.ts';

type InsertSession = {
  id: string;
  userId: string;
  hash: string;
  deviceName: string;
  platform: SessionRecord['platform'];
  ip: string | null;
  userAgent: string | null;
  createdAt: number;
  expiresAt: number;
};

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
  const insert = db.prepare<InsertSession>(
    `INSERT INTO sessions (id, user_id, refresh_token_hash, device_name, platform, ip, user_agent,
       created_at, last_used_at, expires_at)
     VALUES (@id, @userId, @hash, @deviceName, @platform, @ip, @userAgent, @createdAt, @createdAt, @expiresAt)`,
  );
  const byId = db.prepare<[string], SessionRow>('SELECT * FROM sessions WHERE id = ?');
  const byHash = db.prepare<{ h: string }, SessionRow>(
    `SELECT * FROM sessions WHERE refresh_token_hash = @h
     UNION ALL SELECT * FROM sessions WHERE previous_token_hash = @h LIMIT 1`,
  );
  const rotateStmt = db.prepare<{ id: string; expected: string; newHash: string; now: number; expiresAt: number }>(
    `UPDATE sessions SET previous_token_hash = refresh_token_hash, refresh_token_hash = @newHash,
       rotated_at = @now, last_used_at = @now, expires_at = @expiresAt
     WHERE id = @id AND refresh_token_hash = @expected AND revoked_at IS NULL`,
  );
  const touchStmt = db.prepare<[number, string | null, string]>(
    'UPDATE sessions SET last_used_at = ?, ip = COALESCE(?, ip) WHERE id = ?',
  );
  const revokeStmt = db.prepare<[number, string]>(
    'UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL',
  );
  const liveIds = db
    .prepare<[string, number, string], string>(
      'SELECT id FROM sessions WHERE user_id = ? AND revoked_at IS NULL AND expires_at > ? AND id != ?',
    )
    .pluck();
  const revokeMany = db.prepare<[number, string, number, string]>(
    'UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL AND expires_at > ? AND id != ?',
  );
  const active = db.prepare<[string, number], SessionRow>(
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
      return toSession(required(byId.get(s.id), 'session just created'));
    },
    async findById(id) {
      const row = byId.get(id);
      return row ? toSession(row) : null;
    },
    async findByTokenHash(hash) {
      const row = byHash.get({ h: hash });
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
        const ids = liveIds.all(userId, t, exceptId ?? '');
        revokeMany.run(t, userId, t, exceptId ?? '');
        return ids;
      })();
    },
    async listActive(userId, now) {
      return active.all(userId, now.getTime()).map(toSession);
    },
  };
}
