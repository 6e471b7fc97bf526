import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DAY_MS, DuplicateKeyError, type NewReport, type Storage, type UserRecord } from '../ports.ts';

/**
 * Reports, audit log and admin statistics contract. `open` returns a fresh, empty storage; the
 * runner files call this once per adapter (sqlite.contract.test.ts, mongo.contract.test.ts).
 */
export function moderationContract(open: () => Promise<Storage>): void {
  describe('moderation', () => moderationCases(open));
}

function moderationCases(open: () => Promise<Storage>): void {
  let storage: Storage;
  let alice: UserRecord;
  let bob: UserRecord;
  const t0 = new Date('2026-03-01T12:00:00.000Z');
  const later = (ms: number) => new Date(t0.getTime() + ms);

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

  describe('reports', () => {
    const report = (over: Partial<NewReport> = {}): NewReport => ({
      reporterId: alice.id,
      targetType: 'user',
      targetId: bob.id,
      conversationId: null,
      reason: 'spam',
      note: 'sells things',
      createdAt: t0,
      ...over,
    });

    it('creates an open report and finds it', async () => {
      const r = await storage.reports.create(report());
      expect(r).toMatchObject({ reporterId: alice.id, targetType: 'user', targetId: bob.id, status: 'open' });
      expect(r.resolvedAt).toBeNull();
      expect(r.createdAt.getTime()).toBe(t0.getTime());
      expect(await storage.reports.findById(r.id)).toEqual(r);
      expect(await storage.reports.findById('missing')).toBeNull();
    });

    it('allows one open report per reporter and target; again once it is closed', async () => {
      const first = await storage.reports.create(report());
      await expect(storage.reports.create(report({ note: 'again' }))).rejects.toBeInstanceOf(DuplicateKeyError);
      // Another reporter, or another target, is fine.
      await storage.reports.create(report({ reporterId: bob.id, targetId: alice.id }));
      await storage.reports.create(report({ targetType: 'message', targetId: 'm1', conversationId: 'c1' }));
      const closed = await storage.reports.close(first.id, {
        status: 'dismissed',
        note: 'not spam',
        resolvedBy: bob.id,
        now: later(1000),
      });
      expect(closed).toMatchObject({ status: 'dismissed', resolutionNote: 'not spam', resolvedBy: bob.id });
      expect(closed?.resolvedAt?.getTime()).toBe(later(1000).getTime());
      await expect(storage.reports.create(report({ createdAt: later(2000) }))).resolves.toMatchObject({
        status: 'open',
      });
    });

    it('closes only open reports (a second moderator gets null)', async () => {
      const r = await storage.reports.create(report());
      const change = { status: 'resolved' as const, note: 'done', resolvedBy: bob.id, now: later(1) };
      expect(await storage.reports.close(r.id, change)).not.toBeNull();
      expect(await storage.reports.close(r.id, { ...change, status: 'dismissed' })).toBeNull();
      expect((await storage.reports.findById(r.id))?.status).toBe('resolved');
      expect(await storage.reports.close('missing', change)).toBeNull();
    });

    it('keeps the group moderators’ status apart from the site-level one', async () => {
      const r = await storage.reports.create(report({ targetType: 'message', targetId: 'm1', conversationId: 'c1' }));
      expect(r).toMatchObject({ status: 'open', groupStatus: 'open', groupResolvedBy: null, groupResolvedAt: null });
      const change = { status: 'dismissed' as const, note: 'fine by us', resolvedBy: bob.id, now: later(5) };
      const byGroup = await storage.reports.closeForGroup(r.id, change);
      expect(byGroup).toMatchObject({
        status: 'open',
        groupStatus: 'dismissed',
        groupResolutionNote: 'fine by us',
        groupResolvedBy: bob.id,
        resolvedBy: null,
      });
      expect(byGroup?.groupResolvedAt?.getTime()).toBe(later(5).getTime());
      expect(await storage.reports.closeForGroup(r.id, change)).toBeNull();
      // Still open for site admins, and a site decision leaves the group's alone.
      expect((await storage.reports.list({ status: 'open', limit: 10 })).items.map((x) => x.id)).toEqual([r.id]);
      expect(await storage.reports.list({ conversationId: 'c1', groupStatus: 'open', limit: 10 })).toMatchObject({
        items: [],
      });
      const site = await storage.reports.close(r.id, { ...change, status: 'resolved', note: 'removed' });
      expect(site).toMatchObject({ status: 'resolved', resolutionNote: 'removed', groupStatus: 'dismissed' });
      const other = await storage.reports.create(
        report({ targetType: 'message', targetId: 'm2', conversationId: 'c1', createdAt: later(9) }),
      );
      await storage.reports.close(other.id, { ...change, status: 'resolved' });
      const open = await storage.reports.list({ conversationId: 'c1', groupStatus: 'open', limit: 10 });
      expect(open.items.map((x) => [x.id, x.status, x.groupStatus])).toEqual([[other.id, 'resolved', 'open']]);
      expect(await storage.reports.closeForGroup('missing', change)).toBeNull();
    });

    it('lists newest first, filtered by status and conversation, with a cursor', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const r = await storage.reports.create(
          report({
            targetType: 'message',
            targetId: `m${i}`,
            conversationId: i % 2 ? 'c1' : 'c2',
            createdAt: later(i * 1000),
          }),
        );
        ids.push(r.id);
      }
      await storage.reports.close(ids[0] as string, {
        status: 'resolved',
        note: '',
        resolvedBy: bob.id,
        now: later(9000),
      });
      const p1 = await storage.reports.list({ limit: 2 });
      expect(p1.items.map((r) => r.id)).toEqual([ids[4], ids[3]]);
      expect(p1.nextCursor).not.toBeNull();
      const p2 = await storage.reports.list({ limit: 2, cursor: p1.nextCursor ?? undefined });
      expect(p2.items.map((r) => r.id)).toEqual([ids[2], ids[1]]);
      const p3 = await storage.reports.list({ limit: 2, cursor: p2.nextCursor ?? undefined });
      expect(p3.items.map((r) => r.id)).toEqual([ids[0]]);
      expect(p3.nextCursor).toBeNull();
      expect((await storage.reports.list({ status: 'open', limit: 10 })).items).toHaveLength(4);
      expect((await storage.reports.list({ status: 'resolved', limit: 10 })).items.map((r) => r.id)).toEqual([ids[0]]);
      expect((await storage.reports.list({ conversationId: 'c1', limit: 10 })).items.map((r) => r.id)).toEqual([
        ids[3],
        ids[1],
      ]);
    });
  });

  describe('audit log', () => {
    it('appends entries and lists them newest first, filtered, with a cursor', async () => {
      const a = await storage.auditLog.append({
        actorId: alice.id,
        action: 'user.suspended',
        targetType: 'user',
        targetId: bob.id,
        conversationId: null,
        details: { reason: 'spam', nested: { ok: true } },
        createdAt: t0,
      });
      const b = await storage.auditLog.append({
        actorId: bob.id,
        action: 'message.deleted',
        targetType: 'message',
        targetId: 'm1',
        conversationId: 'c1',
        details: {},
        createdAt: later(1000),
      });
      const all = await storage.auditLog.list({ limit: 10 });
      expect(all.items.map((e) => e.id)).toEqual([b.id, a.id]);
      expect(all.items[1]).toEqual(a);
      expect(all.items[1]?.details).toEqual({ reason: 'spam', nested: { ok: true } });
      expect((await storage.auditLog.list({ actorId: alice.id, limit: 10 })).items.map((e) => e.id)).toEqual([a.id]);
      expect((await storage.auditLog.list({ targetId: 'm1', limit: 10 })).items.map((e) => e.id)).toEqual([b.id]);
      expect((await storage.auditLog.list({ conversationId: 'c1', limit: 10 })).items.map((e) => e.id)).toEqual([b.id]);
      const first = await storage.auditLog.list({ limit: 1 });
      const second = await storage.auditLog.list({ limit: 1, cursor: first.nextCursor ?? undefined });
      expect(second.items.map((e) => e.id)).toEqual([a.id]);
      expect(second.nextCursor).toBeNull();
    });
  });

  describe('stats', () => {
    it('counts totals and a zero-filled daily series over the window', async () => {
      const now = new Date();
      const carol = await newUser('carol');
      const dave = await newUser('dave');
      await storage.users.update(dave.id, { deletedAt: now });
      await storage.users.update(carol.id, { lastSeenAt: new Date(now.getTime() - 60_000) });
      const group = await storage.conversations.create({
        kind: 'group',
        title: 'G',
        createdBy: alice.id,
        members: [{ userId: bob.id, role: 'member' }],
        now: new Date(now.getTime() - 3 * DAY_MS),
      });
      await storage.conversations.createDirect(alice.id, bob.id, now);
      const send = (senderId: string, at: Date, clientMsgId: string) =>
        storage.messages.send({ conversationId: group.id, senderId, clientMsgId, kind: 'text', text: 'hi', now: at });
      await send(alice.id, now, 'a1');
      await send(alice.id, now, 'a2');
      await send(bob.id, new Date(now.getTime() - 2 * DAY_MS), 'b1');
      const media = (size: number, at: Date) =>
        storage.media.create({
          uploaderId: alice.id,
          kind: 'file',
          mime: 'application/pdf',
          size,
          width: null,
          height: null,
          duration: null,
          fileName: 'f.pdf',
          sha256: 'f'.repeat(64),
          storageKey: 'f'.repeat(64),
          thumbnailKey: null,
          createdAt: at,
        });
      await media(100, now);
      await media(50, now);
      await media(7, new Date(now.getTime() - 10 * DAY_MS));

      const s = await storage.stats.overview(now, 7);
      expect(s.users).toBe(3);
      expect(s.conversations).toEqual({ direct: 1, group: 1, channel: 0 });
      expect(s.messages).toBe(3);
      expect(s.mediaCount).toBe(3);
      expect(s.mediaBytes).toBe(157);
      // alice sent today, carol was seen a minute ago; bob sent two days ago.
      expect(s.active24h).toBe(2);
      expect(s.active7d).toBe(3);
      expect(s.daily).toHaveLength(7);
      const today = s.daily.at(-1);
      expect(today?.date).toBe(now.toISOString().slice(0, 10));
      expect(today).toMatchObject({ signups: 4, messages: 2, activeUsers: 1, mediaUploads: 2, mediaBytes: 150 });
      expect(s.daily.at(-3)).toMatchObject({ messages: 1, activeUsers: 1, mediaUploads: 0 });
      expect(s.daily[0]).toMatchObject({ signups: 0, messages: 0, activeUsers: 0, mediaUploads: 0, mediaBytes: 0 });
      const wide = await storage.stats.overview(now, 30);
      expect(wide.daily).toHaveLength(30);
      expect(wide.daily.reduce((n, d) => n + d.mediaUploads, 0)).toBe(3);
    });
  });
}
