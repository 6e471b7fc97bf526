import type { Invite } from '@charla/shared-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restAs } from '../../../test/chat.ts';
import { registerUser, startTestApp, type TestApp } from '../../../test/harness.ts';
import { type ContentPolicy, createContentPolicy } from '../messaging/content-policy.ts';
import { backfillPoints } from './points.backfill.ts';
import { createInviteStays } from './points.invites.ts';
import { createPointsService, recordFact } from './points.service.ts';

const DAY = 86_400_000;

/** A points service over the app's store that logs and fans out nothing (replayed facts, backfill). */
const quietPoints = (t: TestApp, contentPolicy: ContentPolicy = createContentPolicy(t.storage)) =>
  createPointsService({
    storage: t.storage,
    contentPolicy,
    clock: t.clock,
    logger: { warn: () => undefined, error: () => undefined },
    fanout: { toUsers: () => undefined },
    directMinAccountAgeMs: DAY,
  });

/** Ana and Ben, new users, in a group Ana made straight in storage (no facts published). */
async function groupOfTwo(t: TestApp, title: string) {
  const [ana, ben] = await Promise.all([registerUser(t), registerUser(t)]);
  const now = t.clock.now();
  const group = await t.storage.conversations.create({
    kind: 'group',
    title,
    createdBy: ana.user.id,
    members: [{ userId: ben.user.id, role: 'member' }],
    now,
  });
  return { ana, ben, group, now };
}

describe('points: invited members who stay, and the one-off backfill', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    await registerUser(t); // the first account is a site admin; keep it out of the way
  });
  afterAll(async () => {
    await t?.close();
  });

  it('awards the inviter once a member who joined by their link is still there 7 days later', async () => {
    const [host, stays, leaves] = await Promise.all([registerUser(t), registerUser(t), registerUser(t)]);
    const asHost = restAs(t.api, host.accessToken);
    const group = (await asHost.post<{ id: string }>('/conversations', { kind: 'group', title: 'Hikes' })).body.data;
    const invite = (await asHost.post<Invite>(`/conversations/${group.id}/invites`, {})).body.data;
    for (const u of [stays, leaves])
      expect((await restAs(t.api, u.accessToken).post(`/invites/${invite.code}/accept`)).status).toBe(200);
    await t.charla.points.settled();
    expect(await t.charla.points.runDueChecks()).toBe(0);
    await restAs(t.api, leaves.accessToken).post(`/conversations/${group.id}/leave`);
    t.clock.advance(7 * DAY + 60_000);
    expect(await t.charla.points.runDueChecks()).toBe(2);
    // A second sweep (or another process) finds nothing left to do.
    expect(await t.charla.points.runDueChecks()).toBe(0);
    const totals = await t.storage.points.totals(host.user.id);
    expect(totals?.rules.invite_stayed).toEqual({ count: 1, points: 15 });
    const badges = await t.storage.points.listAchievements(host.user.id);
    expect(badges.map((b) => `${b.achievementId}:${b.tier}`)).toContain('connector:bronze');
  });

  it('counts history written before points existed, once, however often it runs', async () => {
    const [ana, ben, cy] = await Promise.all([registerUser(t), registerUser(t), registerUser(t)]);
    const s = t.storage;
    const start = t.clock.now().getTime();
    const at = (ms: number) => new Date(start + ms);
    // Written straight to storage: no facts are published, so nothing is awarded live.
    const group = await s.conversations.create({
      kind: 'group',
      title: 'Old times',
      createdBy: ana.user.id,
      members: [
        { userId: ben.user.id, role: 'member' },
        { userId: cy.user.id, role: 'member' },
      ],
      now: at(0),
    });
    const send = async (senderId: string, ms: number, replyTo?: { id: string; senderId: string }) =>
      (
        await s.messages.send({
          conversationId: group.id,
          senderId,
          clientMsgId: `${senderId}-${ms}`,
          kind: 'text',
          text: 'old message',
          replyTo: replyTo ? { ...replyTo, text: '', kind: 'text' } : null,
          now: at(ms),
        })
      )?.message;
    const first = await send(ana.user.id, 1000);
    if (!first) throw new Error('send failed');
    await send(ana.user.id, 2000);
    await send(ben.user.id, 3000, { id: first.id, senderId: ana.user.id });
    await send(ana.user.id, DAY + 1000);
    await s.messages.setReaction(first.id, ben.user.id, '👍', true, at(4000));
    await s.messages.setReaction(first.id, ben.user.id, '🎉', true, at(5000));
    await s.messages.setReaction(first.id, ana.user.id, '👍', true, at(6000));
    await s.messages.setReaction(first.id, cy.user.id, '👍', true, at(7000));
    expect(await s.points.totals(ana.user.id)).toBeNull();

    const points = quietPoints(t);
    const invites = createInviteStays({ storage: s, clock: t.clock, points });
    const first_run = await backfillPoints({ storage: s, points, invites });
    expect(first_run.messages).toBeGreaterThanOrEqual(4);
    const after = await s.points.totals(ana.user.id);
    expect(after?.rules).toMatchObject({
      first_message_of_day: { count: 2, points: 10 },
      streak_day: { count: 2, points: 4 },
      reply_received: { count: 1, points: 3 },
      reaction_received: { count: 2, points: 2 },
    });
    expect(after?.bestStreak).toBe(2);
    expect((await s.points.listAchievements(ana.user.id)).map((a) => a.achievementId)).toContain('first_words');

    await backfillPoints({ storage: s, points, invites });
    expect(await s.points.totals(ana.user.id)).toEqual(after);
    expect((await s.points.userEntries(ana.user.id, { limit: 100 })).length).toBe(7);
  });
});

