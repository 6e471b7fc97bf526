import { randomUUID } from 'node:crypto';
import type { AdminStats, Leaderboard, Message, MyPoints, PointsEntry, PointsProfile } from '@charla/shared-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSocket, nextEvent, type Rest, restAs } from '../../../test/chat.ts';
import { type RegisteredUser, registerUser, startTestApp, type TestApp } from '../../../test/harness.ts';

const HOUR = 3_600_000;

describe('points: awards from messaging facts, fairness and the REST surface', () => {
  let t: TestApp;
  let alice: RegisteredUser;
  let bob: RegisteredUser;
  let carol: RegisteredUser;
  let admin: RegisteredUser;
  let as: Record<'alice' | 'bob' | 'carol', Rest>;
  let group: string;

  beforeAll(async () => {
    t = await startTestApp({
      env: {
        ADMIN_EMAILS: 'points-admin@example.com',
        // The clock moves past the quick-delete window and the direct-chat account age below.
        ACCESS_TOKEN_TTL_SECONDS: '86400',
        POINTS_DIRECT_MIN_ACCOUNT_AGE_HOURS: '1',
      },
    });
    // The first account of a fresh server is a site admin: register the admin first.
    admin = await registerUser(t, { email: 'points-admin@example.com' });
    [alice, bob, carol] = await Promise.all([registerUser(t), registerUser(t), registerUser(t)]);
    as = {
      alice: restAs(t.api, alice.accessToken),
      bob: restAs(t.api, bob.accessToken),
      carol: restAs(t.api, carol.accessToken),
    };
    const created = await as.alice.post<{ id: string }>('/conversations', {
      kind: 'group',
      title: 'Points',
      memberIds: [bob.user.id, carol.user.id],
    });
    group = created.body.data.id;
  });
  afterAll(async () => {
    await t?.close();
  });

  const send = async (who: Rest, conversationId: string, extra: Record<string, unknown> = {}) => {
    const res = await who.post<Message>(`/conversations/${conversationId}/messages`, {
      clientMsgId: randomUUID(),
      // Under the detector's 10 letters, so no language: these totals are the metadata rules alone
      // (Polyglot from live languages is points.language.test.ts).
      text: 'hi there',
      ...extra,
    });
    expect(res.status).toBe(201);
    await t.charla.points.settled();
    return res.body.data;
  };
  const react = async (who: Rest, messageId: string, emoji: string) => {
    expect((await who.put(`/messages/${messageId}/reactions/${encodeURIComponent(emoji)}`)).status).toBe(200);
    await t.charla.points.settled();
  };
  const mine = async (who: Rest) => (await who.get<MyPoints>('/points/me')).body.data;
  const rules = async (userId: string) => (await t.storage.points.totals(userId))?.rules ?? {};

  it('awards the first message of the day once, a streak day, and "First words" with a live toast', async () => {
    const socket = await connectSocket(t.url, alice.accessToken);
    try {
      const toast = nextEvent(socket, 'points:achievement');
      await send(as.alice, group);
      expect(await toast).toMatchObject({ id: 'first_words', tier: 'bronze', points: 7, level: 1 });
      await send(as.alice, group);
      const me = await mine(as.alice);
      expect(me).toMatchObject({ points: 7, level: 1, levelStart: 0, nextLevelAt: 10, visibility: 'members' });
      expect(me.achievements.find((a) => a.id === 'first_words')).toMatchObject({ tier: 'bronze', next: null });
      expect(me.achievements.find((a) => a.id === 'helpful')).toMatchObject({
        tier: null,
        progress: 0,
        next: { tier: 'bronze', goal: 10 },
      });
      expect(await rules(alice.user.id)).toEqual({
        first_message_of_day: { count: 1, points: 5 },
        streak_day: { count: 1, points: 2 },
      });
    } finally {
      socket.disconnect();
    }
  });

  it('gives nothing for messages in a conversation where the sender is alone', async () => {
    const solo = await as.carol.post<{ id: string }>('/conversations', { kind: 'group', title: 'Just me' });
    await send(as.carol, solo.body.data.id);
    expect(await t.storage.points.totals(carol.user.id)).toBeNull();
  });

  it('counts reactions from distinct other people once per message, never from the author', async () => {
    const m = await send(as.bob, group);
    const before = (await rules(bob.user.id)).reaction_received?.count ?? 0;
    await react(as.bob, m.id, '👍');
    await react(as.alice, m.id, '👍');
    await react(as.alice, m.id, '🎉');
    // Removing and re-adding a reaction earns nothing more.
    await as.alice.del(`/messages/${m.id}/reactions/${encodeURIComponent('👍')}`);
    await react(as.alice, m.id, '👍');
    await react(as.carol, m.id, '❤️');
    expect((await rules(bob.user.id)).reaction_received?.count).toBe(before + 2);
  });

  it('rewards a reply from someone else, not a reply to oneself', async () => {
    const original = await send(as.carol, group);
    await send(as.carol, group, { replyToId: original.id });
    expect((await rules(carol.user.id)).reply_received).toBeUndefined();
    await send(as.alice, group, { replyToId: original.id });
    await send(as.alice, group, { replyToId: original.id });
    expect((await rules(carol.user.id)).reply_received).toEqual({ count: 1, points: 3 });
  });

  it('reverses what a message earned when it is deleted within 10 minutes, not later', async () => {
    const m = await send(as.carol, group);
    await react(as.bob, m.id, '👍');
    const before = (await t.storage.points.totals(carol.user.id))?.points ?? 0;
    expect((await as.carol.del(`/messages/${m.id}?for=everyone`)).status).toBe(200);
    await t.charla.points.settled();
    expect((await t.storage.points.totals(carol.user.id))?.points).toBe(before - 1);
    const entries = await t.storage.points.entriesForMessage(m.id);
    expect(entries.every((e) => e.reversedById !== null)).toBe(true);

    const kept = await send(as.carol, group);
    await react(as.bob, kept.id, '👍');
    t.clock.advance(11 * 60_000);
    const total = (await t.storage.points.totals(carol.user.id))?.points;
    await as.carol.del(`/messages/${kept.id}?for=everyone`);
    await t.charla.points.settled();
    expect((await t.storage.points.totals(carol.user.id))?.points).toBe(total);
  });

  it('reverses awards of a message a group admin removes, however old', async () => {
    const m = await send(as.bob, group);
    await react(as.carol, m.id, '🔥');
    t.clock.advance(30 * 60_000);
    const total = (await t.storage.points.totals(bob.user.id))?.points ?? 0;
    expect((await as.alice.del(`/messages/${m.id}?for=everyone`)).status).toBe(200);
    await t.charla.points.settled();
    expect((await t.storage.points.totals(bob.user.id))?.points).toBe(total - 1);
  });

  it('marks a channel message helpful once five other people reacted to it', async () => {
    const channel = (await as.carol.post<{ id: string }>('/conversations', { kind: 'channel', title: 'Help desk' }))
      .body.data;
    const people = await Promise.all(Array.from({ length: 5 }, () => registerUser(t)));
    const rests = people.map((p) => restAs(t.api, p.accessToken));
    for (const r of rests) expect((await r.post(`/conversations/${channel.id}/join`)).status).toBe(200);
    const answer = await send(as.carol, channel.id);
    for (const r of rests.slice(0, 4)) await react(r, answer.id, '🙏');
    await react(as.carol, answer.id, '🙏');
    expect((await rules(carol.user.id)).helpful_message).toBeUndefined();
    await react(rests[4] as Rest, answer.id, '🙏');
    await react(rests[0] as Rest, answer.id, '💯');
    expect((await rules(carol.user.id)).helpful_message).toEqual({ count: 1, points: 10 });
  });

  it('gives a suspended user nothing', async () => {
    const m = await send(as.alice, group);
    await t.storage.users.update(alice.user.id, { suspendedAt: t.clock.now() });
    try {
      const before = await t.storage.points.totals(alice.user.id);
      await react(as.bob, m.id, '👀');
      expect(await t.storage.points.totals(alice.user.id)).toEqual(before);
    } finally {
      await t.storage.users.update(alice.user.id, { suspendedAt: null });
    }
  });

  it('skips direct chats while an account is younger than the configured age (1 h here, a day by default)', async () => {
    const dan = await registerUser(t);
    const eve = await registerUser(t);
    const asDan = restAs(t.api, dan.accessToken);
    const direct = await asDan.post<{ id: string }>('/conversations', { kind: 'direct', userId: eve.user.id });
    await send(asDan, direct.body.data.id);
    expect(await t.storage.points.totals(dan.user.id)).toBeNull();
    t.clock.advance(HOUR + 60_000);
    await send(asDan, direct.body.data.id);
    expect((await rules(dan.user.id)).first_message_of_day?.count).toBe(1);
  });

  it('shows points and badges to people sharing a chat by default; hiding removes them', async () => {
    const stranger = restAs(t.api, (await registerUser(t)).accessToken);
    const seen = (await as.bob.get<PointsProfile>(`/points/users/${alice.user.id}`)).body.data;
    expect(seen).toMatchObject({
      userId: alice.user.id,
      visible: true,
      badges: [{ id: 'first_words', tier: 'bronze' }],
    });
    expect((await stranger.get<PointsProfile>(`/points/users/${alice.user.id}`)).body.data).toEqual({
      userId: alice.user.id,
      visible: false,
    });
    expect((await as.alice.put('/points/me/settings', { visibility: 'nobody' })).status).toBe(200);
    expect((await as.bob.get<PointsProfile>(`/points/users/${alice.user.id}`)).body.data.visible).toBe(false);
    expect((await as.alice.get<PointsProfile>(`/points/users/${alice.user.id}`)).body.data.visible).toBe(true);
    await as.alice.put('/points/me/settings', { visibility: 'everyone' });
    expect((await stranger.get<PointsProfile>(`/points/users/${alice.user.id}`)).body.data.visible).toBe(true);
    await as.alice.put('/points/me/settings', { visibility: 'members' });
  });

  it('serves a leaderboard that owners and admins turn on, leaving out hidden users', async () => {
    const off = await as.bob.get<Leaderboard>(`/points/conversations/${group}/leaderboard`);
    expect(off.body.data).toMatchObject({ enabled: false, period: 'week', items: [] });
    expect((await as.bob.put(`/points/conversations/${group}/leaderboard`, { enabled: true })).status).toBe(403);
    expect((await as.alice.put(`/points/conversations/${group}/leaderboard`, { enabled: true })).status).toBe(200);
    const all = (await as.bob.get<Leaderboard>(`/points/conversations/${group}/leaderboard?period=all`)).body.data;
    expect(all.enabled).toBe(true);
    expect(all.items.map((i) => i.rank)).toEqual(all.items.map((_, i) => i + 1));
    expect(all.items.map((i) => i.user.id)).toContain(carol.user.id);
    await as.carol.put('/points/me/settings', { visibility: 'nobody' });
    const hidden = (await as.bob.get<Leaderboard>(`/points/conversations/${group}/leaderboard?period=all`)).body.data;
    expect(hidden.items.map((i) => i.user.id)).not.toContain(carol.user.id);
    await as.carol.put('/points/me/settings', { visibility: 'members' });
  });

  it('lets a site admin reverse an award once, and nobody else', async () => {
    const asAdmin = restAs(t.api, admin.accessToken);
    const ledger = await asAdmin.get<{ items: PointsEntry[] }>(`/admin/points/users/${bob.user.id}/ledger?limit=100`);
    expect(ledger.status).toBe(200);
    const award = ledger.body.data.items.find((e) => e.points > 0 && e.reversedBy === null);
    if (!award) throw new Error('bob has no award to reverse');
    expect((await as.bob.post(`/admin/points/entries/${award.id}/reversal`, { reason: 'spam' })).status).toBe(403);
    const before = (await t.storage.points.totals(bob.user.id))?.points ?? 0;
    const reversed = await asAdmin.post<PointsEntry>(`/admin/points/entries/${award.id}/reversal`, { reason: 'spam' });
    expect(reversed.status).toBe(201);
    expect(reversed.body.data).toMatchObject({ reverses: award.id, points: -award.points, reason: 'spam' });
    expect((await t.storage.points.totals(bob.user.id))?.points).toBe(before - award.points);
    const again = await asAdmin.post(`/admin/points/entries/${award.id}/reversal`, { reason: 'spam' });
    expect(again).toMatchObject({ status: 409, body: { code: 'conflict' } });
    const own = await as.bob.get<{ items: PointsEntry[] }>('/points/me/ledger');
    expect(own.body.data.items[0]).toMatchObject({ reverses: award.id });
  });

  it('adds points and achievements per day to the admin statistics', async () => {
    const asAdmin = restAs(t.api, admin.accessToken);
    const stats = await asAdmin.get<AdminStats>('/admin/stats?days=3');
    expect(stats.status).toBe(200);
    const days = stats.body.data.series;
    expect(days).toHaveLength(3);
    const earners = await t.storage.points.usersWithEntries({ limit: 100 });
    const ledgers = await Promise.all(earners.map((id) => t.storage.points.userEntries(id, { limit: 1000 })));
    const all = ledgers.flat();
    const byDay = (date: string) =>
      all.filter((e) => e.createdAt.toISOString().slice(0, 10) === date).reduce((n, e) => n + e.points, 0);
    for (const d of days) expect(d.points).toBe(byDay(d.date));
    expect(days.reduce((n, d) => n + d.achievements, 0)).toBeGreaterThanOrEqual(1);
  });

  it('answers bad input with a clear 4xx, never a 500', async () => {
    expect((await as.alice.put('/points/me/settings', { visibility: 'friends' })).status).toBe(400);
    expect((await as.alice.put('/points/me/settings', { visibility: 'everyone', extra: 1 })).status).toBe(400);
    expect((await as.alice.get('/points/me/ledger?limit=0')).status).toBe(400);
    expect((await as.alice.get('/points/me/ledger?limit=abc')).status).toBe(400);
    expect((await as.alice.get(`/points/users/${'x'.repeat(65)}`)).status).toBe(400);
    expect((await as.alice.get('/points/users/nobody-here')).status).toBe(404);
    expect((await as.alice.get(`/points/conversations/${group}/leaderboard?period=month`)).status).toBe(400);
    expect((await as.alice.get(`/points/conversations/${group}/leaderboard?limit=101`)).status).toBe(400);
    expect((await as.alice.put(`/points/conversations/${group}/leaderboard`, { enabled: 'yes' })).status).toBe(400);
    expect((await as.alice.get('/points/conversations/unknown/leaderboard')).status).toBe(404);
    const outsider = restAs(t.api, (await registerUser(t)).accessToken);
    expect((await outsider.get(`/points/conversations/${group}/leaderboard`)).status).toBe(404);
    expect((await outsider.get('/admin/points/users/x/ledger')).status).toBe(403);
    const anonymous = await fetch(`${t.api}/points/me`);
    expect(anonymous.status).toBe(401);
  });
});
