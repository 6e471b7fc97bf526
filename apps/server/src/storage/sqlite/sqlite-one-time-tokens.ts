import { randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { OneTimeTokenRecord, OneTimeTokensRepo } from '../ports.ts';
import { date, dateOf, required } from './sqlite-util.ts';

type TokenRow = {
  id: string;
  kind: OneTimeTokenRecord['kind'];
  user_id: string;
  token_hash: string;
  expires_at: number;
  used_at: number | null;
  created_at: number;
};

const toToken = (r: TokenRow): OneTimeTokenRecord => ({
  id: r.id,
  kind: r.kind,
  userId: r.user_id,
  tokenHash: r.token_hash,
  expiresAt: dateOf(r.expires_at),
  usedAt: date(r.used_at),
  createdAt: dateOf(r.created_at),
});

export function createSqliteOneTimeTokensRepo(db: Database): OneTimeTokensRepo {
  const insert = db.prepare<[string, TokenRow['kind'], string, string, number, number]>(
    `INSERT INTO one_time_tokens (id, kind, user_id, token_hash, expires_at, created_at)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const byId = db.prepare<[string], TokenRow>('SELECT * FROM one_time_tokens WHERE id = ?');
  // UPDATE ... RETURNING makes "check live and unused, then burn" a single atomic step.
  const consumeStmt = db.prepare<{ kind: TokenRow['kind']; hash: string; now: number }, TokenRow>(
    `UPDATE one_time_tokens SET used_at = @now
     WHERE kind = @kind AND token_hash = @hash AND used_at IS NULL AND expires_at > @now
     RETURNING *`,
  );
  const invalidate = db.prepare<[number, string, TokenRow['kind']]>(
    'UPDATE one_time_tokens SET used_at = ? WHERE user_id = ? AND kind = ? AND used_at IS NULL',
  );

  return {
    async create(t) {
      const id = randomUUID();
      insert.run(id, t.kind, t.userId, t.tokenHash, t.expiresAt.getTime(), Date.now());
      return toToken(required(byId.get(id), 'token just created'));
    },
    async consume(kind, tokenHash, now) {
      const row = consumeStmt.get({ kind, hash: tokenHash, now: now.getTime() });
      return row ? toToken(row) : null;
    },
    async invalidateForUser(userId, kind, now) {
      invalidate.run(now.getTime(), userId, kind);
    },
  };
}
