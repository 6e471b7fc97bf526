import type { SpaceJoinPolicy, SpaceRole } from '@charla/shared-types';
import type { Database } from 'better-sqlite3';
import { DuplicateKeyError } from '../errors.ts';
import type { SpaceInviteRecord, SpaceMembershipRecord, SpacePatch, SpaceRecord, SpacesRepo } from '../ports.ts';
import { date, dateOf, ms, rethrowUnique } from './sqlite-util.ts';

type SpaceRow = {
  id: string;
  slug: string;
  name: string;
  icon: string | null;
  accent_color: string | null;
  join_policy: SpaceJoinPolicy;
  join_domains: string;
  default_language: string | null;
  retention_days: number | null;
  edit_window_seconds: number | null;
  members_may_create_channels: number;
  mongo_uri: string | null;
  created_by: string;
  created_at: number;
  delete_after: number | null;
};
type MemberRow = { space_id: string; user_id: string; role: SpaceRole; joined_at: number };
type InviteRow = {
  code: string;
  space_id: string;
  created_by: string;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
};

const toSpace = (r: SpaceRow): SpaceRecord => ({
  id: r.id,
  slug: r.slug,
  name: r.name,
  icon: r.icon,
  accentColor: r.accent_color,
  joinPolicy: r.join_policy,
  joinDomains: JSON.parse(r.join_domains) as string[],
  defaultLanguage: r.default_language,
  retentionDays: r.retention_days,
  editWindowSeconds: r.edit_window_seconds,
  membersMayCreateChannels: r.members_may_create_channels === 1,
  mongoUri: r.mongo_uri,
  createdBy: r.created_by,
  createdAt: dateOf(r.created_at),
  deleteAfter: date(r.delete_after),
});
const toMember = (r: MemberRow): SpaceMembershipRecord => ({
  spaceId: r.space_id,
  userId: r.user_id,
  role: r.role,
  joinedAt: dateOf(r.joined_at),
});
const toInvite = (r: InviteRow): SpaceInviteRecord => ({
  code: r.code,
  spaceId: r.space_id,
  createdBy: r.created_by,
  createdAt: dateOf(r.created_at),
  expiresAt: date(r.expires_at),
  revokedAt: date(r.revoked_at),
});

/** Column for each patchable field, with its SQLite encoding. */
const patchColumns: { [K in keyof Required<SpacePatch>]: [string, (v: Required<SpacePatch>[K]) => unknown] } = {
  name: ['name', (v) => v],
  icon: ['icon', (v) => v],
  accentColor: ['accent_color', (v) => v],
  joinPolicy: ['join_policy', (v) => v],
  joinDomains: ['join_domains', (v) => JSON.stringify(v)],
  defaultLanguage: ['default_language', (v) => v],
  retentionDays: ['retention_days', (v) => v],
  editWindowSeconds: ['edit_window_seconds', (v) => v],
  membersMayCreateChannels: ['members_may_create_channels', (v) => Number(v)],
  mongoUri: ['mongo_uri', (v) => v],
  deleteAfter: ['delete_after', (v) => ms(v)],
};

