import { randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { IdentitiesRepo, IdentityRecord } from '../ports.ts';
import { dateOf, required, rethrowUnique } from './sqlite-util.ts';

type IdentityRow = {
  id: string;
  provider: string;
  subject: string;
  user_id: string;
  email: string | null;
  account_name: string | null;
  created_at: number;
  last_used_at: number;
};

const toIdentity = (r: IdentityRow): IdentityRecord => ({
  id: r.id,
  provider: r.provider,
  subject: r.subject,
  userId: r.user_id,
  email: r.email,
  accountName: r.account_name,
  createdAt: dateOf(r.created_at),
  lastUsedAt: dateOf(r.last_used_at),
});

export function createSqliteIdentitiesRepo(db: Database): IdentitiesRepo {
  const insert = db.prepare<[string, string, string, string, string | null, string | null, number, number]>(
    `INSERT INTO identities (id, provider, subject, user_id, email, account_name, created_at, last_used_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const byId = db.prepare<[string], IdentityRow>('SELECT * FROM identities WHERE id = ?');
  const byKey = db.prepare<[string, string], IdentityRow>(
    'SELECT * FROM identities WHERE provider = ? AND subject = ?',
  );
  const byUser = db.prepare<[string], IdentityRow>(
    'SELECT * FROM identities WHERE user_id = ? ORDER BY created_at, id',
  );
  const touchStmt = db.prepare<[number, string | null, string]>(
    'UPDATE identities SET last_used_at = ?, account_name = coalesce(?, account_name) WHERE id = ?',
  );
  const removeStmt = db.prepare<[string, string]>('DELETE FROM identities WHERE provider = ? AND subject = ?');

  return {
    async create(identity) {
      const id = randomUUID();
      const at = identity.now.getTime();
      try {
        insert.run(
          id,
          identity.provider,
          identity.subject,
          identity.userId,
          identity.email,
          identity.accountName ?? null,
          at,
          at,
        );
      } catch (err) {
        // The only unique key is the (provider, subject) pair; SQLite names its columns.
        rethrowUnique(err, { provider: 'identity', subject: 'identity' });
      }
      return toIdentity(required(byId.get(id), 'identity just created'));
    },
    async find(provider, subject) {
      const row = byKey.get(provider, subject);
      return row ? toIdentity(row) : null;
    },
    async listByUser(userId) {
      return byUser.all(userId).map(toIdentity);
    },
    async touch(id, now, accountName) {
      touchStmt.run(now.getTime(), accountName ?? null, id);
    },
    async remove(provider, subject) {
      return removeStmt.run(provider, subject).changes > 0;
    },
  };
}
