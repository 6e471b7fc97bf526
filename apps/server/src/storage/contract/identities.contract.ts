import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DuplicateKeyError, type Storage, type UserRecord } from '../ports.ts';

/**
 * IdentitiesRepo contract. `open` returns a fresh, empty storage; the runner files call this once
 * per adapter (sqlite.contract.test.ts, mongo.contract.test.ts).
 */
export function identitiesContract(open: () => Promise<Storage>): void {
  describe('identities', () => {
    let storage: Storage;
    let alice: UserRecord;
    let bob: UserRecord;
    const t0 = new Date('2026-01-01T00:00:00.000Z');

    const newUser = (name: string) =>
      storage.users.create({
        email: `${name}-${randomUUID().slice(0, 8)}@example.com`,
        username: `${name}_${randomUUID().slice(0, 8)}`,
        displayName: name,
        passwordHash: null,
        role: 'user',
      });

    beforeEach(async () => {
      storage = await open();
      alice = await newUser('alice');
      bob = await newUser('bob');
    });
    afterEach(async () => {
      await storage.close();
    });

    it('creates and finds an identity by (provider, subject)', async () => {
      const created = await storage.identities.create({
        provider: 'google',
        subject: '1234567890',
        userId: alice.id,
        email: 'alice@gmail.com',
        now: t0,
      });
      expect(created).toMatchObject({ provider: 'google', subject: '1234567890', userId: alice.id });
      expect(created.createdAt.getTime()).toBe(t0.getTime());
      expect(created.lastUsedAt.getTime()).toBe(t0.getTime());
      const found = await storage.identities.find('google', '1234567890');
      expect(found).toEqual(created);
    });

    it('returns null for an unknown pair, and the subject is scoped per provider', async () => {
      await storage.identities.create({ provider: 'google', subject: 's1', userId: alice.id, email: null, now: t0 });
      expect(await storage.identities.find('google', 'nope')).toBeNull();
      expect(await storage.identities.find('oidc', 's1')).toBeNull();
      // Same subject at another provider is a different identity and may belong to someone else.
      const other = await storage.identities.create({
        provider: 'oidc',
        subject: 's1',
        userId: bob.id,
        email: null,
        now: t0,
      });
      expect(other.userId).toBe(bob.id);
      expect((await storage.identities.find('google', 's1'))?.userId).toBe(alice.id);
    });

    it('refuses a second link of the same (provider, subject), even to another user', async () => {
      await storage.identities.create({ provider: 'google', subject: 's2', userId: alice.id, email: null, now: t0 });
      const again = storage.identities.create({
        provider: 'google',
        subject: 's2',
        userId: bob.id,
        email: null,
        now: t0,
      });
      await expect(again).rejects.toBeInstanceOf(DuplicateKeyError);
      await expect(again).rejects.toMatchObject({ field: 'identity' });
      expect((await storage.identities.find('google', 's2'))?.userId).toBe(alice.id);
    });

    it('lists a user’s identities oldest first, and nobody else’s', async () => {
      await storage.identities.create({ provider: 'oidc', subject: 'k', userId: alice.id, email: null, now: t0 });
      await storage.identities.create({
        provider: 'google',
        subject: 'g',
        userId: alice.id,
        email: 'a@example.com',
        now: new Date(t0.getTime() + 1000),
      });
      await storage.identities.create({ provider: 'google', subject: 'b', userId: bob.id, email: null, now: t0 });
      const list = await storage.identities.listByUser(alice.id);
      expect(list.map((i) => `${i.provider}:${i.subject}`)).toEqual(['oidc:k', 'google:g']);
      expect(await storage.identities.listByUser(randomUUID())).toEqual([]);
    });

    it('touch updates lastUsedAt only', async () => {
      const created = await storage.identities.create({
        provider: 'google',
        subject: 't',
        userId: alice.id,
        email: null,
        now: t0,
      });
      const later = new Date(t0.getTime() + 60_000);
      await storage.identities.touch(created.id, later);
      const found = await storage.identities.find('google', 't');
      expect(found?.lastUsedAt.getTime()).toBe(later.getTime());
      expect(found?.createdAt.getTime()).toBe(t0.getTime());
    });

    it('keeps the account name, and touch renames it only when given one', async () => {
      const created = await storage.identities.create({
        provider: 'github',
        subject: '583231',
        userId: alice.id,
        email: 'octo@example.com',
        accountName: 'octocat',
        now: t0,
      });
      expect(created.accountName).toBe('octocat');
      const plain = await storage.identities.create({
        provider: 'oidc',
        subject: 'n',
        userId: alice.id,
        email: null,
        now: t0,
      });
      expect(plain.accountName).toBeNull();
      await storage.identities.touch(created.id, new Date(t0.getTime() + 1000));
      expect((await storage.identities.find('github', '583231'))?.accountName).toBe('octocat');
      await storage.identities.touch(created.id, new Date(t0.getTime() + 2000), 'octo-renamed');
      const renamed = await storage.identities.find('github', '583231');
      expect(renamed?.accountName).toBe('octo-renamed');
      expect(renamed?.lastUsedAt.getTime()).toBe(t0.getTime() + 2000);
    });

    it('remove unlinks once and reports whether it did', async () => {
      await storage.identities.create({ provider: 'google', subject: 'r', userId: alice.id, email: null, now: t0 });
      expect(await storage.identities.remove('google', 'r')).toBe(true);
      expect(await storage.identities.remove('google', 'r')).toBe(false);
      expect(await storage.identities.find('google', 'r')).toBeNull();
      // Unlinked: the pair may now be linked again.
      const relinked = await storage.identities.create({
        provider: 'google',
        subject: 'r',
        userId: bob.id,
        email: null,
        now: t0,
      });
      expect(relinked.userId).toBe(bob.id);
    });

    it('treats operator-looking strings as plain values', async () => {
      await storage.identities.create({ provider: 'google', subject: 'x', userId: alice.id, email: null, now: t0 });
      expect(await storage.identities.find('google', '{"$gt":""}')).toBeNull();
      expect(await storage.identities.find('google', "x' OR '1'='1")).toBeNull();
    });
  });
}
