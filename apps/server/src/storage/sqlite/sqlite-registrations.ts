import type { Database } from 'better-sqlite3';
import type { PendingRegistrationRecord, PendingRegistrationsRepo } from '../ports.ts';
import { dateOf } from './sqlite-util.ts';

type Row = {
  email: string;
  existing_user_id: string | null;
  username: string | null;
  display_name: string;
  password_hash: string;
  code_hash: string;
  link_token_hash: string;
  attempts: number;
  sent_at: number;
  expires_at: number;
};

const toRecord = (r: Row): PendingRegistrationRecord => ({
  email: r.email,
  existingUserId: r.existing_user_id,
  username: r.username,
  displayName: r.display_name,
  passwordHash: r.password_hash,
  codeHash: r.code_hash,
  linkTokenHash: r.link_token_hash,
  attempts: r.attempts,
  sentAt: dateOf(r.sent_at),
  expiresAt: dateOf(r.expires_at),
});

export function createSqliteRegistrationsRepo(db: Database): PendingRegistrationsRepo {
  const upsert = db.prepare(
    `INSERT INTO pending_registrations (email, existing_user_id, username, display_name, password_hash, code_hash,
       link_token_hash, attempts, sent_at, expires_at)
     VALUES (@email, @existingUserId, @username, @displayName, @passwordHash, @codeHash, @linkTokenHash, @attempts,
       @sentAt, @expiresAt)
     ON CONFLICT (email) DO UPDATE SET existing_user_id = excluded.existing_user_id, username = excluded.username,
       display_name = excluded.display_name, password_hash = excluded.password_hash, code_hash = excluded.code_hash,
       link_token_hash = excluded.link_token_hash, attempts = excluded.attempts, sent_at = excluded.sent_at,
       expires_at = excluded.expires_at`,
  );
  const byEmail = db.prepare<[string], Row>('SELECT * FROM pending_registrations WHERE email = ?');
  const byLink = db.prepare<[string], Row>('SELECT * FROM pending_registrations WHERE link_token_hash = ?');
  const fail = db.prepare<[string], { attempts: number }>(
    'UPDATE pending_registrations SET attempts = attempts + 1 WHERE email = ? RETURNING attempts',
  );
  // DELETE … RETURNING: checking and burning happen in one statement, so two requests cannot both win.
  const takeCode = db.prepare<{ email: string; hash: string; now: number; max: number }, Row>(
    `DELETE FROM pending_registrations
     WHERE email = @email AND code_hash = @hash AND expires_at > @now AND attempts < @max AND existing_user_id IS NULL
     RETURNING *`,
  );
  const takeLink = db.prepare<{ hash: string; now: number }, Row>(
    `DELETE FROM pending_registrations
     WHERE link_token_hash = @hash AND expires_at > @now AND existing_user_id IS NULL RETURNING *`,
  );
  const remove = db.prepare<[string]>('DELETE FROM pending_registrations WHERE email = ?');
  const removeExpired = db.prepare<[number]>('DELETE FROM pending_registrations WHERE expires_at <= ?');
  return {
    async put(r) {
      upsert.run({
        email: r.email,
        existingUserId: r.existingUserId,
        username: r.username,
        displayName: r.displayName,
        passwordHash: r.passwordHash,
        codeHash: r.codeHash,
        linkTokenHash: r.linkTokenHash,
        attempts: r.attempts ?? 0,
        sentAt: r.sentAt.getTime(),
        expiresAt: r.expiresAt.getTime(),
      });
    },
    async find(email) {
      const row = byEmail.get(email);
      return row ? toRecord(row) : null;
    },
    async findByLinkToken(linkTokenHash) {
      const row = byLink.get(linkTokenHash);
      return row ? toRecord(row) : null;
    },
    async addFailedAttempt(email) {
      const row = fail.get(email);
      return row?.attempts ?? 0;
    },
    async takeByCode(email, codeHash, now, maxAttempts) {
      const row = takeCode.get({ email, hash: codeHash, now: now.getTime(), max: maxAttempts });
      return row ? toRecord(row) : null;
    },
    async takeByLinkToken(linkTokenHash, now) {
      const row = takeLink.get({ hash: linkTokenHash, now: now.getTime() });
      return row ? toRecord(row) : null;
    },
    async delete(email) {
      remove.run(email);
    },
    async deleteExpired(now) {
      return removeExpired.run(now.getTime()).changes;
    },
  };
}
