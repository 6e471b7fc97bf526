import { createHash, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DuplicateKeyError, type NewE2eeCommit, type Storage, type UserRecord } from '../ports.ts';
import { useMessagingFixture } from './messaging-fixture.ts';

const blob = (label: string): Uint8Array => new TextEncoder().encode(`${label}:${randomUUID()}`);
const hash = (b: Uint8Array): Uint8Array => new Uint8Array(createHash('sha256').update(b).digest());
const text = (b: Uint8Array | null): string => (b ? new TextDecoder().decode(b) : '');

export function e2eeContract(open: () => Promise<Storage>): void {
  describe('e2ee', () => {
    const f = useMessagingFixture(open);

    const device = (user: UserRecord, extra: { sessionId?: string; name?: string } = {}) =>
      f.s.e2ee.registerDevice({
        id: randomUUID(),
        userId: user.id,
        sessionId: extra.sessionId ?? null,
        name: extra.name ?? `${user.displayName}'s laptop`,
        signatureKey: blob('sigkey'),
        now: f.tick(),
      });

    const commit = (
      conversationId: string,
      sender: { userId: string; id: string },
      epoch: number,
      extra: Partial<Pick<NewE2eeCommit, 'adds' | 'removes' | 'welcome' | 'data'>> = {},
    ) => {
      const data = extra.data ?? blob('commit');
      return f.s.e2ee.appendCommit({
        conversationId,
        senderId: sender.userId,
        senderDeviceId: sender.id,
        epoch,
        data,
        dataHash: hash(data),
        adds: extra.adds ?? [],
        removes: extra.removes ?? [],
        welcome: extra.welcome ?? null,
        now: f.tick(),
      });
    };

    const app = (
      conversationId: string,
      sender: { userId: string; id: string },
      epoch: number,
      data = blob('ciphertext'),
      clientMsgId: string = randomUUID(),
    ) =>
      f.s.e2ee.appendApplication({
        conversationId,
        senderId: sender.userId,
        senderDeviceId: sender.id,
        epoch,
        data,
        dataHash: hash(data),
        frankingTag: blob('tag'),
        clientMsgId,
        now: f.tick(),
      });

    it('conversations carry the encrypted flag; an encrypted direct chat is separate from the plain one', async () => {
      const g = await f.s.conversations.create({
        kind: 'group',
        title: 'Secret',
        createdBy: f.alice.id,
        encrypted: true,
        members: [{ userId: f.bob.id, role: 'member' }],
        now: f.tick(),
      });
      expect(g.encrypted).toBe(true);
      expect((await f.s.conversations.findById(g.id))?.encrypted).toBe(true);
      expect((await f.group([f.alice, f.bob])).encrypted).toBe(false);

      const plain = await f.s.conversations.createDirect(f.alice.id, f.bob.id, f.tick());
      const secret = await f.s.conversations.createDirect(f.bob.id, f.alice.id, f.tick(), { encrypted: true });
      expect(plain.conversation.encrypted).toBe(false);
      expect(secret).toMatchObject({ created: true, conversation: { encrypted: true, kind: 'direct' } });
      expect(secret.conversation.id).not.toBe(plain.conversation.id);
      const again = await f.s.conversations.createDirect(f.alice.id, f.bob.id, f.tick(), { encrypted: true });
      expect(again).toMatchObject({ created: false, conversation: { id: secret.conversation.id } });
      expect((await f.s.conversations.findDirect(f.alice.id, f.bob.id))?.id).toBe(plain.conversation.id);
      // Both members are in, and a newcomer-history flag never exposes encrypted history.
      expect(await f.s.participants.listUserIds(secret.conversation.id)).toHaveLength(2);
      expect(secret.conversation.historyForNewcomers).toBe(false);
      expect(await f.s.e2ee.encryptedConversationsOf(f.alice.id)).toEqual([g.id, secret.conversation.id].sort());
      await f.s.participants.remove(g.id, f.alice.id, 'left', f.alice.id, f.tick());
      expect(await f.s.e2ee.encryptedConversationsOf(f.alice.id)).toEqual([secret.conversation.id]);
      expect(await f.s.e2ee.encryptedConversationsOf(f.carol.id)).toEqual([]);
    });

    it('registers, lists and revokes devices (sign-out revokes a session’s devices)', async () => {
      const a1 = await device(f.alice, { sessionId: 's-1' });
      const a2 = await device(f.alice, { sessionId: 's-2' });
      const b1 = await device(f.bob);
      expect(a1).toMatchObject({ userId: f.alice.id, sessionId: 's-1', revokedAt: null });
      expect(Array.from((await f.s.e2ee.findDevice(a1.id))?.signatureKey ?? [])).toEqual(Array.from(a1.signatureKey));
      await expect(
        f.s.e2ee.registerDevice({ ...a1, signatureKey: blob('other'), now: f.tick() }),
      ).rejects.toBeInstanceOf(DuplicateKeyError);
      expect((await f.s.e2ee.listDevices([f.alice.id, f.bob.id])).map((d) => d.id)).toEqual([a1.id, a2.id, b1.id]);
      expect(await f.s.e2ee.revokeSessionDevices('s-2', f.tick())).toEqual([a2.id]);
      expect((await f.s.e2ee.listDevices([f.alice.id])).map((d) => d.id)).toEqual([a1.id]);
      const all = await f.s.e2ee.listDevices([f.alice.id], { includeRevoked: true });
      expect(all.find((d) => d.id === a2.id)?.revokedAt).toBeInstanceOf(Date);
      expect(await f.s.e2ee.revokeDevice(a2.id, f.tick())).toBeNull();
      expect((await f.s.e2ee.revokeDevice(a1.id, f.tick()))?.revokedAt).toBeInstanceOf(Date);
      expect(await f.s.e2ee.listDevices([])).toEqual([]);
    });

    it('KeyPackages: pool capped, each one-time package claimed once (also concurrently), last resort kept', async () => {
      const b1 = await device(f.bob);
      const one = Array.from({ length: 6 }, (_, i) => ({ ref: `ref-${i}`, data: blob(`kp${i}`), lastResort: false }));
      expect(await f.s.e2ee.addKeyPackages(b1.id, one, { maxPool: 5, now: f.tick() })).toEqual({
        added: 5,
        refused: 1,
        available: 5,
      });
      // The same ref again is skipped, not duplicated.
      expect(await f.s.e2ee.addKeyPackages(b1.id, [one[0] as (typeof one)[0]], { maxPool: 10, now: f.tick() })).toEqual(
        { added: 0, refused: 0, available: 5 },
      );
      const last = { ref: 'last-1', data: blob('last'), lastResort: true };
      await f.s.e2ee.addKeyPackages(b1.id, [last], { maxPool: 5, now: f.tick() });
      expect(await f.s.e2ee.keyPackageStatus(b1.id)).toEqual({ available: 5, lastResort: true });

      const claims = await Promise.all(Array.from({ length: 12 }, () => f.s.e2ee.claimKeyPackage(b1.id, f.tick())));
      const oneTime = claims.filter((c) => c && !c.lastResort).map((c) => c?.ref);
      expect(new Set(oneTime).size).toBe(5);
      expect(oneTime.sort()).toEqual(['ref-0', 'ref-1', 'ref-2', 'ref-3', 'ref-4']);
      expect(claims.filter((c) => c?.lastResort).map((c) => c?.ref)).toEqual(Array(7).fill('last-1'));
      expect(await f.s.e2ee.keyPackageStatus(b1.id)).toEqual({ available: 0, lastResort: true });

      // A new last-resort package replaces the old one.
      await f.s.e2ee.addKeyPackages(b1.id, [{ ref: 'last-2', data: blob('last2'), lastResort: true }], {
        maxPool: 5,
        now: f.tick(),
      });
      expect((await f.s.e2ee.claimKeyPackage(b1.id, f.tick()))?.ref).toBe('last-2');

      // Revoked devices neither take nor hand out packages.
      await f.s.e2ee.revokeDevice(b1.id, f.tick());
      expect(await f.s.e2ee.claimKeyPackage(b1.id, f.tick())).toBeNull();
      expect(await f.s.e2ee.addKeyPackages(b1.id, one, { maxPool: 5, now: f.tick() })).toBeNull();
      expect(await f.s.e2ee.keyPackageStatus(b1.id)).toEqual({ available: 0, lastResort: false });
    });

    it('orders commits per epoch (first wins, others stale), shares the conversation seq, holds Welcomes', async () => {
      const g = await f.group([f.alice, f.bob, f.carol]);
      const a1 = await device(f.alice);
      const b1 = await device(f.bob);
      const c1 = await device(f.carol);
      const sys = await f.send(g.id, f.alice, 'plain before');
      expect(sys.seq).toBe(1);
      // No group yet: only epoch 0 can create it.
      expect(await commit(g.id, { userId: f.alice.id, id: a1.id }, 3)).toEqual({
        status: 'stale_epoch',
        currentEpoch: 0,
      });
      const welcome = blob('welcome');
      const first = await commit(g.id, { userId: f.alice.id, id: a1.id }, 0, {
        adds: [{ deviceId: b1.id, userId: f.bob.id }],
        welcome,
      });
      expect(first.status).toBe('accepted');
      if (first.status !== 'accepted') return;
      expect(first.message).toMatchObject({ seq: 2, kind: 'commit', epoch: 0, senderDeviceId: a1.id });
      expect(first.group.epoch).toBe(1);
      expect(first.group.roster.map((r) => r.deviceId).sort()).toEqual([a1.id, b1.id].sort());
      const stored = await f.s.e2ee.findGroup(g.id);
      expect(stored?.epoch).toBe(1);

      // Two commits race for epoch 1: exactly one is accepted, the other is stale and leaves nothing.
      const race = await Promise.all([
        commit(g.id, { userId: f.alice.id, id: a1.id }, 1, {
          adds: [{ deviceId: c1.id, userId: f.carol.id }],
          welcome: blob('welcome-a'),
        }),
        commit(g.id, { userId: f.bob.id, id: b1.id }, 1, {
          adds: [{ deviceId: c1.id, userId: f.carol.id }],
          welcome: blob('welcome-b'),
        }),
      ]);
      expect(race.map((r) => r.status).sort()).toEqual(['accepted', 'stale_epoch']);
      const loser = race.find((r) => r.status === 'stale_epoch');
      expect(loser).toEqual({ status: 'stale_epoch', currentEpoch: 2 });
      const winner = race.find((r) => r.status === 'accepted');
      // Carol's device has exactly the winner's Welcome, landing in epoch 2 after the winning commit.
      const carols = await f.s.e2ee.pendingWelcomes(c1.id);
      expect(carols).toHaveLength(1);
      expect(carols[0]).toMatchObject({ conversationId: g.id, epoch: 2 });
      if (winner?.status === 'accepted') expect(carols[0]?.commitSeq).toBe(winner.message.seq);
      expect(text(carols[0]?.data ?? null)).toMatch(/^welcome-[ab]:/);
      expect(await f.s.e2ee.pendingWelcomes(a1.id)).toEqual([]);
      expect((await f.s.e2ee.pendingWelcomes(b1.id)).map((w) => w.epoch)).toEqual([1]);

      // The same blob twice is a replay.
      const data = blob('again');
      expect((await commit(g.id, { userId: f.alice.id, id: a1.id }, 2, { data })).status).toBe('accepted');
      expect(await commit(g.id, { userId: f.alice.id, id: a1.id }, 3, { data })).toEqual({ status: 'duplicate' });

      // Removing a device takes it out of the roster.
      const removed = await commit(g.id, { userId: f.alice.id, id: a1.id }, 3, { removes: [b1.id] });
      expect(removed.status === 'accepted' && removed.group.roster.map((r) => r.deviceId).sort()).toEqual(
        [a1.id, c1.id].sort(),
      );

      // Plain and MLS messages share one gapless seq.
      const plain = await f.send(g.id, f.bob, 'plain after');
      const conv = await f.s.conversations.findById(g.id);
      expect(plain.seq).toBe(conv?.lastSeq);
      const log = await f.s.e2ee.messagesAfter(g.id, 0, { limit: 100, floor: 0 });
      const seqs = [1, ...log.map((m) => m.seq), plain.seq].sort((x, y) => x - y);
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
      expect(await commit(randomUUID(), { userId: f.alice.id, id: a1.id }, 0)).toEqual({ status: 'not_found' });
    });

    it('application messages: current epoch only, idempotent per device, replay refused, sender read', async () => {
      const g = await f.group([f.alice, f.bob]);
      const a1 = await device(f.alice);
      const b1 = await device(f.bob);
      const alice = { userId: f.alice.id, id: a1.id };
      expect(await app(g.id, alice, 0)).toEqual({ status: 'no_group' });
      await commit(g.id, alice, 0, { adds: [{ deviceId: b1.id, userId: f.bob.id }], welcome: blob('w') });
      const before = (await f.s.conversations.findById(g.id))?.lastActivityAt.getTime() ?? 0;
      const data = blob('hello');
      const sent = await app(g.id, alice, 1, data, 'cm-1');
      expect(sent.status).toBe('accepted');
      if (sent.status !== 'accepted') return;
      expect(sent).toMatchObject({ created: true, message: { kind: 'application', epoch: 1, clientMsgId: 'cm-1' } });
      expect(text(sent.message.frankingTag)).toMatch(/^tag:/);
      expect(text(sent.message.data)).toBe(text(data));
      // Retry with the same clientMsgId (even after the epoch moved) returns the original.
      await commit(g.id, { userId: f.bob.id, id: b1.id }, 1);
      const retry = await app(g.id, alice, 1, blob('hello-retry'), 'cm-1');
      expect(retry).toMatchObject({ status: 'accepted', created: false, message: { id: sent.message.id } });
      // A message for a past epoch must be re-encrypted.
      expect(await app(g.id, alice, 1)).toEqual({ status: 'stale_epoch', currentEpoch: 2 });
      // The same ciphertext again (another clientMsgId): a replay.
      expect(await app(g.id, { userId: f.bob.id, id: b1.id }, 2, data)).toEqual({ status: 'duplicate' });
      const conv = await f.s.conversations.findById(g.id);
      expect(conv?.lastActivityAt.getTime()).toBeGreaterThan(before);
      expect((await f.s.participants.find(g.id, f.alice.id))?.lastReadSeq).toBe(sent.message.seq);
      expect((await f.s.e2ee.findMessages([sent.message.id, 'nope'])).map((m) => m.id)).toEqual([sent.message.id]);
    });

    it('messagesAfter pages by seq above the floor; the change feed carries references only', async () => {
      const g = await f.group([f.alice, f.bob]);
      const a1 = await device(f.alice);
      const b1 = await device(f.bob);
      const c1 = await device(f.carol);
      const alice = { userId: f.alice.id, id: a1.id };
      await commit(g.id, alice, 0, { adds: [{ deviceId: b1.id, userId: f.bob.id }], welcome: blob('w1') });
      for (let i = 0; i < 4; i++) await app(g.id, alice, 1);
      await f.s.participants.add(g.id, f.carol.id, 'member', f.alice.id, f.tick());
      const joined = (await f.s.participants.find(g.id, f.carol.id))?.joinedSeq ?? 0;
      await commit(g.id, alice, 1, { adds: [{ deviceId: c1.id, userId: f.carol.id }], welcome: blob('w2') });
      await app(g.id, alice, 2, blob('canary-in-ciphertext'));

      const page1 = await f.s.e2ee.messagesAfter(g.id, 0, { limit: 3, floor: 0 });
      const page2 = await f.s.e2ee.messagesAfter(g.id, page1.at(-1)?.seq ?? 0, { limit: 100, floor: 0 });
      expect([...page1, ...page2].map((m) => m.kind)).toEqual([
        'commit',
        'application',
        'application',
        'application',
        'application',
        'commit',
        'application',
      ]);
      const forCarol = await f.s.e2ee.messagesAfter(g.id, 0, { limit: 100, floor: joined });
      expect(forCarol.map((m) => m.kind)).toEqual(['commit', 'application']);

      const feed = await f.s.conversations.changesAfter(g.id, 0, { viewerId: f.carol.id, limit: 100 });
      const mine = feed.items.filter((c) => c.type.startsWith('e2ee.'));
      expect(mine.map((c) => c.type)).toEqual(['e2ee.message', 'e2ee.welcome', 'e2ee.message']);
      expect(mine[1]).toMatchObject({ audience: f.carol.id, data: { epoch: 2 } });
      const bobs = await f.s.conversations.changesAfter(g.id, 0, { viewerId: f.bob.id, limit: 100 });
      const bobTypes = bobs.items.filter((c) => c.type.startsWith('e2ee.')).map((c) => c.type);
      expect(bobTypes).toEqual(['e2ee.message', 'e2ee.welcome', ...Array(6).fill('e2ee.message')]);
      expect(JSON.stringify(bobs.items)).not.toContain('canary');
      // The rows are in the conversation's dense change sequence.
      const seqs = bobs.items.map((c) => c.changeSeq);
      expect(seqs.at(-1)).toBe((await f.s.conversations.findById(g.id))?.changeSeq);
    });

    it('blobs: stored rows per upload, counted by storage key, deleted once', async () => {
      const g = await f.group([f.alice, f.bob]);
      const blob = {
        id: randomUUID(),
        conversationId: g.id,
        uploaderId: f.alice.id,
        storageKey: 'key-1',
        size: 123,
        sha256: 'ab'.repeat(32),
        createdAt: f.tick(),
      };
      await f.s.e2ee.addBlob(blob);
      await f.s.e2ee.addBlob({ ...blob, id: randomUUID() });
      expect(await f.s.e2ee.findBlob(blob.id)).toEqual(blob);
      expect(await f.s.e2ee.countBlobsByKey('key-1')).toBe(2);
      expect(await f.s.e2ee.deleteBlob(blob.id)).toEqual(blob);
      expect(await f.s.e2ee.deleteBlob(blob.id)).toBeNull();
      expect(await f.s.e2ee.findBlob(blob.id)).toBeNull();
      expect(await f.s.e2ee.countBlobsByKey('key-1')).toBe(1);
    });

    it('report evidence: one per report, bytes kept exactly', async () => {
      const g = await f.group([f.alice, f.bob]);
      const report = await f.s.reports.create({
        reporterId: f.bob.id,
        targetType: 'message',
        targetId: randomUUID(),
        conversationId: g.id,
        reason: 'abuse',
        note: '',
        createdAt: f.tick(),
      });
      const evidence = {
        reportId: report.id,
        messageId: report.targetId,
        conversationId: g.id,
        senderId: f.alice.id,
        payload: new Uint8Array([0, 1, 2, 250, 255]),
        frankingKey: new Uint8Array(32).fill(7),
        createdAt: f.tick(),
      };
      await f.s.e2ee.addReportEvidence(evidence);
      expect(await f.s.e2ee.findReportEvidence(report.id)).toEqual(evidence);
      await expect(f.s.e2ee.addReportEvidence(evidence)).rejects.toBeInstanceOf(DuplicateKeyError);
      expect(await f.s.e2ee.findReportEvidence(randomUUID())).toBeNull();
    });

    it('Welcomes: only for the added devices, acknowledged once, dropped with a revoked device', async () => {
      const g = await f.group([f.alice, f.bob]);
      const a1 = await device(f.alice);
      const b1 = await device(f.bob);
      const b2 = await device(f.bob);
      const res = await commit(g.id, { userId: f.alice.id, id: a1.id }, 0, {
        adds: [
          { deviceId: b1.id, userId: f.bob.id },
          { deviceId: b2.id, userId: f.bob.id },
        ],
        welcome: blob('welcome'),
      });
      expect(res.status === 'accepted' && res.welcomeId).toBeTruthy();
      const id = res.status === 'accepted' ? (res.welcomeId as string) : '';
      expect((await f.s.e2ee.pendingWelcomes(b1.id)).map((w) => w.id)).toEqual([id]);
      expect(await f.s.e2ee.ackWelcome(id, a1.id)).toBe(false);
      expect(await f.s.e2ee.ackWelcome(id, b1.id)).toBe(true);
      expect(await f.s.e2ee.ackWelcome(id, b1.id)).toBe(false);
      expect(await f.s.e2ee.pendingWelcomes(b1.id)).toEqual([]);
      expect((await f.s.e2ee.pendingWelcomes(b2.id)).map((w) => w.id)).toEqual([id]);
      await f.s.e2ee.revokeDevice(b2.id, f.tick());
      expect(await f.s.e2ee.pendingWelcomes(b2.id)).toEqual([]);
      // One e2ee.welcome row per added user, not per device.
      const feed = await f.s.conversations.changesAfter(g.id, 0, { viewerId: f.bob.id, limit: 100 });
      expect(feed.items.filter((c) => c.type === 'e2ee.welcome')).toHaveLength(1);
    });
  });
}