describe('points: an award that lands after its message was deleted', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('is reversed by the award itself when the deletion came first', async () => {
    const { ana, group, now } = await groupOfTwo(t, 'Race');
    const s = t.storage;
    const sent = await s.messages.send({
      conversationId: group.id,
      senderId: ana.user.id,
      clientMsgId: 'late-1',
      kind: 'text',
      text: 'soon gone',
      now,
    });
    if (!sent) throw new Error('send failed');
    await s.messages.deleteForEveryone(sent.message.id, ana.user.id, new Date(now.getTime() + 1000));
    const points = quietPoints(t);
    // The created fact, handled only now (as if the award had been slower than the deletion).
    await points.replay.message({ ...recordFact(sent.message), deletedAt: null });
    const entries = await s.points.entriesForMessage(sent.message.id);
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.every((e) => e.reversedById !== null)).toBe(true);
    expect((await s.points.totals(ana.user.id))?.points).toBe(0);
  });
});

describe('points: languages (Polyglot) count only where the server may read content', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('awards a new language once per language, and nothing in an encrypted conversation', async () => {
    const { ana, group, now } = await groupOfTwo(t, 'Languages');
    const s = t.storage;
    const encryptedIds = new Set<string>();
    // The real policy over the real store, except that conversations in `encryptedIds` say encrypted.
    const policy = createContentPolicy({
      conversations: {
        ...s.conversations,
        findById: async (id: string) => {
          const c = await s.conversations.findById(id);
          return c && { ...c, encrypted: encryptedIds.has(id) };
        },
      },
    });
    const points = quietPoints(t, policy);
    const said = (id: string, language: string) =>
      points.replay.language({ id, conversationId: group.id, senderId: ana.user.id, language, createdAt: now });
    await said('m1', 'es');
    await said('m2', 'ES');
    await said('m3', 'en-GB');
    await said('m4', 'not a language');
    expect((await s.points.totals(ana.user.id))?.rules.new_language).toEqual({ count: 2, points: 10 });
    encryptedIds.add(group.id);
    await said('m5', 'fr');
    expect((await s.points.totals(ana.user.id))?.rules.new_language).toEqual({ count: 2, points: 10 });
  });
});
