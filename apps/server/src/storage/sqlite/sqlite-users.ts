import { randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { cursorOf, decodeCursor, encodeCursor } from '../cursor.ts';
import type { NewUser, UserPatch, UserRecord, UsersRepo } from '../ports.ts';
import { type CountRow, date, dateOf, likePrefix, ms, required, rethrowUnique } from './sqlite-util.ts';

type UserRow = {
  id: string;
  email: string;
  email_verified_at: number | null;
  username: string;
  display_name: string;
  about: string;
  avatar_url: string | null;
  role: UserRecord['role'];
  password_hash: string | null;
  last_seen_at: number | null;
  last_seen_visibility: UserRecord['lastSeenVisibility'];
  suspended_at: number | null;
  deleted_at: number | null;
  created_at: number;
  preferences: string;
};

const toUser = (r: UserRow): UserRecord => ({
  id: r.id,
  email: r.email,
  emailVerifiedAt: date(r.email_verified_at),
  username: r.username,
  displayName: r.display_name,
  about: r.about,
  avatarUrl: r.avatar_url,
  role: r.role,
  passwordHash: r.password_hash,
  lastSeenAt: date(r.last_seen_at),
  lastSeenVisibility: r.last_seen_visibility,
  suspendedAt: date(r.suspended_at),
  deletedAt: date(r.deleted_at),
  createdAt: dateOf(r.created_at),
  preferences: parsePreferences(r.preferences),
});

function parsePreferences(raw: string): Record<string, unknown> {
  try {
    const v = JSON.parse(raw) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Patch field -> column, and how to store it. */
const columns: { [K in keyof Required<UserPatch>]: [string, (v: UserPatch[K]) => unknown] } = {
  email: ['email', (v) => v],
  emailVerifiedAt: ['email_verified_at', (v) => ms(v)],
  username: ['username', (v) => v],
  displayName: ['display_name', (v) => v],
  about: ['about', (v) => v],
  avatarUrl: ['avatar_url', (v) => v],
  role: ['role', (v) => v],
  passwordHash: ['password_hash', (v) => v],
  lastSeenAt: ['last_seen_at', (v) => ms(v)],
  lastSeenVisibility: ['last_seen_visibility', (v) => v],
  suspendedAt: ['suspended_at', (v) => ms(v)],
  deletedAt: ['deleted_at', (v) => ms(v)],
  preferences: ['preferences', (v) => JSON.stringify(v ?? {})],
};

const unique = { email: 'email', username: 'username' };
const isSearchCursor = cursorOf('string');

export function createSqliteUsersRepo(db: Database): UsersRepo {
  const insert = db.prepare<[string, string, number | null, string, string, UserRow['role'], string | null, number]>(
    `INSERT INTO users (id, email, email_verified_at, username, display_name, role, password_hash, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const byId = db.prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?');
  const byIds = db.prepare<[string], UserRow>('SELECT * FROM users WHERE id IN (SELECT value FROM json_each(?))');
  const byEmail = db.prepare<[string], UserRow>('SELECT * FROM users WHERE email = ?');
  const byUsername = db.prepare<[string], UserRow>('SELECT * FROM users WHERE username = ?');
  const countAll = db.prepare<[], CountRow>('SELECT COUNT(*) AS n FROM users');
  const countAdmins = db.prepare<[], CountRow>(
    "SELECT COUNT(*) AS n FROM users WHERE role = 'admin' AND suspended_at IS NULL AND deleted_at IS NULL",
  );
  // Ordered by username (unique, NOCASE) so the cursor is simply the last username seen.
  const searchStmt = db.prepare<
    { q: string; excludeId: string; after: string; matchEmail: 0 | 1; limit: number },
    UserRow
  >(
    `SELECT * FROM users
     WHERE deleted_at IS NULL AND id != @excludeId AND username > @after
       AND (username LIKE @q ESCAPE '\\' OR display_name LIKE @q ESCAPE '\\'
            OR (@matchEmail = 1 AND email LIKE @q ESCAPE '\\'))
     ORDER BY username LIMIT @limit`,
  );

  const findById = async (id: string) => {
    const row = byId.get(id);
    return row ? toUser(row) : null;
  };

  return {
    async create(user: NewUser) {
      const id = randomUUID();
      try {
        insert.run(
          id,
          user.email,
          ms(user.emailVerifiedAt),
          user.username,
          user.displayName,
          user.role,
          user.passwordHash,
          Date.now(),
        );
      } catch (err) {
        rethrowUnique(err, unique);
      }
      return toUser(required(byId.get(id), 'user just created'));
    },
    findById,
    async findByIds(ids) {
      if (!ids.length) return [];
      return byIds.all(JSON.stringify([...new Set(ids.map(String))])).map(toUser);
    },
    async findByEmail(email) {
      const row = byEmail.get(email);
      return row ? toUser(row) : null;
    },
    async findByUsername(username) {
      const row = byUsername.get(username);
      return row ? toUser(row) : null;
    },
    async count() {
      return countAll.get()?.n ?? 0;
    },
    async countActiveAdmins() {
      return countAdmins.get()?.n ?? 0;
    },
    async update(id, patch) {
      const sets: string[] = [];
      const values: unknown[] = [];
      for (const [key, value] of Object.entries(patch)) {
        if (value === undefined || !Object.hasOwn(columns, key)) continue;
        const [column, encode] = columns[key as keyof UserPatch] as [string, (v: unknown) => unknown];
        sets.push(`${column} = ?`);
        values.push(encode(value));
      }
      if (sets.length) {
        try {
          db.prepare(`UPDATE users SET ${sets.join(', ')} WHERE id = ?`).run(...values, id);
        } catch (err) {
          rethrowUnique(err, unique);
        }
      }
      return findById(id);
    },
    async search(q, options) {
      const limit = Math.max(1, Math.min(options.limit, 100));
      const rows = searchStmt.all({
        q: likePrefix(q),
        excludeId: options.excludeId ?? '',
        after: decodeCursor(options.cursor, isSearchCursor)?.[0] ?? '',
        matchEmail: options.matchEmail ? 1 : 0,
        limit: limit + 1,
      });
      const items = rows.slice(0, limit).map(toUser);
      const last = items.at(-1);
      return { items, nextCursor: rows.length > limit && last ? encodeCursor([last.username]) : null };
    },
  };
}
