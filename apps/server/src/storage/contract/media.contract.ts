import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewMedia, Storage, UserRecord } from '../ports.ts';

/**
 * MediaRepo contract. `open` returns a fresh, empty storage; the runner files call this once per
 * adapter (sqlite.contract.test.ts, mongo.contract.test.ts).
 */
export function mediaContract(open: () => Promise<Storage>): void {
  describe('media', () => {
    let storage: Storage;
    let alice: UserRecord;
    let bob: UserRecord;
    const t0 = new Date('2026-01-01T00:00:00.000Z');
    const later = (ms: number) => new Date(t0.getTime() + ms);

    const newUser = (name: string) =>
      storage.users.create({
        email: `${name}-${randomUUID().slice(0, 8)}@example.com`,
        username: `${name}_${randomUUID().slice(0, 8)}`,
        displayName: name,
        passwordHash: null,
        role: 'user',
      });
    const media = (uploaderId: string, over: Partial<NewMedia> = {}): NewMedia => ({
      uploaderId,
      kind: 'image',
      mime: 'image/png',
      size: 123,
      width: 10,
      height: 20,
      duration: null,
      fileName: 'cat.png',
      sha256: 'a'.repeat(64),
      storageKey: 'a'.repeat(64),
      thumbnailKey: 'b'.repeat(64),
      createdAt: t0,
      ...over,
    });

    beforeEach(async () => {
      storage = await open();
      alice = await newUser('alice');
      bob = await newUser('bob');
    });
    afterEach(async () => {
      await storage.close();
    });

    it('creates and finds media, unattached at first', async () => {
      const m = await storage.media.create(media(alice.id, { kind: 'audio', mime: 'audio/ogg', duration: 2.5 }));
      expect(m).toMatchObject({ uploaderId: alice.id, kind: 'audio', duration: 2.5, attachedAt: null });
      expect(m.messageId).toBeNull();
      expect(m.avatarOf).toBeNull();
      expect(m.createdAt.getTime()).toBe(t0.getTime());
      expect(await storage.media.findById(m.id)).toEqual(m);
      expect(await storage.media.findById('missing')).toBeNull();
      const found = await storage.media.findByIds([m.id, 'missing', m.id]);
      expect(found.map((x) => x.id)).toEqual([m.id]);
      expect(await storage.media.findByIds([])).toEqual([]);
    });

    it('attaches all-or-nothing, only by the uploader, only once', async () => {
      const a1 = await storage.media.create(media(alice.id));
      const a2 = await storage.media.create(media(alice.id));
      const b1 = await storage.media.create(media(bob.id));
      const target = { messageId: 'm1', conversationId: 'c1' };
      // One foreign id spoils the batch, and nothing is attached.
      expect(await storage.media.attachToMessage([a1.id, b1.id], alice.id, target, later(1))).toBe(false);
      expect((await storage.media.findById(a1.id))?.attachedAt).toBeNull();
      expect(await storage.media.attachToMessage([a1.id, 'missing'], alice.id, target, later(1))).toBe(false);
      expect(await storage.media.attachToMessage([a1.id, a2.id], alice.id, target, later(2))).toBe(true);
      const attached = await storage.media.findById(a1.id);
      expect(attached).toMatchObject({ messageId: 'm1', conversationId: 'c1' });
      expect(attached?.attachedAt?.getTime()).toBe(later(2).getTime());
      // Already attached: cannot be reused by another message.
      expect(
        await storage.media.attachToMessage([a1.id], alice.id, { messageId: 'm2', conversationId: 'c1' }, later(3)),
      ).toBe(false);
      expect((await storage.media.listByMessage('m1')).map((m) => m.id).sort()).toEqual([a1.id, a2.id].sort());
      expect(await storage.media.listByMessage('m2')).toEqual([]);
    });

    it('sets avatars only for unattached uploads of the uploader and finds the newest', async () => {
      const first = await storage.media.create(media(alice.id));
      const second = await storage.media.create(media(alice.id));
      const target = { type: 'user' as const, id: alice.id };
      expect(await storage.media.attachAsAvatar(first.id, bob.id, target, later(1))).toBe(false);
      expect(await storage.media.attachAsAvatar(first.id, alice.id, target, later(1))).toBe(true);
      expect(await storage.media.attachAsAvatar(first.id, alice.id, target, later(2))).toBe(false);
      expect((await storage.media.findAvatarOf(target))?.id).toBe(first.id);
      expect(await storage.media.attachAsAvatar(second.id, alice.id, target, later(3))).toBe(true);
      expect((await storage.media.findAvatarOf(target))?.id).toBe(second.id);
      expect((await storage.media.findById(second.id))?.avatarOf).toEqual(target);
      expect(await storage.media.findAvatarOf({ type: 'conversation', id: alice.id })).toBeNull();
    });

    it('lists unattached uploads older than the cutoff, oldest first, within the limit', async () => {
      const old1 = await storage.media.create(media(alice.id, { createdAt: t0 }));
      const old2 = await storage.media.create(media(alice.id, { createdAt: later(1000) }));
      const used = await storage.media.create(media(alice.id, { createdAt: later(500) }));
      await storage.media.create(media(alice.id, { createdAt: later(10_000) }));
      await storage.media.attachToMessage([used.id], alice.id, { messageId: 'm', conversationId: 'c' }, later(600));
      const swept = await storage.media.listUnattachedBefore(later(5000), 10);
      expect(swept.map((m) => m.id)).toEqual([old1.id, old2.id]);
      expect((await storage.media.listUnattachedBefore(later(5000), 1)).map((m) => m.id)).toEqual([old1.id]);
    });

    it('deletes a row and counts shared blob references by storage and thumbnail key', async () => {
      const k = 'c'.repeat(64);
      const a = await storage.media.create(media(alice.id, { storageKey: k, thumbnailKey: 'd'.repeat(64) }));
      const b = await storage.media.create(media(bob.id, { storageKey: 'e'.repeat(64), thumbnailKey: k }));
      expect(await storage.media.countByKey(k)).toBe(2);
      const removed = await storage.media.delete(a.id);
      expect(removed?.id).toBe(a.id);
      expect(await storage.media.delete(a.id)).toBeNull();
      expect(await storage.media.countByKey(k)).toBe(1);
      await storage.media.delete(b.id);
      expect(await storage.media.countByKey(k)).toBe(0);
    });
  });
}
