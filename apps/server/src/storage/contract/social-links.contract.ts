import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Storage, UserRecord } from '../ports.ts';

/** Social profiles on a person's profile: what every adapter must do. */
export function socialLinksContract(open: () => Promise<Storage>): void {
  describe('social links', () => {
    let s: Storage;
    let ana: UserRecord;
    let ben: UserRecord;
    const at = (n: number) => new Date(Date.parse('2026-06-01T00:00:00.000Z') + n * 1000);
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
      [ana, ben] = [await newUser('ana'), await newUser('ben')];
    });
    afterEach(async () => {
      await s.close();
    });

    it('adds, replaces (keeping when it was added) and removes one link per network', async () => {
      const first = await s.socialLinks.save(
        { userId: ana.id, network: 'github', handle: 'ana-dev', visibility: 'public', verified: false },
        at(1),
      );
      expect(first).toEqual({
        created: true,
        link: {
          userId: ana.id,
          network: 'github',
          handle: 'ana-dev',
          visibility: 'public',
          verified: false,
          createdAt: at(1),
          updatedAt: at(1),
        },
      });
      const again = await s.socialLinks.save(
        { userId: ana.id, network: 'github', handle: 'ana-codes', visibility: 'shared', verified: true },
        at(2),
      );
      expect(again.created).toBe(false);
      expect(again.link).toMatchObject({ handle: 'ana-codes', visibility: 'shared', verified: true, createdAt: at(1) });
      expect(again.link.updatedAt).toEqual(at(2));
      expect(await s.socialLinks.list(ana.id)).toEqual([again.link]);

      expect(await s.socialLinks.remove(ana.id, 'github')).toBe(true);
      expect(await s.socialLinks.remove(ana.id, 'github')).toBe(false);
      expect(await s.socialLinks.list(ana.id)).toEqual([]);
    });

    it('lists in network order, each user their own; removeAll clears one user', async () => {
      for (const [network, handle] of [
        ['website', 'https://ana.example/'],
        ['x', 'ana_x'],
        ['linkedin', 'ana-l'],
        ['github', 'ana'],
        ['instagram', 'ana.pics'],
      ] as const)
        await s.socialLinks.save({ userId: ana.id, network, handle, visibility: 'public', verified: false }, at(1));
      await s.socialLinks.save(
        { userId: ben.id, network: 'x', handle: 'ben', visibility: 'hidden', verified: false },
        at(1),
      );

      expect((await s.socialLinks.list(ana.id)).map((l) => l.network)).toEqual([
        'github',
        'x',
        'instagram',
        'linkedin',
        'website',
      ]);
      expect(await s.socialLinks.removeAll(ana.id)).toBe(5);
      expect(await s.socialLinks.list(ana.id)).toEqual([]);
      expect((await s.socialLinks.list(ben.id)).map((l) => [l.network, l.visibility])).toEqual([['x', 'hidden']]);
    });
  });
}
