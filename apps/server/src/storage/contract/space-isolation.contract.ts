import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewMedia, SpaceRecord, Storage, UserRecord } from '../ports.ts';
import { createSpace, type SpacesRig, viewIn } from './space-scoped.ts';

/**
 * Isolation contract: two spaces (and home) of one deployment, each reached through the scoped
 * storage inside its scope. The same keys written in each (a direct chat of the same pair, the same
 * clientMsgId, invite code, media blob, points event key) never meet; whatever A holds is unknown
 * in B and in home; deleting in A leaves B whole.
 */
export function spaceIsolationContract(makeRig: () => Promise<SpacesRig>): void {
  describe('space isolation', () => {
    let rig: SpacesRig;
    let A: Storage;
    let B: Storage;
    let home: Storage;
    let alice: UserRecord;
    let bob: UserRecord;
    let t = Date.parse('2026-07-01T00:00:00.000Z');
    const tick = () => {
      t += 1000;
      return new Date(t);
    };

    beforeEach(async () => {
      rig = await makeRig();
      const a: SpaceRecord = await createSpace(rig, 'Alpha');
      const b: SpaceRecord = await createSpace(rig, 'Beta');
      [A, B, home] = [viewIn(rig, a), viewIn(rig, b), viewIn(rig, null)];
      // Accounts are global: made once, then admitted to both spaces (as joining each does).
      alice = await A.users.create({
        email: 'alice@example.com',
        username: 'alice',
        displayName: 'Alice',
        passwordHash: null,
        role: 'user',
      });
      bob = await A.users.create({
        email: 'bob@example.com',
        username: 'bob',
        displayName: 'Bob',
        passwordHash: null,
        role: 'user',
      });
      await rig.storages.admit(b, [alice.id, bob.id]);
    });
    afterEach(async () => {
      await rig.destroy();
    });

    const media = (uploaderId: string): NewMedia => ({
      uploaderId,
      kind: 'image',
      mime: 'image/png',
      size: 10,
      width: 1,
      height: 1,
      duration: null,
      fileName: 'same.png',
      sha256: 'c'.repeat(64),
      storageKey: 'c'.repeat(64),
      thumbnailKey: null,
      createdAt: new Date(t),
    });

    /** The same things, with the same caller-chosen keys, in one space. */
    async function fill(s: Storage, word: string) {
      const direct = await s.conversations.createDirect(alice.id, bob.id, tick());
      const group = await s.conversations.create({
        kind: 'group',
        title: `${word} group`,
        createdBy: alice.id,
        historyForNewcomers: true,
        members: [{ userId: bob.id, role: 'member' }],
        now: tick(),
      });
      const sent = await s.messages.send({
        conversationId: group.id,
        senderId: alice.id,
        clientMsgId: 'same-client-msg',
        kind: 'text',
        text: `${word} secret`,
        now: tick(),
      });
      const invite = await s.invites.create({
        code: 'same-invite-code',
        conversationId: group.id,
        createdBy: alice.id,
        expiresAt: null,
        maxUses: null,
        now: tick(),
      });
      const m = await s.media.create(media(alice.id));
      const [award] = await s.points.award([
        {
          userId: bob.id,
          ruleId: 'reaction_received',
          eventKey: 'same-event-key',
          points: 1,
          dailyCap: 1000,
          conversationId: group.id,
          messageId: sent?.message.id ?? null,
          causeMessageId: null,
          detail: {},
          createdAt: tick(),
        },
      ]);
      return { direct, group, message: sent, invite, media: m, award };
    }

    it('the same keys in two spaces make two records, each created afresh', async () => {
      const a = await fill(A, 'alpha');
      const b = await fill(B, 'beta');
      expect(a.direct.created).toBe(true);
      expect(b.direct.created).toBe(true);
      expect(b.direct.conversation.id).not.toBe(a.direct.conversation.id);
      expect(a.message?.created).toBe(true);
      expect(b.message?.created).toBe(true);
      expect(b.message?.message.seq).toBe(1);
      expect(b.message?.message.text).toBe('beta secret');
      expect(b.invite.conversationId).toBe(b.group.id);
      expect(a.award?.status).toBe('awarded');
      expect(b.award?.status).toBe('awarded');
      expect(await A.media.countByKey('c'.repeat(64))).toBe(1);
      expect(await B.media.countByKey('c'.repeat(64))).toBe(1);
      expect((await A.invites.findByCode('same-invite-code'))?.conversationId).toBe(a.group.id);
      expect((await B.invites.findByCode('same-invite-code'))?.conversationId).toBe(b.group.id);
      expect((await A.points.findByKey('reaction_received', 'same-event-key'))?.conversationId).toBe(a.group.id);
      expect((await B.points.findByKey('reaction_received', 'same-event-key'))?.conversationId).toBe(b.group.id);
    });

    it('what space A holds is unknown in space B and in home, by id, list, search or key', async () => {
      const a = await fill(A, 'alpha');
      const messageId = a.message?.message.id ?? '';
      for (const other of [B, home]) {
        expect(await other.conversations.findById(a.group.id)).toBeNull();
        expect(await other.conversations.findById(a.direct.conversation.id)).toBeNull();
        expect(await other.conversations.findDirect(alice.id, bob.id)).toBeNull();
        expect(await other.messages.findById(messageId)).toBeNull();
        expect(await other.messages.history(a.group.id, alice.id, { after: 0, limit: 10 })).toEqual([]);
        expect((await other.messages.search(bob.id, 'secret', { limit: 10 })).items).toEqual([]);
        expect((await other.conversations.listForUser(alice.id, { limit: 10 })).items).toEqual([]);
        expect(await other.media.findById(a.media.id)).toBeNull();
        expect(await other.media.countByKey('c'.repeat(64))).toBe(0);
        expect(await other.invites.findByCode('same-invite-code')).toBeNull();
        expect(await other.points.findByKey('reaction_received', 'same-event-key')).toBeNull();
        expect(await other.points.totals(bob.id)).toBeNull();
      }
      // Accounts are the same everywhere.
      expect((await B.users.findById(alice.id))?.username).toBe('alice');
      expect((await home.users.findById(alice.id))?.username).toBe('alice');
    });

    it('deleting in space A leaves space B whole', async () => {
      const a = await fill(A, 'alpha');
      const b = await fill(B, 'beta');
      expect(await A.invites.revoke('same-invite-code', tick())).toBe(true);
      expect(await A.media.delete(a.media.id)).not.toBeNull();
      expect(await A.conversations.softDelete(a.group.id, alice.id, tick())).not.toBeNull();
      expect((await A.conversations.findById(a.group.id))?.deletedAt).not.toBeNull();

      expect((await B.invites.findByCode('same-invite-code'))?.revokedAt).toBeNull();
      expect((await B.media.findById(b.media.id))?.id).toBe(b.media.id);
      expect(await B.media.countByKey('c'.repeat(64))).toBe(1);
      expect((await B.conversations.findById(b.group.id))?.deletedAt).toBeNull();
      const history = await B.messages.history(b.group.id, bob.id, { after: 0, limit: 10 });
      expect(history.map((m) => m.text)).toEqual(['beta secret']);
      expect((await B.messages.search(bob.id, 'secret', { limit: 10 })).items.map((h) => h.message.text)).toEqual([
        'beta secret',
      ]);
      expect((await B.conversations.listForUser(bob.id, { limit: 10 })).items).toHaveLength(2);
    });
  });
}
