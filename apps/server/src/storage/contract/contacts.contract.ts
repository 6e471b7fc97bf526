import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Storage, UserRecord } from '../ports.ts';

/** Personal contact lists: what every adapter must do. */
export function contactsContract(open: () => Promise<Storage>): void {
  describe('contacts', () => {
    let s: Storage;
    let ana: UserRecord;
    let ben: UserRecord;
    let cy: UserRecord;
    let dee: UserRecord;
    let clock = Date.parse('2026-04-01T00:00:00.000Z');
    const tick = () => {
      clock += 1000;
      return new Date(clock);
    };
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
      [ana, ben, cy, dee] = [await newUser('ana'), await newUser('ben'), await newUser('cy'), await newUser('dee')];
    });
    afterEach(async () => {
      await s.close();
    });

    it('adds with defaults, then updates only the fields given, keeping when it was added', async () => {
      const added = tick();
      const first = await s.contacts.save(ana.id, ben.id, {}, added);
      expect(first).toEqual({
        created: true,
        contact: {
          ownerId: ana.id,
          contactId: ben.id,
          nickname: null,
          favourite: false,
          createdAt: added,
          updatedAt: added,
        },
      });

      const named = await s.contacts.save(ana.id, ben.id, { nickname: 'Benny' }, tick());
      expect(named.created).toBe(false);
      expect(named.contact).toMatchObject({ nickname: 'Benny', favourite: false, createdAt: added });

      const starred = await s.contacts.save(ana.id, ben.id, { favourite: true }, tick());
      expect(starred.contact).toMatchObject({ nickname: 'Benny', favourite: true, createdAt: added });
      expect(starred.contact.updatedAt.getTime()).toBeGreaterThan(added.getTime());

      const cleared = await s.contacts.save(ana.id, ben.id, { nickname: null, favourite: false }, tick());
      expect(cleared.contact).toMatchObject({ nickname: null, favourite: false });
      expect(await s.contacts.find(ana.id, ben.id)).toEqual(cleared.contact);
      // Adding again is not an error and creates nothing new.
      expect((await s.contacts.save(ana.id, ben.id, {}, tick())).created).toBe(false);
      expect(await s.contacts.count(ana.id)).toBe(1);
    });

    it('sets nickname and favourite on the first save', async () => {
      const r = await s.contacts.save(ana.id, cy.id, { nickname: 'Cy', favourite: true }, tick());
      expect(r.created).toBe(true);
      expect(r.contact).toMatchObject({ nickname: 'Cy', favourite: true });
    });

    it('lists favourites first, then the newest added, and each list is its owner’s alone', async () => {
      await s.contacts.save(ana.id, ben.id, {}, tick());
      await s.contacts.save(ana.id, cy.id, {}, tick());
      await s.contacts.save(ana.id, dee.id, {}, tick());
      await s.contacts.save(ana.id, ben.id, { favourite: true }, tick());
      await s.contacts.save(ben.id, ana.id, { nickname: 'Ana B' }, tick());

      expect((await s.contacts.list(ana.id)).map((c) => c.contactId)).toEqual([ben.id, dee.id, cy.id]);
      expect((await s.contacts.list(ben.id)).map((c) => [c.contactId, c.nickname])).toEqual([[ana.id, 'Ana B']]);
      expect(await s.contacts.list(cy.id)).toEqual([]);
      expect(await s.contacts.count(ana.id)).toBe(3);
      expect(await s.contacts.find(cy.id, ana.id)).toBeNull();
    });

    it('removes one contact, or a whole list, and says whether anything was there', async () => {
      await s.contacts.save(ana.id, ben.id, {}, tick());
      await s.contacts.save(ana.id, cy.id, {}, tick());
      await s.contacts.save(ben.id, cy.id, {}, tick());

      expect(await s.contacts.remove(ana.id, ben.id)).toBe(true);
      expect(await s.contacts.remove(ana.id, ben.id)).toBe(false);
      expect(await s.contacts.find(ana.id, ben.id)).toBeNull();

      expect(await s.contacts.removeAllOwnedBy(ana.id)).toBe(1);
      expect(await s.contacts.list(ana.id)).toEqual([]);
      // Someone else's list that names the removed owner is untouched.
      expect((await s.contacts.list(ben.id)).map((c) => c.contactId)).toEqual([cy.id]);
    });

    it('two first saves of the same pair at once leave one contact', async () => {
      const at = tick();
      const results = await Promise.all([
        s.contacts.save(ana.id, ben.id, { nickname: 'B' }, at),
        s.contacts.save(ana.id, ben.id, { favourite: true }, at),
      ]);
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(await s.contacts.count(ana.id)).toBe(1);
      expect(await s.contacts.find(ana.id, ben.id)).toMatchObject({ nickname: 'B', favourite: true });
    });
  });
}
