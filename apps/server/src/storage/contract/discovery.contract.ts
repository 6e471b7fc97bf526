import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Storage, UserRecord } from '../ports.ts';

/** Find-friends hashes: what every adapter must do. */
export function discoveryContract(open: () => Promise<Storage>): void {
  describe('discovery hashes', () => {
    let s: Storage;
    let ana: UserRecord;
    let ben: UserRecord;
    let cy: UserRecord;
    const hash = (n: number) => n.toString(16).padStart(64, '0');
    const at = (n: number) => new Date(Date.parse('2026-05-01T00:00:00.000Z') + n * 1000);
    const newUser = (name: string) =>
      s.users.create({
        email: `${name}-${randomUUID().slice(0, 8)}@example.com`,
        username: `${name}_${randomUUID().slice(0, 8)}`,
        displayName: name,
        passwordHash: null,
        role: 'user',
      });

    beforeEach(async () => {
      s = await open();
      [ana, ben, cy] = [await newUser('ana'), await newUser('ben'), await newUser('cy')];
    });
    afterEach(async () => {
      await s.close();
    });

    it('is off until set; set again replaces the hash and keeps when it was turned on; clear turns it off', async () => {
      expect(await s.discovery.find(ana.id)).toBeNull();
      expect(await s.discovery.set(ana.id, hash(1), at(1))).toEqual({
        userId: ana.id,
        emailHash: hash(1),
        createdAt: at(1),
      });
      expect(await s.discovery.set(ana.id, hash(2), at(2))).toEqual({
        userId: ana.id,
        emailHash: hash(2),
        createdAt: at(1),
      });
      expect(await s.discovery.find(ana.id)).toMatchObject({ emailHash: hash(2) });
      expect(await s.discovery.clear(ana.id)).toBe(true);
      expect(await s.discovery.clear(ana.id)).toBe(false);
      expect(await s.discovery.find(ana.id)).toBeNull();
    });

    it('matches only the hashes asked for, each user once, whatever the duplicates', async () => {
      await s.discovery.set(ana.id, hash(0xa1), at(1));
      await s.discovery.set(ben.id, hash(2), at(2));
      await s.discovery.set(cy.id, hash(3), at(3));
      await s.discovery.clear(cy.id);

      const found = await s.discovery.match([hash(2), hash(0xa1), hash(2), hash(3), hash(99)]);
      expect(found.map((r) => [r.userId, r.emailHash]).sort()).toEqual(
        [
          [ana.id, hash(0xa1)],
          [ben.id, hash(2)],
        ].sort(),
      );
      expect(await s.discovery.match([])).toEqual([]);
      expect(await s.discovery.match([hash(0xa1).toUpperCase()])).toEqual([]);
    });
  });
}
