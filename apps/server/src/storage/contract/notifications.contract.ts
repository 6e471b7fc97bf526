import { randomUUID } from 'node:crypto';
import type { PushPrefs } from '@charla/shared-types';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EnqueuePush, NewPushSubscription, Storage, UserRecord } from '../ports.ts';

/**
 * Push subscriptions, the durable push queue and the email digest. `open` returns a fresh, empty
 * storage; the runner files call this once per adapter (sqlite.contract.test.ts, mongo.contract.test.ts).
 */
export function notificationsContract(open: () => Promise<Storage>): void {
  describe('notifications', () => notificationCases(open));
}

function notificationCases(open: () => Promise<Storage>): void {
  const t0 = new Date('2026-03-01T10:00:00.000Z');
  const at = (ms: number) => new Date(t0.getTime() + ms);
  const prefs: PushPrefs = { level: 'all', hideContent: false, doNotDisturb: false, locale: 'en' };
  let storage: Storage;
  let alice: UserRecord;
  let bob: UserRecord;

  const newUser = (name: string) =>
    storage.users.create({
      email: `${name}-${randomUUID().slice(0, 8)}@example.com`,
      username: `${name}_${randomUUID().slice(0, 8)}`,
      displayName: name,
      passwordHash: null,
      role: 'user',
    });
  const sub = (over: Partial<NewPushSubscription> = {}): NewPushSubscription => ({
    userId: alice.id,
    sessionId: 's1',
    endpoint: 'https://push.example/e/1',
    p256dh: 'p'.repeat(87),
    auth: 'a'.repeat(22),
    prefs,
    now: t0,
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

  describe('push subscriptions', () => {
    it('one per session: re-subscribing updates keys and preferences, keeps createdAt', async () => {
      const a = await storage.pushSubscriptions.upsert(sub());
      expect(a).toMatchObject({ userId: alice.id, sessionId: 's1', endpoint: 'https://push.example/e/1', prefs });
      const b = await storage.pushSubscriptions.upsert(
        sub({ p256dh: 'q'.repeat(87), prefs: { ...prefs, level: 'mentions', locale: 'es' }, now: at(1000) }),
      );
      expect(b.id).toBe(a.id);
      expect(b).toMatchObject({ p256dh: 'q'.repeat(87), prefs: { level: 'mentions', locale: 'es' } });
      expect(b.createdAt.getTime()).toBe(t0.getTime());
      expect(b.updatedAt.getTime()).toBe(at(1000).getTime());
      expect(await storage.pushSubscriptions.findBySession('s1')).toEqual(b);
      expect(await storage.pushSubscriptions.findById(a.id)).toEqual(b);
      expect(await storage.pushSubscriptions.findBySession('nope')).toBeNull();
    });

    it("a session's new endpoint replaces its old one, with the old one's queued pushes", async () => {
      const old = await storage.pushSubscriptions.upsert(sub());
      await storage.pushQueue.enqueue(push(old.id));
      const renewed = await storage.pushSubscriptions.upsert(sub({ endpoint: 'https://push.example/e/2' }));
      expect(renewed.id).not.toBe(old.id);
      expect((await storage.pushSubscriptions.listByUser(alice.id)).map((s) => s.endpoint)).toEqual([
        'https://push.example/e/2',
      ]);
      expect(await storage.pushQueue.counts()).toEqual({ pending: 0, sending: 0 });
    });

    it('an endpoint moves to the session (and user) that subscribes it last', async () => {
      await storage.pushSubscriptions.upsert(sub());
      const moved = await storage.pushSubscriptions.upsert(sub({ userId: bob.id, sessionId: 's9' }));
      expect(await storage.pushSubscriptions.listByUser(alice.id)).toEqual([]);
      expect(await storage.pushSubscriptions.listByUser(bob.id)).toEqual([moved]);
      expect(await storage.pushSubscriptions.findBySession('s1')).toBeNull();
    });

    it('lists by user and deletes by id, session and user, with their queue', async () => {
      const a1 = await storage.pushSubscriptions.upsert(sub());
      const a2 = await storage.pushSubscriptions.upsert(sub({ sessionId: 's2', endpoint: 'https://push.example/e/2' }));
      const a3 = await storage.pushSubscriptions.upsert(sub({ sessionId: 's3', endpoint: 'https://push.example/e/3' }));
      const b1 = await storage.pushSubscriptions.upsert(
        sub({ userId: bob.id, sessionId: 's4', endpoint: 'https://push.example/e/4' }),
      );
      for (const s of [a1, a2, a3, b1]) await storage.pushQueue.enqueue(push(s.id, { userId: s.userId }));
      expect((await storage.pushSubscriptions.listByUser(alice.id)).map((s) => s.id).sort()).toEqual(
        [a1.id, a2.id, a3.id].sort(),
      );
      expect(await storage.pushSubscriptions.deleteById(a1.id)).toBe(1);
      expect(await storage.pushSubscriptions.deleteById(a1.id)).toBe(0);
      expect(await storage.pushSubscriptions.deleteBySession('s2')).toBe(1);
      expect(await storage.pushQueue.counts()).toEqual({ pending: 2, sending: 0 });
      expect(await storage.pushSubscriptions.deleteByUser(alice.id)).toBe(1);
      expect(await storage.pushSubscriptions.listByUser(alice.id)).toEqual([]);
      expect(await storage.pushSubscriptions.listByUser(bob.id)).toHaveLength(1);
      expect(await storage.pushQueue.counts()).toEqual({ pending: 1, sending: 0 });
    });
  });

  const push = (subscriptionId: string, over: Partial<EnqueuePush> = {}): EnqueuePush => ({
    subscriptionId,
    userId: alice.id,
    spaceId: 'home',
    conversationId: 'c1',
    messageId: 'm1',
    seq: 1,
    urgency: 'normal',
    content: { hidden: false, title: 'Bob', body: 'hi', mentioned: false },
    now: t0,
    dueAt: at(2000),
    ...over,
  });

  describe('push queue', () => {
    it('folds a burst into one pending push: newest message, growing count, rising urgency, same due time', async () => {
      const s = await storage.pushSubscriptions.upsert(sub());
      const first = await storage.pushQueue.enqueue(push(s.id));
      expect(first).toMatchObject({ count: 1, seq: 1, state: 'pending', attempts: 0, leaseUntil: null });
      const second = await storage.pushQueue.enqueue(
        push(s.id, {
          messageId: 'm2',
          seq: 2,
          urgency: 'high',
          content: { hidden: false, title: 'Bob', body: '$where: {"$ne": 1}', mentioned: true },
          now: at(500),
          dueAt: at(2500),
        }),
      );
      expect(second?.id).toBe(first?.id);
      expect(second).toMatchObject({
        count: 2,
        seq: 2,
        messageId: 'm2',
        urgency: 'high',
        content: { hidden: false, body: '$where: {"$ne": 1}', mentioned: true },
      });
      expect(second?.dueAt.getTime()).toBe(at(2000).getTime());
      // An older message arriving late counts but does not replace the newer one.
      const third = await storage.pushQueue.enqueue(
        push(s.id, { messageId: 'm0', seq: 0, content: { hidden: true }, urgency: 'normal' }),
      );
      expect(third).toMatchObject({ count: 3, seq: 2, messageId: 'm2', urgency: 'high', content: { hidden: false } });
      // Another conversation is another burst.
      const other = await storage.pushQueue.enqueue(push(s.id, { conversationId: 'c2', content: { hidden: true } }));
      expect(other?.id).not.toBe(first?.id);
      expect(other?.content).toEqual({ hidden: true });
      expect(await storage.pushQueue.counts()).toEqual({ pending: 2, sending: 0 });
    });

    it('queues nothing for a subscription that is gone', async () => {
      expect(await storage.pushQueue.enqueue(push('missing'))).toBeNull();
      expect(await storage.pushQueue.counts()).toEqual({ pending: 0, sending: 0 });
    });

    it('claims due pushes once, under a lease; an expired lease (dead worker) is claimed again', async () => {
      const s = await storage.pushSubscriptions.upsert(sub());
      await storage.pushQueue.enqueue(push(s.id, { dueAt: at(1000) }));
      await storage.pushQueue.enqueue(push(s.id, { conversationId: 'c2', dueAt: at(3000) }));
      expect(await storage.pushQueue.claimDue(at(999), 10_000, 10)).toEqual([]);
      const [job, ...rest] = await storage.pushQueue.claimDue(at(1000), 10_000, 10);
      expect(rest).toEqual([]);
      expect(job).toMatchObject({ conversationId: 'c1', state: 'sending', attempts: 1 });
      expect(job?.leaseUntil?.getTime()).toBe(at(11_000).getTime());
      expect(await storage.pushQueue.claimDue(at(2000), 10_000, 10)).toEqual([]);
      const both = await storage.pushQueue.claimDue(at(11_000), 10_000, 10);
      expect(both.map((j) => [j.conversationId, j.attempts])).toEqual([
        ['c1', 2],
        ['c2', 1],
      ]);
      // The first holder's lease is over: it may no longer complete the push.
      expect(await storage.pushQueue.complete(job?.id ?? '', job?.leaseUntil ?? t0)).toBe(false);
      const current = both[0];
      expect(await storage.pushQueue.complete(current?.id ?? '', current?.leaseUntil ?? t0)).toBe(true);
      expect(await storage.pushQueue.counts()).toEqual({ pending: 0, sending: 1 });
    });

    it('respects the claim limit, oldest due first', async () => {
      const s = await storage.pushSubscriptions.upsert(sub());
      for (const [i, c] of ['c3', 'c1', 'c2'].entries())
        await storage.pushQueue.enqueue(push(s.id, { conversationId: c, dueAt: at([300, 100, 200][i] ?? 0) }));
      const claimed = await storage.pushQueue.claimDue(at(1000), 5000, 2);
      expect(claimed.map((j) => j.conversationId)).toEqual(['c1', 'c2']);
    });

    it('a message during sending starts the next burst; a retry folds into it', async () => {
      const s = await storage.pushSubscriptions.upsert(sub());
      await storage.pushQueue.enqueue(push(s.id, { dueAt: at(0) }));
      const [sending] = await storage.pushQueue.claimDue(at(0), 10_000, 1);
      const next = await storage.pushQueue.enqueue(push(s.id, { messageId: 'm2', seq: 2, dueAt: at(5000) }));
      expect(next?.id).not.toBe(sending?.id);
      expect(next?.count).toBe(1);
      expect(await storage.pushQueue.counts()).toEqual({ pending: 1, sending: 1 });
      expect(await storage.pushQueue.retry(sending?.id ?? '', sending?.leaseUntil ?? t0, at(3000), '503')).toBe(true);
      expect(await storage.pushQueue.counts()).toEqual({ pending: 1, sending: 0 });
      const [merged] = await storage.pushQueue.claimDue(at(3000), 10_000, 1);
      expect(merged).toMatchObject({ id: next?.id, count: 2, seq: 2, messageId: 'm2', attempts: 2, lastError: '503' });
    });

    it('a retry goes back to pending at its new due time; only the lease holder may retry', async () => {
      const s = await storage.pushSubscriptions.upsert(sub());
      await storage.pushQueue.enqueue(push(s.id, { dueAt: at(0) }));
      const [job] = await storage.pushQueue.claimDue(at(0), 10_000, 1);
      expect(await storage.pushQueue.retry(job?.id ?? '', at(1), at(4000), 'x')).toBe(false);
      expect(await storage.pushQueue.retry(job?.id ?? '', job?.leaseUntil ?? t0, at(4000), '429 Too Many')).toBe(true);
      expect((await storage.pushQueue.nextDue())?.getTime()).toBe(at(4000).getTime());
      expect(await storage.pushQueue.claimDue(at(3999), 10_000, 1)).toEqual([]);
      const [again] = await storage.pushQueue.claimDue(at(4000), 10_000, 1);
      expect(again).toMatchObject({ id: job?.id, attempts: 2, lastError: '429 Too Many', count: 1 });
    });

    it('reading cancels pending pushes up to the seq read, for that reader and conversation only', async () => {
      const sa = await storage.pushSubscriptions.upsert(sub());
      const sb = await storage.pushSubscriptions.upsert(
        sub({ userId: bob.id, sessionId: 's2', endpoint: 'https://push.example/e/2' }),
      );
      await storage.pushQueue.enqueue(push(sa.id, { seq: 5 }));
      await storage.pushQueue.enqueue(push(sa.id, { conversationId: 'c2', seq: 1 }));
      await storage.pushQueue.enqueue(push(sb.id, { userId: bob.id, seq: 5 }));
      expect(await storage.pushQueue.cancelRead(alice.id, 'c1', 4)).toBe(0);
      expect(await storage.pushQueue.cancelRead(alice.id, 'c1', 5)).toBe(1);
      expect(await storage.pushQueue.counts()).toEqual({ pending: 2, sending: 0 });
      expect(await storage.pushQueue.nextDue()).not.toBeNull();
    });

    it('nextDue is the earliest pending due time or lease end; null when empty', async () => {
      expect(await storage.pushQueue.nextDue()).toBeNull();
      const s = await storage.pushSubscriptions.upsert(sub());
      await storage.pushQueue.enqueue(push(s.id, { dueAt: at(100) }));
      await storage.pushQueue.enqueue(push(s.id, { conversationId: 'c2', dueAt: at(50_000) }));
      await storage.pushQueue.claimDue(at(100), 20_000, 1);
      expect((await storage.pushQueue.nextDue())?.getTime()).toBe(at(20_100).getTime());
    });
  });

  describe('email digest', () => {
    const missed = (over: Partial<Parameters<Storage['emailDigest']['recordMissed']>[0][number]> = {}) => ({
      spaceId: 'home',
      userId: alice.id,
      conversationId: 'c1',
      messageId: randomUUID(),
      seq: 1,
      mention: false,
      createdAt: t0,
      ...over,
    });

    it('settings: none until saved; saving off forgets what was collected', async () => {
      expect(await storage.emailDigest.findSettings(alice.id)).toBeNull();
      const s = await storage.emailDigest.saveSettings(
        alice.id,
        { enabled: true, delayMinutes: 30, hideContent: true, locale: 'es' },
        t0,
      );
      expect(s).toMatchObject({
        userId: alice.id,
        enabled: true,
        delayMinutes: 30,
        hideContent: true,
        lastSentAt: null,
      });
      await storage.emailDigest.recordMissed([missed()]);
      await storage.emailDigest.saveSettings(
        alice.id,
        { enabled: false, delayMinutes: 45, hideContent: false, locale: 'en' },
        at(1),
      );
      expect(await storage.emailDigest.findSettings(alice.id)).toMatchObject({ enabled: false, delayMinutes: 45 });
      expect(await storage.emailDigest.listMissed(alice.id)).toEqual([]);
    });

    it('missed messages: repeats ignored, cleared by reading and by a sent digest', async () => {
      const m1 = missed({ seq: 1, createdAt: at(0) });
      const m2 = missed({ seq: 2, createdAt: at(1000), mention: true, conversationId: 'c2' });
      const m3 = missed({ seq: 3, createdAt: at(2000) });
      await storage.emailDigest.recordMissed([m1, m2, m3, m1]);
      await storage.emailDigest.recordMissed([{ ...m1, userId: bob.id }]);
      expect(await storage.emailDigest.listMissed(alice.id)).toEqual([m1, m2, m3]);
      expect(await storage.emailDigest.clearRead(alice.id, 'c1', 1)).toBe(1);
      expect(await storage.emailDigest.clearUntil(alice.id, at(1000))).toBe(1);
      expect(await storage.emailDigest.listMissed(alice.id)).toEqual([m3]);
      expect(await storage.emailDigest.listMissed(bob.id)).toHaveLength(1);
    });

    it('due users: digest on, oldest missed past the delay, last digest past the gap; claimed once', async () => {
      const hour = 3_600_000;
      await storage.emailDigest.saveSettings(
        alice.id,
        { enabled: true, delayMinutes: 30, hideContent: false, locale: 'en' },
        t0,
      );
      await storage.emailDigest.saveSettings(
        bob.id,
        { enabled: false, delayMinutes: 5, hideContent: false, locale: 'en' },
        t0,
      );
      await storage.emailDigest.recordMissed([missed({ createdAt: t0 }), missed({ userId: bob.id, createdAt: t0 })]);
      expect(await storage.emailDigest.dueUsers(at(29 * 60_000), hour, 10)).toEqual([]);
      expect(await storage.emailDigest.dueUsers(at(30 * 60_000), hour, 10)).toEqual([alice.id]);
      expect(await storage.emailDigest.claimSend(alice.id, null, at(30 * 60_000))).toBe(true);
      // A second node with the same view loses the race.
      expect(await storage.emailDigest.claimSend(alice.id, null, at(30 * 60_000))).toBe(false);
      expect((await storage.emailDigest.findSettings(alice.id))?.lastSentAt?.getTime()).toBe(at(30 * 60_000).getTime());
      // Still missed (not yet cleared), but the last digest is recent.
      expect(await storage.emailDigest.dueUsers(at(80 * 60_000), hour, 10)).toEqual([]);
      expect(await storage.emailDigest.dueUsers(at(90 * 60_000), hour, 10)).toEqual([alice.id]);
      expect(await storage.emailDigest.claimSend(alice.id, at(30 * 60_000), at(90 * 60_000))).toBe(true);
      // A mail that could not be sent gives its claim back.
      expect(await storage.emailDigest.claimSend(alice.id, at(90 * 60_000), at(30 * 60_000))).toBe(true);
      expect((await storage.emailDigest.findSettings(alice.id))?.lastSentAt?.getTime()).toBe(at(30 * 60_000).getTime());
      expect(await storage.emailDigest.claimSend(alice.id, at(30 * 60_000), at(90 * 60_000))).toBe(true);
      await storage.emailDigest.disable(alice.id, at(91 * 60_000));
      expect(await storage.emailDigest.dueUsers(at(500 * 60_000), hour, 10)).toEqual([]);
      expect(await storage.emailDigest.claimSend(alice.id, at(90 * 60_000), at(500 * 60_000))).toBe(false);
    });

    it('unsubscribe tokens work once, until they expire', async () => {
      await storage.emailDigest.createUnsubscribeToken(alice.id, 'h1', at(1000), t0);
      await storage.emailDigest.createUnsubscribeToken(alice.id, 'h2', at(1000), t0);
      expect(await storage.emailDigest.consumeUnsubscribeToken('h1', at(10))).toBe(alice.id);
      expect(await storage.emailDigest.consumeUnsubscribeToken('h1', at(20))).toBeNull();
      expect(await storage.emailDigest.consumeUnsubscribeToken('h2', at(1000))).toBeNull();
      expect(await storage.emailDigest.consumeUnsubscribeToken('nope', at(10))).toBeNull();
    });
  });
}
