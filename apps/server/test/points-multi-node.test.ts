/**
 * Exactly-once awarding across processes: two real server nodes on one SQLite file and one real
 * redis-server. The same reactor reacting through both nodes at once, and the same send retried on
 * both nodes, each earn their award once.
 */
import type { ConversationSummary, Message, PointsEntry } from '@charla/shared-types';
import { describeIf, hasRedisServer } from '@charla/test-utils';
import { expect, it } from 'vitest';
import { eventually, restAs, sleep } from './chat.ts';
import { register } from './server-process.ts';
import { twoNodesWithRedis } from './two-nodes.ts';

describeIf(hasRedisServer(), 'no redis-server binary', 'points exactly once on two server nodes', () => {
  const nodes = twoNodesWithRedis('charla-points-nodes-');

  it('awards one reaction per reactor and one first message, however many nodes race', async () => {
    const ana = await register(nodes.a.api, 'ana');
    const ben = await register(nodes.b.api, 'ben');
    const cat = await register(nodes.a.api, 'cat');
    const anaA = restAs(nodes.a.api, ana.accessToken);
    const anaB = restAs(nodes.b.api, ana.accessToken);
    const group = (
      await anaA.post<ConversationSummary>('/conversations', {
        kind: 'group',
        title: 'Race',
        memberIds: [ben.user.id, cat.user.id],
      })
    ).body.data;

    // The same send, retried on both nodes at once: one message, one first-message award.
    const body = { clientMsgId: 'race-1', text: 'hello' };
    const sends = await Promise.all(
      [anaA, anaB, anaA, anaB].map((r) => r.post<Message>(`/conversations/${group.id}/messages`, body)),
    );
    const ids = new Set(sends.map((s) => s.body.data.id));
    expect(ids.size).toBe(1);
    const messageId = sends[0]?.body.data.id ?? '';

    // Ben and Cat react with several emoji through both nodes concurrently.
    const emoji = ['👍', '🎉', '❤️', '😂', '🔥', '👀'];
    await Promise.all(
      [ben, cat].flatMap((u) =>
        emoji.map((e, i) =>
          restAs(i % 2 ? nodes.a.api : nodes.b.api, u.accessToken).put(
            `/messages/${messageId}/reactions/${encodeURIComponent(e)}`,
          ),
        ),
      ),
    );

    const ledger = async () =>
      (await anaB.get<{ items: PointsEntry[] }>('/points/me/ledger?limit=100')).body.data.items;
    const count = (items: PointsEntry[], rule: PointsEntry['rule']) => items.filter((e) => e.rule === rule).length;
    await eventually(async () => {
      const items = await ledger();
      expect(count(items, 'reaction_received')).toBe(2);
      expect(count(items, 'first_message_of_day')).toBe(1);
    }, 10_000);
    // Awards run after the responses: give any straggler time to (wrongly) add a second entry.
    await sleep(500);
    const items = await ledger();
    expect(count(items, 'reaction_received')).toBe(2);
    expect(count(items, 'first_message_of_day')).toBe(1);
    expect(count(items, 'streak_day')).toBe(1);
    const me = await anaA.get<{ points: number }>('/points/me');
    expect(me.body.data.points).toBe(items.reduce((n, e) => n + e.points, 0));
  }, 60_000);
});
