import { describe, expect, it } from 'vitest';
import { ALL_TIME, isoWeekKey, type NewPointsAward, type Storage } from '../ports.ts';
import { useMessagingFixture } from './messaging-fixture.ts';

/** Points ledger, projections, achievements, settings, boards and pending checks: every adapter. */
export function pointsContract(open: () => Promise<Storage>): void {
  describe('points ledger and projections', () => {
    const f = useMessagingFixture(open);
    const at = new Date('2026-03-02T10:00:00.000Z');
    const award = (over: Partial<NewPointsAward> & Pick<NewPointsAward, 'userId' | 'eventKey'>): NewPointsAward => ({
      ruleId: 'reaction_received',
      points: 1,
      dailyCap: 100,
      conversationId: null,
      messageId: null,
      causeMessageId: null,
      detail: {},
      createdAt: at,
      ...over,
    });

    it('awards exactly once per (rule, event), also when the same award races itself', async () => {
      const a = award({ userId: f.alice.id, eventKey: 'm1:bob' });
      const [first] = await f.s.points.award([a]);
      expect(first).toMatchObject({ status: 'awarded', entry: { userId: f.alice.id, points: 1, eventKey: 'm1:bob' } });
      expect(await f.s.points.award([a])).toEqual([{ status: 'duplicate' }]);
      // Same key under another rule is another award.
      expect((await f.s.points.award([{ ...a, ruleId: 'helpful_message', points: 10 }]))[0]?.status).toBe('awarded');
      // Ten concurrent attempts at one new key: one wins.
      const racing = award({ userId: f.alice.id, eventKey: 'm2:carol' });
      const outcomes = (await Promise.all(Array.from({ length: 10 }, () => f.s.points.award([racing])))).flat();
      expect(outcomes.filter((o) => o.status === 'awarded')).toHaveLength(1);
      expect(outcomes.filter((o) => o.status === 'duplicate')).toHaveLength(9);
      const totals = await f.s.points.totals(f.alice.id);
      expect(totals).toMatchObject({
        points: 12,
        rules: { reaction_received: { count: 2, points: 2 }, helpful_message: { count: 1, points: 10 } },
      });
      expect(await f.s.points.totals(f.bob.id)).toBeNull();
    });

    it('never lets one rule pass its daily cap for a user, also under concurrency; the next day starts fresh', async () => {
      const many = Array.from({ length: 8 }, (_, i) =>
        award({ userId: f.bob.id, ruleId: 'first_message_of_day', eventKey: `k${i}`, points: 2, dailyCap: 10 }),
      );
      const outcomes = (await Promise.all(many.map((a) => f.s.points.award([a])))).flat();
      expect(outcomes.filter((o) => o.status === 'awarded')).toHaveLength(5);
      expect(outcomes.filter((o) => o.status === 'capped')).toHaveLength(3);
      // Another rule has its own cap; another user too.
      expect((await f.s.points.award([award({ userId: f.bob.id, eventKey: 'other', dailyCap: 1 })]))[0]?.status).toBe(
        'awarded',
      );
      const nextDay = new Date(at.getTime() + 86_400_000);
      const [tomorrow] = await f.s.points.award([
        award({
          userId: f.bob.id,
          ruleId: 'first_message_of_day',
          eventKey: 'k9',
          points: 2,
          dailyCap: 10,
          createdAt: nextDay,
        }),
      ]);
      expect(tomorrow?.status).toBe('awarded');
      // A batch shares the cap in order.
      const batch = await f.s.points.award([
        award({ userId: f.carol.id, eventKey: 'b1', points: 3, dailyCap: 5 }),
        award({ userId: f.carol.id, eventKey: 'b2', points: 3, dailyCap: 5 }),
        award({ userId: f.carol.id, eventKey: 'b3', points: 2, dailyCap: 5 }),
      ]);
      expect(batch.map((o) => o.status)).toEqual(['awarded', 'capped', 'awarded']);
      expect((await f.s.points.totals(f.bob.id))?.points).toBe(13);
    });

    it('reverses once with a compensating entry; reversals restore totals and boards but not cap', async () => {
      const g = await f.group([f.alice, f.bob]);
      const [o] = await f.s.points.award([
        award({ userId: f.alice.id, eventKey: 'x', points: 4, dailyCap: 4, conversationId: g.id, messageId: 'msg-1' }),
      ]);
      if (o?.status !== 'awarded') throw new Error('not awarded');
      expect(await f.s.leaderboards.top(g.id, ALL_TIME, 10)).toEqual([{ userId: f.alice.id, points: 4 }]);
      const later = new Date(at.getTime() + 60_000);
      const r = await f.s.points.reverse(o.entry.id, { reason: 'deleted', actorId: null, now: later });
      expect(r).toMatchObject({
        status: 'reversed',
        entry: {
          points: -4,
          reversesId: o.entry.id,
          ruleId: 'reaction_received',
          messageId: 'msg-1',
          reason: 'deleted',
        },
        original: { id: o.entry.id },
      });
      expect(await f.s.points.reverse(o.entry.id, { reason: 'again', actorId: f.bob.id, now: later })).toEqual({
        status: 'already_reversed',
      });
      if (r.status !== 'reversed') throw new Error('not reversed');
      expect(await f.s.points.reverse(r.entry.id, { reason: 'x', actorId: null, now: later })).toEqual({
        status: 'not_found',
      });
      expect(await f.s.points.reverse('nope', { reason: 'x', actorId: null, now: later })).toEqual({
        status: 'not_found',
      });
      expect(await f.s.points.totals(f.alice.id)).toMatchObject({
        points: 0,
        rules: { reaction_received: { count: 0, points: 0 } },
      });
      expect(await f.s.leaderboards.top(g.id, ALL_TIME, 10)).toEqual([]);
      expect((await f.s.points.findEntry(o.entry.id))?.reversedById).toBe(r.entry.id);
      expect((await f.s.points.findByKey('reaction_received', 'x'))?.reversedById).toBe(r.entry.id);
      // The cap stays used: deleting and re-earning cannot farm.
      const [again] = await f.s.points.award([award({ userId: f.alice.id, eventKey: 'y', points: 1, dailyCap: 4 })]);
      expect(again?.status).toBe('capped');
    });

    it('finds the awards about a message (as subject or cause) and lists a user ledger newest first', async () => {
      const outcomes = await f.s.points.award([
        award({
          userId: f.alice.id,
          ruleId: 'first_message_of_day',
          eventKey: 'a',
          messageId: 'm-a',
          createdAt: new Date(at.getTime() + 1),
        }),
        award({
          userId: f.bob.id,
          ruleId: 'reply_received',
          eventKey: 'm-b',
          messageId: 'm-b',
          causeMessageId: 'm-a',
          createdAt: new Date(at.getTime() + 2),
        }),
        award({ userId: f.alice.id, eventKey: 'c', messageId: 'm-c', createdAt: new Date(at.getTime() + 3) }),
        award({
          userId: f.alice.id,
          ruleId: 'streak_day',
          eventKey: 'd',
          messageId: 'm-a',
          detail: { streak: 3 },
          createdAt: new Date(at.getTime() + 4),
        }),
      ]);
      expect(outcomes.every((o) => o.status === 'awarded')).toBe(true);
      const about = await f.s.points.entriesForMessage('m-a');
      expect(about.map((e) => e.eventKey).sort()).toEqual(['a', 'd', 'm-b']);
      expect(about.find((e) => e.eventKey === 'd')?.detail).toEqual({ streak: 3 });
      expect(await f.s.points.entriesForMessage('unknown')).toEqual([]);
      expect((await f.s.points.totals(f.alice.id))?.bestStreak).toBe(3);

      const first = await f.s.points.listEntries(f.alice.id, { limit: 2 });
      expect(first.items.map((e) => e.eventKey)).toEqual(['d', 'c']);
      const second = await f.s.points.listEntries(f.alice.id, { limit: 2, cursor: first.nextCursor ?? '' });
      expect(second.items.map((e) => e.eventKey)).toEqual(['a']);
      expect(second.nextCursor).toBeNull();
      const asc = await f.s.points.userEntries(f.alice.id, { limit: 2 });
      expect(asc.map((e) => e.eventKey)).toEqual(['a', 'c']);
      const last = asc.at(-1);
      if (!last) throw new Error('empty');
      const rest = await f.s.points.userEntries(f.alice.id, {
        limit: 10,
        after: { createdAt: last.createdAt, id: last.id },
      });
      expect(rest.map((e) => e.eventKey)).toEqual(['d']);
      const ids = [f.alice.id, f.bob.id].sort();
      expect(await f.s.points.usersWithEntries({ limit: 10 })).toEqual(ids);
      expect(await f.s.points.usersWithEntries({ limit: 10, afterUserId: ids[0] })).toEqual([ids[1]]);
    });

    it('replaces a projection wholesale and keeps achievements once each', async () => {
      const g = await f.group([f.alice, f.bob]);
      await f.s.points.award([award({ userId: f.alice.id, eventKey: 'p', points: 5, conversationId: g.id })]);
      expect(
        await f.s.points.earnAchievement({
          userId: f.alice.id,
          achievementId: 'helpful',
          tier: 'bronze',
          earnedAt: at,
        }),
      ).toBe(true);
      expect(
        await f.s.points.earnAchievement({
          userId: f.alice.id,
          achievementId: 'helpful',
          tier: 'bronze',
          earnedAt: at,
        }),
      ).toBe(false);
      await f.s.points.replaceProjection({
        totals: { userId: f.alice.id, points: 7, rules: { reply_received: { count: 2, points: 7 } }, bestStreak: 9 },
        conversations: [{ conversationId: g.id, period: ALL_TIME, points: 7 }],
        daily: [{ ruleId: 'reply_received', day: '2026-03-02', points: 7 }],
        achievements: [{ userId: f.alice.id, achievementId: 'first_words', tier: 'bronze', earnedAt: at }],
      });
      expect(await f.s.points.totals(f.alice.id)).toEqual({
        userId: f.alice.id,
        points: 7,
        rules: { reply_received: { count: 2, points: 7 } },
        bestStreak: 9,
      });
      expect(await f.s.leaderboards.top(g.id, ALL_TIME, 5)).toEqual([{ userId: f.alice.id, points: 7 }]);
      expect(await f.s.leaderboards.top(g.id, isoWeekKey(at), 5)).toEqual([]);
      expect(await f.s.points.listAchievements(f.alice.id)).toEqual([
        { userId: f.alice.id, achievementId: 'first_words', tier: 'bronze', earnedAt: at },
      ]);
      // The replaced cap usage counts.
      const [o] = await f.s.points.award([
        award({ userId: f.alice.id, ruleId: 'reply_received', eventKey: 'q', points: 4, dailyCap: 10 }),
      ]);
      expect(o?.status).toBe('capped');
      expect(await f.s.points.revokeAchievement(f.alice.id, 'first_words', 'bronze')).toBe(true);
      expect(await f.s.points.revokeAchievement(f.alice.id, 'first_words', 'bronze')).toBe(false);
    });

    it('counts points and achievements per UTC day for admin statistics', async () => {
      const today = new Date('2026-03-05T12:00:00.000Z');
      const yesterday = new Date(today.getTime() - 86_400_000);
      const [o] = await f.s.points.award([
        award({ userId: f.alice.id, eventKey: 'd1', points: 3, createdAt: yesterday }),
        award({ userId: f.bob.id, eventKey: 'd2', points: 2, createdAt: today }),
      ]);
      if (o?.status !== 'awarded') throw new Error('not awarded');
      await f.s.points.reverse(o.entry.id, { reason: 'x', actorId: null, now: today });
      await f.s.points.earnAchievement({
        userId: f.bob.id,
        achievementId: 'first_words',
        tier: 'bronze',
        earnedAt: today,
      });
      expect(await f.s.points.daily(today, 3)).toEqual([
        { date: '2026-03-03', points: 0, achievements: 0 },
        { date: '2026-03-04', points: 3, achievements: 0 },
        { date: '2026-03-05', points: -1, achievements: 1 },
      ]);
    });
  });

  describe('points settings, leaderboards and pending checks', () => {
    const f = useMessagingFixture(open);
    const at = new Date('2026-03-04T10:00:00.000Z');
    const give = (userId: string, conversationId: string, points: number, key: string, createdAt = at) =>
      f.s.points.award([
        {
          userId,
          ruleId: 'reaction_received',
          eventKey: key,
          points,
          dailyCap: 1000,
          conversationId,
          messageId: null,
          causeMessageId: null,
          detail: {},
          createdAt,
        },
      ]);

    it('ranks members by points (ties by id), per week and all time, leaving out hidden users and leavers', async () => {
      const g = await f.group([f.alice, f.bob, f.carol, f.dave]);
      const lastWeek = new Date(at.getTime() - 7 * 86_400_000);
      await give(f.alice.id, g.id, 5, 'a1');
      await give(f.bob.id, g.id, 9, 'b1', lastWeek);
      await give(f.carol.id, g.id, 5, 'c1');
      await give(f.dave.id, g.id, 1, 'd1');
      const ab = [f.alice.id, f.carol.id].sort();
      expect(await f.s.leaderboards.top(g.id, ALL_TIME, 10)).toEqual([
        { userId: f.bob.id, points: 9 },
        { userId: ab[0], points: 5 },
        { userId: ab[1], points: 5 },
        { userId: f.dave.id, points: 1 },
      ]);
      expect((await f.s.leaderboards.top(g.id, isoWeekKey(at), 10)).map((r) => r.userId)).toEqual([...ab, f.dave.id]);
      expect(await f.s.leaderboards.top(g.id, ALL_TIME, 1)).toEqual([{ userId: f.bob.id, points: 9 }]);

      expect(await f.s.points.visibility(f.bob.id)).toBe('members');
      await f.s.points.setVisibility(f.bob.id, 'nobody');
      expect(await f.s.points.visibility(f.bob.id)).toBe('nobody');
      expect((await f.s.leaderboards.top(g.id, ALL_TIME, 10)).map((r) => r.userId)).not.toContain(f.bob.id);
      // Points earned while hidden stay hidden; showing again brings every row back.
      await give(f.bob.id, g.id, 1, 'b2');
      expect((await f.s.leaderboards.top(g.id, isoWeekKey(at), 10)).map((r) => r.userId)).not.toContain(f.bob.id);
      await f.s.points.setVisibility(f.bob.id, 'everyone');
      expect((await f.s.leaderboards.top(g.id, ALL_TIME, 10))[0]).toEqual({ userId: f.bob.id, points: 10 });
      const map = await f.s.points.visibilities([f.bob.id, f.carol.id]);
      expect(map.get(f.bob.id)).toBe('everyone');
      expect(map.has(f.carol.id)).toBe(false);

      await f.s.participants.remove(g.id, f.alice.id, 'left', f.alice.id, f.tick());
      expect((await f.s.leaderboards.top(g.id, ALL_TIME, 10)).map((r) => r.userId)).not.toContain(f.alice.id);
      // Another conversation's points are another board.
      const other = await f.group([f.alice, f.bob]);
      await give(f.alice.id, other.id, 2, 'o1');
      expect(await f.s.leaderboards.top(other.id, ALL_TIME, 10)).toEqual([{ userId: f.alice.id, points: 2 }]);
    });

    it('keeps the on/off switch per conversation', async () => {
      const g = await f.group([f.alice, f.bob]);
      expect(await f.s.leaderboards.isEnabled(g.id)).toBe(false);
      await f.s.leaderboards.setEnabled(g.id, true, f.alice.id, at);
      expect(await f.s.leaderboards.isEnabled(g.id)).toBe(true);
      await f.s.leaderboards.setEnabled(g.id, false, f.alice.id, at);
      expect(await f.s.leaderboards.isEnabled(g.id)).toBe(false);
    });

    it('schedules a check once, hands due ones out soonest first, and lets one caller take each', async () => {
      const check = (key: string, dueAt: Date) => ({
        key,
        kind: 'invite_stay' as const,
        userId: f.alice.id,
        subjectUserId: f.bob.id,
        conversationId: 'c1',
        dueAt,
        createdAt: at,
      });
      const soon = new Date(at.getTime() + 1000);
      await f.s.points.schedule(check('later', new Date(at.getTime() + 5000)));
      await f.s.points.schedule(check('soon', soon));
      await f.s.points.schedule(check('soon', new Date(at.getTime() + 99_000)));
      expect(await f.s.points.dueChecks(at, 10)).toEqual([]);
      expect(await f.s.points.dueChecks(new Date(at.getTime() + 10_000), 10)).toEqual([
        check('soon', soon),
        check('later', new Date(at.getTime() + 5000)),
      ]);
      const takes = await Promise.all([f.s.points.takeCheck('soon'), f.s.points.takeCheck('soon')]);
      expect(takes.sort()).toEqual([false, true]);
      expect((await f.s.points.dueChecks(new Date(at.getTime() + 10_000), 10)).map((c) => c.key)).toEqual(['later']);
    });

    it('reads past activity for the backfill: messages with replies and reactions, and invite joins', async () => {
      const g = await f.group([f.alice, f.bob]);
      const first = await f.send(g.id, f.alice, 'hello');
      const reply = await f.s.messages.send({
        conversationId: g.id,
        senderId: f.bob.id,
        clientMsgId: 'r1',
        kind: 'text',
        text: 'hi',
        replyTo: { id: first.id, senderId: f.alice.id, text: 'hello', kind: 'text' },
        now: f.tick(),
      });
      await f.s.messages.setReaction(first.id, f.bob.id, '👍', true, f.tick());
      await f.s.messages.setReaction(first.id, f.bob.id, '🎉', true, f.tick());
      await f.s.messages.setReaction(first.id, f.carol.id, '👍', true, f.tick());
      const gone = await f.send(g.id, f.alice, 'oops');
      await f.s.messages.deleteForEveryone(gone.id, f.alice.id, f.tick());
      const seen: Awaited<ReturnType<Storage['pointsHistory']['messages']>>['items'] = [];
      let cursor: string | null = null;
      for (;;) {
        const page = await f.s.pointsHistory.messages(cursor, 2);
        seen.push(...page.items);
        if (page.cursor === cursor) break;
        cursor = page.cursor;
      }
      const mine = seen.filter((m) => m.conversationId === g.id && m.kind !== 'system');
      expect(mine.map((m) => m.id)).toEqual([first.id, reply?.message.id, gone.id]);
      expect(mine[0]).toMatchObject({ senderId: f.alice.id, conversationKind: 'group', deleted: false, replyTo: null });
      expect(mine[0]?.reactions.map((r) => r.userId)).toEqual([f.bob.id, f.carol.id]);
      expect(mine[1]).toMatchObject({ senderId: f.bob.id, replyTo: { id: first.id, senderId: f.alice.id } });
      expect(mine[2]).toMatchObject({ deleted: true });

      const code = 'INVITE-1';
      await f.s.invites.create({
        code,
        conversationId: g.id,
        createdBy: f.alice.id,
        expiresAt: null,
        maxUses: null,
        now: f.tick(),
      });
      await f.s.invites.accept(code, f.carol.id, f.tick());
      await f.s.invites.accept(code, f.dave.id, f.tick());
      const joins = await f.s.pointsHistory.inviteJoins(null, 1);
      const more = await f.s.pointsHistory.inviteJoins(joins.cursor, 10);
      expect([...joins.items, ...more.items].map((j) => [j.inviterId, j.joinerId, j.conversationId])).toEqual([
        [f.alice.id, f.carol.id, g.id],
        [f.alice.id, f.dave.id, g.id],
      ]);
      expect((await f.s.pointsHistory.inviteJoins(more.cursor, 10)).items).toEqual([]);
    });
  });
}
