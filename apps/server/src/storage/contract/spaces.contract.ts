import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DuplicateKeyError, type SpaceRecord, type Storage, type UserRecord } from '../ports.ts';
import { spaceRecord } from './space-scoped.ts';

/**
 * The space registry (SpacesRepo): spaces, memberships and invite links, kept in the home database
 * with the accounts. `open` returns a fresh, empty storage; the runner files call this per adapter.
 */
export function spacesContract(open: () => Promise<Storage>): void {
  describe('spaces registry', () => spacesCases(open));
}

function spacesCases(open: () => Promise<Storage>): void {
  let s: Storage;
  let ana: UserRecord;
  let ben: UserRecord;
  let cy: UserRecord;
  const t0 = new Date('2026-05-01T00:00:00.000Z');
  const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
  const newUser = (name: string) =>
    s.users.create({
      email: `${name}-${randomUUID().slice(0, 8)}@example.com`,
      username: `${name}_${randomUUID().slice(0, 8)}`,
      displayName: name,
      passwordHash: null,
      role: 'user',
    });
  const space = (over: Partial<SpaceRecord> = {}): SpaceRecord => spaceRecord(ana.id, { createdAt: t0, ...over });

  beforeEach(async () => {
    s = await open();
    [ana, ben, cy] = [await newUser('ana'), await newUser('ben'), await newUser('cy')];
  });
  afterEach(async () => {
    await s.close();
  });

  it('creates a space with every setting and its creator as owner; finds it by id and slug', async () => {
    const full = space({
      slug: 'book-club',
      name: 'Book Club',
      icon: '📚',
      accentColor: '#aa3300',
      joinPolicy: 'domain',
      joinDomains: ['example.com', 'school.edu'],
      defaultLanguage: 'es',
      retentionDays: 30,
      editWindowSeconds: 900,
      membersMayCreateChannels: false,
      mongoUri: 'mongodb://db.example.internal/club',
    });
    expect(await s.spaces.create(full)).toEqual(full);
    expect(await s.spaces.findById(full.id)).toEqual(full);
    expect(await s.spaces.findBySlug('book-club')).toEqual(full);
    expect(await s.spaces.findById('missing')).toBeNull();
    expect(await s.spaces.findBySlug('missing')).toBeNull();
    expect(await s.spaces.findMember(full.id, ana.id)).toEqual({
      spaceId: full.id,
      userId: ana.id,
      role: 'owner',
      joinedAt: t0,
    });
    expect(await s.spaces.count()).toBe(1);
    expect(await s.spaces.countMembers(full.id)).toBe(1);
  });

  it('keeps slugs unique: a taken slug is a DuplicateKeyError naming the slug, and nothing is half made', async () => {
    const first = await s.spaces.create(space({ slug: 'taken' }));
    const err = await s.spaces.create(space({ slug: 'taken', createdBy: ben.id })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DuplicateKeyError);
    expect((err as DuplicateKeyError).field).toBe('slug');
    expect(await s.spaces.count()).toBe(1);
    expect((await s.spaces.findBySlug('taken'))?.id).toBe(first.id);
    expect(await s.spaces.listForUser(ben.id)).toEqual([]);
    const sameId = await s.spaces.create(space({ id: first.id, createdBy: ben.id })).catch((e: unknown) => e);
    expect(sameId).toBeInstanceOf(DuplicateKeyError);
    expect((sameId as DuplicateKeyError).field).toBe('id');
    expect(await s.spaces.count()).toBe(1);
  });

  it('updates only the fields given, clears with null, and answers null for an unknown space', async () => {
    const sp = await s.spaces.create(space({ retentionDays: 7, icon: '🎲' }));
    const updated = await s.spaces.update(sp.id, {
      name: 'Renamed',
      joinDomains: ['a.example'],
      membersMayCreateChannels: false,
      retentionDays: null,
      deleteAfter: at(60),
    });
    expect(updated).toEqual({
      ...sp,
      name: 'Renamed',
      joinDomains: ['a.example'],
      membersMayCreateChannels: false,
      retentionDays: null,
      deleteAfter: at(60),
    });
    expect(await s.spaces.findById(sp.id)).toEqual(updated);
    expect(await s.spaces.update(sp.id, { deleteAfter: null })).toEqual({ ...updated, deleteAfter: null });
    expect(await s.spaces.update(sp.id, {})).toEqual({ ...updated, deleteAfter: null });
    expect(await s.spaces.update('missing', { name: 'x' })).toBeNull();
  });

  it('adds members once, changes roles, removes them; unknown ones answer false or null', async () => {
    const sp = await s.spaces.create(space());
    expect(await s.spaces.addMember({ spaceId: sp.id, userId: ben.id, role: 'member', joinedAt: at(1) })).toBe(true);
    expect(await s.spaces.addMember({ spaceId: sp.id, userId: ben.id, role: 'admin', joinedAt: at(2) })).toBe(false);
    expect(await s.spaces.findMember(sp.id, ben.id)).toEqual({
      spaceId: sp.id,
      userId: ben.id,
      role: 'member',
      joinedAt: at(1),
    });
    expect(await s.spaces.setMemberRole(sp.id, ben.id, 'admin')).toBe(true);
    expect((await s.spaces.findMember(sp.id, ben.id))?.role).toBe('admin');
    expect(await s.spaces.setMemberRole(sp.id, cy.id, 'admin')).toBe(false);
    expect(await s.spaces.findMember(sp.id, cy.id)).toBeNull();
    expect(await s.spaces.countMembers(sp.id)).toBe(2);
    expect(await s.spaces.removeMember(sp.id, ben.id)).toBe(true);
    expect(await s.spaces.removeMember(sp.id, ben.id)).toBe(false);
    expect(await s.spaces.findMember(sp.id, ben.id)).toBeNull();
    expect(await s.spaces.countMembers(sp.id)).toBe(1);
    // A membership belongs to one space: the same account elsewhere is untouched.
    const other = await s.spaces.create(space({ createdBy: ben.id }));
    expect(await s.spaces.findMember(other.id, ben.id)).not.toBeNull();
    expect(await s.spaces.findMember(sp.id, ben.id)).toBeNull();
  });

  it('lists members oldest first in keyset pages by (joinedAt, userId), ties included', async () => {
    const sp = await s.spaces.create(space());
    const others = [];
    for (let i = 0; i < 7; i++) others.push(await newUser(`m${i}`));
    // Three members join in the same millisecond: the user id breaks the tie.
    for (const [i, u] of others.entries())
      await s.spaces.addMember({ spaceId: sp.id, userId: u.id, role: 'member', joinedAt: at(i < 3 ? 5 : 5 + i) });
    const expected = [
      ana.id,
      ...others
        .slice(0, 3)
        .map((u) => u.id)
        .sort(),
      ...others.slice(3).map((u) => u.id),
    ];
    const seen: string[] = [];
    let after: { joinedAt: Date; userId: string } | undefined;
    for (;;) {
      const page = await s.spaces.listMembers(sp.id, 3, after);
      seen.push(...page.map((m) => m.userId));
      const last = page.at(-1);
      if (page.length < 3 || !last) break;
      after = { joinedAt: last.joinedAt, userId: last.userId };
    }
    expect(seen).toEqual(expected);
    expect((await s.spaces.listMembers(sp.id, 1))[0]).toEqual({
      spaceId: sp.id,
      userId: ana.id,
      role: 'owner',
      joinedAt: t0,
    });
    expect(await s.spaces.listMembers('missing', 10)).toEqual([]);
  });

  it("lists an account's spaces, oldest membership first, with its role, pending deletion included", async () => {
    const a = await s.spaces.create(space({ name: 'A', createdBy: ben.id, createdAt: at(1) }));
    const b = await s.spaces.create(space({ name: 'B', createdAt: at(2) }));
    const c = await s.spaces.create(space({ name: 'C', createdBy: cy.id, createdAt: at(3) }));
    await s.spaces.addMember({ spaceId: a.id, userId: ana.id, role: 'admin', joinedAt: at(10) });
    await s.spaces.update(b.id, { deleteAfter: at(100) });
    const mine = await s.spaces.listForUser(ana.id);
    expect(mine.map((m) => [m.space.name, m.membership.role])).toEqual([
      ['B', 'owner'],
      ['A', 'admin'],
    ]);
    expect(mine[0]?.space.deleteAfter).toEqual(at(100));
    expect(mine[1]?.membership).toEqual({ spaceId: a.id, userId: ana.id, role: 'admin', joinedAt: at(10) });
    expect((await s.spaces.listForUser(cy.id)).map((m) => m.space.id)).toEqual([c.id]);
    expect(await s.spaces.listForUser('missing')).toEqual([]);
  });

  it('tells which of some accounts are members of a space (and of no other)', async () => {
    const sp = await s.spaces.create(space());
    const other = await s.spaces.create(space({ createdBy: cy.id }));
    await s.spaces.addMember({ spaceId: sp.id, userId: ben.id, role: 'member', joinedAt: at(1) });
    expect((await s.spaces.membersAmong(sp.id, [ana.id, ben.id, cy.id, 'missing'])).sort()).toEqual(
      [ana.id, ben.id].sort(),
    );
    expect(await s.spaces.membersAmong(other.id, [ana.id, ben.id, cy.id])).toEqual([cy.id]);
    expect(await s.spaces.membersAmong(sp.id, [])).toEqual([]);
    expect(await s.spaces.membersAmong('missing', [ana.id])).toEqual([]);
  });

  it('creates invites (codes unique), finds, lists newest first and revokes them once', async () => {
    const sp = await s.spaces.create(space());
    const other = await s.spaces.create(space({ createdBy: ben.id }));
    const first = await s.spaces.createInvite({
      code: 'code-one-1234',
      spaceId: sp.id,
      createdBy: ana.id,
      createdAt: at(1),
      expiresAt: at(3600),
      revokedAt: null,
    });
    expect(first).toEqual({
      code: 'code-one-1234',
      spaceId: sp.id,
      createdBy: ana.id,
      createdAt: at(1),
      expiresAt: at(3600),
      revokedAt: null,
    });
    const second = await s.spaces.createInvite({ ...first, code: 'code-two-1234', createdAt: at(2), expiresAt: null });
    await s.spaces.createInvite({ ...first, code: 'code-other-12', spaceId: other.id, createdBy: ben.id });
    const dup = await s.spaces.createInvite({ ...first, spaceId: other.id }).catch((e: unknown) => e);
    expect(dup).toBeInstanceOf(DuplicateKeyError);
    expect(await s.spaces.findInvite('code-one-1234')).toEqual(first);
    expect(await s.spaces.findInvite('missing')).toBeNull();
    expect((await s.spaces.listInvites(sp.id)).map((i) => i.code)).toEqual([second.code, first.code]);
    expect(await s.spaces.revokeInvite(first.code, at(5))).toBe(true);
    expect(await s.spaces.revokeInvite(first.code, at(6))).toBe(false);
    expect(await s.spaces.revokeInvite('missing', at(6))).toBe(false);
    expect((await s.spaces.findInvite(first.code))?.revokedAt).toEqual(at(5));
    expect((await s.spaces.findInvite('code-other-12'))?.revokedAt).toBeNull();
  });

  it('lists spaces whose deletion is due, soonest first, up to the limit', async () => {
    const soon = await s.spaces.create(space({ deleteAfter: at(10) }));
    const sooner = await s.spaces.create(space({ deleteAfter: at(5) }));
    const later = await s.spaces.create(space({ deleteAfter: at(100) }));
    await s.spaces.create(space());
    expect((await s.spaces.listDueForDeletion(at(4), 10)).map((x) => x.id)).toEqual([]);
    expect((await s.spaces.listDueForDeletion(at(10), 10)).map((x) => x.id)).toEqual([sooner.id, soon.id]);
    expect((await s.spaces.listDueForDeletion(at(1000), 2)).map((x) => x.id)).toEqual([sooner.id, soon.id]);
    expect((await s.spaces.listDueForDeletion(at(1000), 10)).map((x) => x.id)).toEqual([sooner.id, soon.id, later.id]);
    // Restored: no longer due.
    await s.spaces.update(sooner.id, { deleteAfter: null });
    expect((await s.spaces.listDueForDeletion(at(1000), 10)).map((x) => x.id)).toEqual([soon.id, later.id]);
  });

  it('lists live spaces with a retention period in keyset pages by id', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await s.spaces.create(space({ retentionDays: 10 + i }))).id);
    await s.spaces.create(space());
    const dying = await s.spaces.create(space({ retentionDays: 3, deleteAfter: at(50) }));
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: SpaceRecord[] = await s.spaces.listWithRetention(after, 2);
      seen.push(...page.map((x) => x.id));
      if (page.length < 2) break;
      after = page.at(-1)?.id ?? null;
    }
    expect(seen).toEqual([...ids].sort());
    expect(seen).not.toContain(dying.id);
    const one = (await s.spaces.listWithRetention(null, 100)).find((x) => x.id === ids[2]);
    expect(one?.retentionDays).toBe(12);
  });

  it('removes a space with its memberships and invites, and nothing of other spaces', async () => {
    const gone = await s.spaces.create(space());
    const kept = await s.spaces.create(space({ createdBy: ben.id }));
    await s.spaces.addMember({ spaceId: gone.id, userId: ben.id, role: 'member', joinedAt: at(1) });
    await s.spaces.addMember({ spaceId: kept.id, userId: ana.id, role: 'member', joinedAt: at(1) });
    const base = { createdBy: ana.id, createdAt: at(1), expiresAt: null, revokedAt: null };
    await s.spaces.createInvite({ ...base, code: 'gone-invite-1', spaceId: gone.id });
    await s.spaces.createInvite({ ...base, code: 'kept-invite-1', spaceId: kept.id, createdBy: ben.id });
    expect(await s.spaces.remove(gone.id)).toBe(true);
    expect(await s.spaces.remove(gone.id)).toBe(false);
    expect(await s.spaces.findById(gone.id)).toBeNull();
    expect(await s.spaces.findMember(gone.id, ana.id)).toBeNull();
    expect(await s.spaces.findMember(gone.id, ben.id)).toBeNull();
    expect(await s.spaces.countMembers(gone.id)).toBe(0);
    expect(await s.spaces.findInvite('gone-invite-1')).toBeNull();
    expect(await s.spaces.listInvites(gone.id)).toEqual([]);
    expect((await s.spaces.listForUser(ana.id)).map((m) => m.space.id)).toEqual([kept.id]);
    expect((await s.spaces.listForUser(ben.id)).map((m) => m.space.id)).toEqual([kept.id]);
    expect(await s.spaces.countMembers(kept.id)).toBe(2);
    expect(await s.spaces.findInvite('kept-invite-1')).not.toBeNull();
    expect(await s.spaces.count()).toBe(1);
    // The slug is free again.
    expect((await s.spaces.create(space({ slug: gone.slug }))).slug).toBe(gone.slug);
  });
}