export function createSqliteSpacesRepo(db: Database): SpacesRepo {
  const insert = db.prepare(
    `INSERT INTO spaces (id, slug, name, icon, accent_color, join_policy, join_domains, default_language,
       retention_days, edit_window_seconds, members_may_create_channels, mongo_uri, created_by, created_at, delete_after)
     VALUES (@id, @slug, @name, @icon, @accent_color, @join_policy, @join_domains, @default_language,
       @retention_days, @edit_window_seconds, @members_may_create_channels, @mongo_uri, @created_by, @created_at, @delete_after)`,
  );
  const byId = db.prepare<[string], SpaceRow>('SELECT * FROM spaces WHERE id = ?');
  const bySlug = db.prepare<[string], SpaceRow>('SELECT * FROM spaces WHERE slug = ?');
  const remove = db.prepare<[string]>('DELETE FROM spaces WHERE id = ?');
  const due = db.prepare<[number, number], SpaceRow>(
    'SELECT * FROM spaces WHERE delete_after IS NOT NULL AND delete_after <= ? ORDER BY delete_after LIMIT ?',
  );
  const withRetention = db.prepare<[string, number], SpaceRow>(
    `SELECT * FROM spaces INDEXED BY spaces_retention
     WHERE retention_days IS NOT NULL AND delete_after IS NULL AND id > ? ORDER BY id LIMIT ?`,
  );
  const count = db.prepare<[], number>('SELECT COUNT(*) FROM spaces').pluck();
  const page = db.prepare<[string, number], SpaceRow>('SELECT * FROM spaces WHERE id > ? ORDER BY id LIMIT ?');
  const addMember = db.prepare<[string, string, string, number]>(
    'INSERT OR IGNORE INTO space_members (space_id, user_id, role, joined_at) VALUES (?, ?, ?, ?)',
  );
  const member = db.prepare<[string, string], MemberRow>(
    'SELECT * FROM space_members WHERE space_id = ? AND user_id = ?',
  );
  const setRole = db.prepare<[string, string, string]>(
    'UPDATE space_members SET role = ? WHERE space_id = ? AND user_id = ?',
  );
  const removeMember = db.prepare<[string, string]>('DELETE FROM space_members WHERE space_id = ? AND user_id = ?');
  const members = db.prepare<[string, number, string, number], MemberRow>(
    `SELECT * FROM space_members WHERE space_id = ? AND (joined_at, user_id) > (?, ?)
     ORDER BY joined_at, user_id LIMIT ?`,
  );
  const countMembers = db.prepare<[string], number>('SELECT COUNT(*) FROM space_members WHERE space_id = ?').pluck();
  const forUser = db.prepare<[string], SpaceRow & { m_role: SpaceRole; m_joined_at: number }>(
    `SELECT s.*, m.role AS m_role, m.joined_at AS m_joined_at FROM space_members m
     JOIN spaces s ON s.id = m.space_id WHERE m.user_id = ? ORDER BY m.joined_at, s.id`,
  );
  const among = db
    .prepare<[string, string], string>(
      'SELECT user_id FROM space_members WHERE space_id = ? AND user_id IN (SELECT value FROM json_each(?))',
    )
    .pluck();
  const insertInvite = db.prepare<[string, string, string, number, number | null]>(
    'INSERT INTO space_invites (code, space_id, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?)',
  );
  const invite = db.prepare<[string], InviteRow>('SELECT * FROM space_invites WHERE code = ?');
  const invites = db.prepare<[string], InviteRow>(
    'SELECT * FROM space_invites WHERE space_id = ? ORDER BY created_at DESC, code',
  );
  const revoke = db.prepare<[number, string]>(
    'UPDATE space_invites SET revoked_at = ? WHERE code = ? AND revoked_at IS NULL',
  );

  const create = db.transaction((s: SpaceRecord) => {
    insert.run({
      id: s.id,
      slug: s.slug,
      name: s.name,
      icon: s.icon,
      accent_color: s.accentColor,
      join_policy: s.joinPolicy,
      join_domains: JSON.stringify(s.joinDomains),
      default_language: s.defaultLanguage,
      retention_days: s.retentionDays,
      edit_window_seconds: s.editWindowSeconds,
      members_may_create_channels: Number(s.membersMayCreateChannels),
      mongo_uri: s.mongoUri,
      created_by: s.createdBy,
      created_at: s.createdAt.getTime(),
      delete_after: ms(s.deleteAfter),
    });
    addMember.run(s.id, s.createdBy, 'owner', s.createdAt.getTime());
  });

  return {
    async create(space) {
      try {
        create(space);
      } catch (err) {
        if ((err as { code?: unknown }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new DuplicateKeyError('id');
        rethrowUnique(err, { slug: 'slug', id: 'id' });
      }
      return space;
    },
    async findById(id) {
      const r = byId.get(id);
      return r ? toSpace(r) : null;
    },
    async findBySlug(slug) {
      const r = bySlug.get(slug);
      return r ? toSpace(r) : null;
    },
    async update(id, patch) {
      const sets: string[] = [];
      const values: unknown[] = [];
      for (const [key, value] of Object.entries(patch) as [keyof SpacePatch, never][]) {
        if (value === undefined) continue;
        const [column, encode] = patchColumns[key] as [string, (v: never) => unknown];
        sets.push(`${column} = ?`);
        values.push(encode(value));
      }
      if (sets.length) db.prepare(`UPDATE spaces SET ${sets.join(', ')} WHERE id = ?`).run(...values, id);
      const r = byId.get(id);
      return r ? toSpace(r) : null;
    },
    async remove(id) {
      return remove.run(id).changes > 0;
    },
    async listDueForDeletion(now, limit) {
      return due.all(now.getTime(), limit).map(toSpace);
    },
    async listWithRetention(afterId, limit) {
      return withRetention.all(afterId ?? '', limit).map(toSpace);
    },
    async count() {
      return count.get() ?? 0;
    },
    async list(afterId, limit) {
      return page.all(afterId ?? '', limit).map(toSpace);
    },
    async addMember(m) {
      return addMember.run(m.spaceId, m.userId, m.role, m.joinedAt.getTime()).changes > 0;
    },
    async findMember(spaceId, userId) {
      const r = member.get(spaceId, userId);
      return r ? toMember(r) : null;
    },
    async setMemberRole(spaceId, userId, role) {
      return setRole.run(role, spaceId, userId).changes > 0;
    },
    async removeMember(spaceId, userId) {
      return removeMember.run(spaceId, userId).changes > 0;
    },
    async listMembers(spaceId, limit, after) {
      return members.all(spaceId, after ? after.joinedAt.getTime() : -1, after?.userId ?? '', limit).map(toMember);
    },
    async countMembers(spaceId) {
      return countMembers.get(spaceId) ?? 0;
    },
    async listForUser(userId) {
      return forUser.all(userId).map((r) => ({
        space: toSpace(r),
        membership: { spaceId: r.id, userId, role: r.m_role, joinedAt: dateOf(r.m_joined_at) },
      }));
    },
    async membersAmong(spaceId, userIds) {
      return userIds.length ? among.all(spaceId, JSON.stringify(userIds)) : [];
    },
    async createInvite(i) {
      try {
        insertInvite.run(i.code, i.spaceId, i.createdBy, i.createdAt.getTime(), ms(i.expiresAt));
      } catch (err) {
        // The code is the primary key: SQLite reports it as such, not as a UNIQUE index.
        if ((err as { code?: unknown }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new DuplicateKeyError('code');
        rethrowUnique(err, { code: 'code' });
      }
      return { ...i, revokedAt: null };
    },
    async findInvite(code) {
      const r = invite.get(code);
      return r ? toInvite(r) : null;
    },
    async listInvites(spaceId) {
      return invites.all(spaceId).map(toInvite);
    },
    async revokeInvite(code, now) {
      return revoke.run(now.getTime(), code).changes > 0;
    },
  };
}
