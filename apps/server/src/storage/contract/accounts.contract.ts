import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DuplicateKeyError, type NewSession, type NewUser, type Storage } from '../ports.ts';

/**
 * Users, sessions, one-time tokens and blocks: the cases every adapter must pass. `open` returns a
 * fresh, empty storage; the runner files (sqlite.contract.test.ts, mongo.contract.test.ts) call this.
 */
export function accountsContract(open: () => Promise<Storage>): void {
  describe('accounts', () => accountsCases(open));
}

function accountsCases(open: () => Promise<Storage>): void {
  let s: Storage;
  beforeEach(async () => {
    s = await open();
  });
  afterEach(async () => {
    await s.close();
  });

  const t0 = new Date('2026-03-01T12:00:00.000Z');
  const at = (ms: number) => new Date(t0.getTime() + ms);
  const newUser = (over: Partial<NewUser> = {}): NewUser => {
    const tag = randomUUID().slice(0, 8);
    return {
      email: `u${tag}@example.com`,
      username: `u_${tag}`,
      displayName: `User ${tag}`,
      passwordHash: 'hash',
      role: 'user',
      ...over,
    };
  };
  const newSession = (userId: string, over: Partial<NewSession> = {}): NewSession => ({
    id: randomUUID(),
    userId,
    refreshTokenHash: `h-${randomUUID()}`,
    deviceName: 'Laptop',
    platform: 'linux',
    ip: '127.0.0.1',
    userAgent: 'test',
    createdAt: t0,
    expiresAt: at(86_400_000),
    ...over,
  });

  describe('users', () => {
    it('creates a user with defaults and finds it by id, email and username (any case)', async () => {
      const u = await s.users.create(newUser({ email: 'ann@example.com', username: 'Ann_Lee', role: 'admin' }));
      expect(u).toMatchObject({
        email: 'ann@example.com',
        username: 'Ann_Lee',
        role: 'admin',
        about: '',
        avatarUrl: null,
        emailVerifiedAt: null,
        lastSeenAt: null,
        lastSeenVisibility: 'everyone',
        suspendedAt: null,
        deletedAt: null,
        passwordHash: 'hash',
      });
      expect(u.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(u.createdAt).toBeInstanceOf(Date);
      expect(await s.users.findById(u.id)).toEqual(u);
      expect(await s.users.findByEmail('ann@example.com')).toEqual(u);
      expect(await s.users.findByUsername('ann_LEE')).toEqual(u);
      expect(await s.users.findById(randomUUID())).toBeNull();
      expect(await s.users.findByEmail('.*')).toBeNull();
      expect(await s.users.findByUsername('%')).toBeNull();
      expect(await s.users.count()).toBe(1);
    });

    it('keeps email and case-insensitive username unique (DuplicateKeyError names the field)', async () => {
      await s.users.create(newUser({ email: 'dup@example.com', username: 'Dup' }));
      await expect(s.users.create(newUser({ email: 'dup@example.com' }))).rejects.toMatchObject({ field: 'email' });
      const err = await s.users.create(newUser({ username: 'DUP' })).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DuplicateKeyError);
      expect((err as DuplicateKeyError).field).toBe('username');
      expect(await s.users.count()).toBe(1);
    });

    it('updates fields, round-trips dates and nulls, and refuses a taken username', async () => {
      const a = await s.users.create(newUser({ username: 'alpha' }));
      await s.users.create(newUser({ username: 'beta' }));
      const updated = await s.users.update(a.id, {
        displayName: 'Álpha 🚀',
        about: 'hi',
        emailVerifiedAt: at(1),
        lastSeenAt: at(2),
        lastSeenVisibility: 'nobody',
        username: 'ALPHA',
        avatarUrl: 'https://x/y.png',
      });
      expect(updated).toMatchObject({
        displayName: 'Álpha 🚀',
        about: 'hi',
        emailVerifiedAt: at(1),
        lastSeenAt: at(2),
        lastSeenVisibility: 'nobody',
        username: 'ALPHA',
        avatarUrl: 'https://x/y.png',
      });
      expect(await s.users.findByUsername('alpha')).toMatchObject({ id: a.id });
      const cleared = await s.users.update(a.id, { emailVerifiedAt: null, avatarUrl: null, passwordHash: null });
      expect(cleared).toMatchObject({ emailVerifiedAt: null, avatarUrl: null, passwordHash: null });
      await expect(s.users.update(a.id, { username: 'Beta' })).rejects.toMatchObject({ field: 'username' });
      expect(await s.users.update(randomUUID(), { about: 'x' })).toBeNull();
      expect(await s.users.update(a.id, {})).toMatchObject({ id: a.id });
    });

    it('counts the site admins who can act (not suspended, not deleted)', async () => {
      expect(await s.users.countActiveAdmins()).toBe(0);
      const a = await s.users.create(newUser({ role: 'admin' }));
      const b = await s.users.create(newUser({ role: 'admin' }));
      await s.users.create(newUser());
      expect(await s.users.countActiveAdmins()).toBe(2);
      await s.users.update(a.id, { suspendedAt: at(1) });
      expect(await s.users.countActiveAdmins()).toBe(1);
      await s.users.update(b.id, { role: 'user' });
      expect(await s.users.countActiveAdmins()).toBe(0);
      await s.users.update(a.id, { suspendedAt: null });
      expect(await s.users.countActiveAdmins()).toBe(1);
      await s.users.update(a.id, { deletedAt: at(2) });
      expect(await s.users.countActiveAdmins()).toBe(0);
    });

    it('stores appearance preferences per user: {} by default, replaced whole, kept apart from other fields', async () => {
      const a = await s.users.create(newUser());
      const b = await s.users.create(newUser());
      expect(a.preferences).toEqual({});
      const prefs = { theme: 'dark', accent: 'purple', fontSize: 'large', chatBackground: 'dots' };
      expect((await s.users.update(a.id, { preferences: prefs }))?.preferences).toEqual(prefs);
      expect((await s.users.findById(a.id))?.preferences).toEqual(prefs);
      expect((await s.users.findByEmail(a.email))?.preferences).toEqual(prefs);
      // A profile edit leaves them alone; a new value replaces the object.
      expect((await s.users.update(a.id, { about: 'x' }))?.preferences).toEqual(prefs);
      expect((await s.users.update(a.id, { preferences: { accent: 'blue' } }))?.preferences).toEqual({
        accent: 'blue',
      });
      expect((await s.users.findById(b.id))?.preferences).toEqual({});
    });

    it('searches by prefix of username and display name (email only when asked), case-insensitively and literally', async () => {
      const me = await s.users.create(newUser({ username: 'annie_me', displayName: 'Me' }));
      const a = await s.users.create(newUser({ username: 'anna', displayName: 'Anna K' }));
      const b = await s.users.create(newUser({ username: 'zed', displayName: 'ANNabel' }));
      const c = await s.users.create(newUser({ username: 'carl', displayName: 'Carl', email: 'annex@mail.org' }));
      const d = await s.users.create(newUser({ username: 'anton', displayName: 'Gone' }));
      await s.users.update(d.id, { deletedAt: at(0) });
      await s.users.create(newUser({ username: 'bob_1', displayName: 'Bob 100%' }));
      const page = await s.users.search('ANN', { excludeId: me.id, limit: 10 });
      // carl matches only by email (annex@…): not found unless the caller may match emails (site admins).
      expect(page.items.map((u) => u.id).sort()).toEqual([a.id, b.id].sort());
      expect(page.nextCursor).toBeNull();
      const withEmail = await s.users.search('ANN', { excludeId: me.id, limit: 10, matchEmail: true });
      expect(withEmail.items.map((u) => u.id).sort()).toEqual([a.id, b.id, c.id].sort());
      expect((await s.users.search('annex@mail', { limit: 10 })).items).toEqual([]);
      expect((await s.users.search('annex@mail', { limit: 10, matchEmail: true })).items.map((u) => u.id)).toEqual([
        c.id,
      ]);
      expect((await s.users.search('%', { limit: 10 })).items).toEqual([]);
      expect((await s.users.search('_', { limit: 10 })).items).toEqual([]);
      expect((await s.users.search('.*', { limit: 10 })).items).toEqual([]);
      expect((await s.users.search('bob 100%', { limit: 10 })).items).toHaveLength(1);
      expect((await s.users.search('nna', { limit: 10 })).items).toEqual([]);
    });

    it('paginates search results with a cursor, without overlap', async () => {
      for (let i = 0; i < 7; i++) await s.users.create(newUser({ username: `page_${i}` }));
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let n = 0; n < 5; n++) {
        const page = await s.users.search('page_', { limit: 3, ...(cursor ? { cursor } : {}) });
        seen.push(...page.items.map((u) => u.username));
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      expect(seen).toEqual(['page_0', 'page_1', 'page_2', 'page_3', 'page_4', 'page_5', 'page_6']);
    });
  });

  describe('sessions', () => {
    it('creates a session and finds it by id and by current or previous token hash', async () => {
      const u = await s.users.create(newUser());
      const created = await s.sessions.create(newSession(u.id, { refreshTokenHash: 'h1' }));
      expect(created).toMatchObject({
        userId: u.id,
        refreshTokenHash: 'h1',
        previousTokenHash: null,
        rotatedAt: null,
        revokedAt: null,
        lastUsedAt: t0,
        createdAt: t0,
        platform: 'linux',
      });
      expect(await s.sessions.findById(created.id)).toEqual(created);
      expect(await s.sessions.findByTokenHash('h1')).toEqual(created);
      expect(await s.sessions.rotate(created.id, 'h1', 'h2', at(1000), at(90_000_000))).toBe(true);
      const byPrev = await s.sessions.findByTokenHash('h1');
      expect(byPrev).toMatchObject({
        id: created.id,
        refreshTokenHash: 'h2',
        previousTokenHash: 'h1',
        rotatedAt: at(1000),
        lastUsedAt: at(1000),
        expiresAt: at(90_000_000),
      });
      expect(await s.sessions.findByTokenHash('h2')).toMatchObject({ id: created.id });
      expect(await s.sessions.findByTokenHash('nope')).toBeNull();
      expect(await s.sessions.findById(randomUUID())).toBeNull();
    });

    it('rotates as a compare-and-set: a stale hash or a revoked session loses', async () => {
      const u = await s.users.create(newUser());
      const x = await s.sessions.create(newSession(u.id, { refreshTokenHash: 'a1' }));
      const results = await Promise.all([
        s.sessions.rotate(x.id, 'a1', 'a2', at(1), at(10_000_000)),
        s.sessions.rotate(x.id, 'a1', 'a3', at(1), at(10_000_000)),
      ]);
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = (await s.sessions.findById(x.id))?.refreshTokenHash;
      expect(['a2', 'a3']).toContain(winner);
      await s.sessions.revoke(x.id, at(2));
      expect(await s.sessions.rotate(x.id, winner ?? '', 'a4', at(3), at(10_000_000))).toBe(false);
    });

    it('touches, revokes, lists live sessions newest use first, and revokes all but one', async () => {
      const u = await s.users.create(newUser());
      const other = await s.users.create(newUser());
      const a = await s.sessions.create(newSession(u.id));
      const b = await s.sessions.create(newSession(u.id));
      const c = await s.sessions.create(newSession(u.id));
      const expired = await s.sessions.create(newSession(u.id, { expiresAt: at(-1) }));
      const theirs = await s.sessions.create(newSession(other.id));
      await s.sessions.touch(b.id, at(5000), '10.0.0.9');
      expect(await s.sessions.findById(b.id)).toMatchObject({ lastUsedAt: at(5000), ip: '10.0.0.9' });
      await s.sessions.touch(a.id, at(3000), null);
      expect(await s.sessions.findById(a.id)).toMatchObject({ lastUsedAt: at(3000), ip: '127.0.0.1' });
      const live = await s.sessions.listActive(u.id, at(10_000));
      expect(live.map((x) => x.id)).toEqual([b.id, a.id, c.id]);
      await s.sessions.revoke(c.id, at(6000));
      expect((await s.sessions.findById(c.id))?.revokedAt).toEqual(at(6000));
      await s.sessions.revoke(c.id, at(7000));
      expect((await s.sessions.findById(c.id))?.revokedAt).toEqual(at(6000));
      const revoked = await s.sessions.revokeAllForUser(u.id, at(8000), a.id);
      expect(revoked).toEqual([b.id]);
      expect((await s.sessions.listActive(u.id, at(9000))).map((x) => x.id)).toEqual([a.id]);
      expect(await s.sessions.findById(expired.id)).toMatchObject({ revokedAt: null });
      expect((await s.sessions.revokeAllForUser(u.id, at(9000))).sort()).toEqual([a.id]);
      expect(await s.sessions.listActive(u.id, at(9000))).toEqual([]);
      expect((await s.sessions.listActive(other.id, at(9000))).map((x) => x.id)).toEqual([theirs.id]);
    });
  });

  describe('one-time tokens', () => {
    it('consumes a live token exactly once', async () => {
      const u = await s.users.create(newUser());
      const now = new Date();
      const later = new Date(now.getTime() + 60_000);
      const tok = await s.oneTimeTokens.create({
        kind: 'verify_email',
        userId: u.id,
        tokenHash: 't1',
        expiresAt: later,
      });
      expect(tok).toMatchObject({ kind: 'verify_email', userId: u.id, usedAt: null, expiresAt: later });
      expect(await s.oneTimeTokens.consume('reset_password', 't1', now)).toBeNull();
      const [first, second] = await Promise.all([
        s.oneTimeTokens.consume('verify_email', 't1', now),
        s.oneTimeTokens.consume('verify_email', 't1', now),
      ]);
      expect([first, second].filter(Boolean)).toHaveLength(1);
      expect((first ?? second)?.usedAt).toEqual(now);
      expect(await s.oneTimeTokens.consume('verify_email', 't1', now)).toBeNull();
    });

    it('refuses expired tokens and burns a user’s unused tokens of one kind', async () => {
      const u = await s.users.create(newUser());
      const now = new Date();
      const soon = new Date(now.getTime() + 60_000);
      await s.oneTimeTokens.create({ kind: 'reset_password', userId: u.id, tokenHash: 'exp', expiresAt: soon });
      expect(await s.oneTimeTokens.consume('reset_password', 'exp', new Date(soon.getTime() + 1))).toBeNull();
      await s.oneTimeTokens.create({ kind: 'reset_password', userId: u.id, tokenHash: 'r1', expiresAt: soon });
      await s.oneTimeTokens.create({ kind: 'verify_email', userId: u.id, tokenHash: 'v1', expiresAt: soon });
      await s.oneTimeTokens.invalidateForUser(u.id, 'reset_password', now);
      expect(await s.oneTimeTokens.consume('reset_password', 'r1', now)).toBeNull();
      expect(await s.oneTimeTokens.consume('verify_email', 'v1', now)).not.toBeNull();
    });
  });

  describe('blocks', () => {
    it('blocks idempotently, checks either direction, lists and unblocks', async () => {
      const a = await s.users.create(newUser());
      const b = await s.users.create(newUser());
      const c = await s.users.create(newUser());
      expect(await s.blocks.isBlockedEitherWay(a.id, b.id)).toBe(false);
      await s.blocks.block(a.id, b.id);
      await s.blocks.block(a.id, b.id);
      await s.blocks.block(a.id, c.id);
      expect(await s.blocks.isBlockedEitherWay(a.id, b.id)).toBe(true);
      expect(await s.blocks.isBlockedEitherWay(b.id, a.id)).toBe(true);
      expect(await s.blocks.isBlockedEitherWay(b.id, c.id)).toBe(false);
      expect((await s.blocks.listBlocked(a.id)).sort()).toEqual([b.id, c.id].sort());
      expect(await s.blocks.listBlocked(b.id)).toEqual([]);
      await s.blocks.unblock(a.id, b.id);
      await s.blocks.unblock(a.id, b.id);
      expect(await s.blocks.isBlockedEitherWay(a.id, b.id)).toBe(false);
      expect(await s.blocks.listBlocked(a.id)).toEqual([c.id]);
    });
  });
}
