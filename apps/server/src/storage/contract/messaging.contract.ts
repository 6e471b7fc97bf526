import { describe, expect, it } from 'vitest';
import type { Storage } from '../ports.ts';
import { conversationsContract } from './messaging-conversations.contract.ts';
import { feedAndSearchContract } from './messaging-feed.contract.ts';
import { useMessagingFixture } from './messaging-fixture.ts';

/**
 * Messaging contract (conversations, participants, messages, reactions, receipts, invites, change
 * feed, search). `open` returns a fresh, empty storage; the runner files call this once per adapter.
 */
export function messagingContract(open: () => Promise<Storage>): void {
  describe('messaging: messages', () => messagesContract(open));
  describe('messaging: conversations', () => conversationsContract(open));
  describe('messaging: change feed and search', () => feedAndSearchContract(open));
}

function messagesContract(open: () => Promise<Storage>): void {
  const f = useMessagingFixture(open);

  it('send is idempotent on (sender, clientMsgId): a retry returns the original and writes nothing', async () => {
    const g = await f.group([f.alice, f.bob]);
    const input = {
      conversationId: g.id,
      senderId: f.alice.id,
      clientMsgId: 'c-1',
      kind: 'text' as const,
      text: 'hi',
      now: f.tick(),
    };
    const first = await f.s.messages.send(input);
    const again = await f.s.messages.send({ ...input, text: 'different', now: f.tick() });
    expect(first?.created).toBe(true);
    expect(again?.created).toBe(false);
    expect(again?.message.id).toBe(first?.message.id);
    expect(again?.message.text).toBe('hi');
    const conv = await f.s.conversations.findById(g.id);
    expect(conv?.lastSeq).toBe(1);
    const feed = await f.s.conversations.changesAfter(g.id, 0, { viewerId: f.bob.id, limit: 100 });
    expect(feed.items.filter((c) => c.type === 'message.created')).toHaveLength(1);
    // Another sender may reuse the same clientMsgId.
    const other = await f.s.messages.send({ ...input, senderId: f.bob.id });
    expect(other?.created).toBe(true);
    expect(other?.message.seq).toBe(2);
  });

  it('send to a missing or deleted conversation returns null', async () => {
    const g = await f.group([f.alice]);
    const base = { senderId: f.alice.id, clientMsgId: null, kind: 'text' as const, text: 'x', now: f.tick() };
    expect(await f.s.messages.send({ ...base, conversationId: 'nope' })).toBeNull();
    await f.s.conversations.softDelete(g.id, f.alice.id, f.tick());
    expect(await f.s.messages.send({ ...base, conversationId: g.id })).toBeNull();
  });

  it('200 concurrent sends from several clients end as seq 1..200, no gap, no duplicate', async () => {
    const g = await f.group([f.alice, f.bob, f.carol, f.dave]);
    const senders = [f.alice, f.bob, f.carol, f.dave];
    const now = f.tick();
    const sends = Array.from({ length: 200 }, (_, i) => {
      const sender = senders[i % senders.length] ?? f.alice;
      const input = {
        conversationId: g.id,
        senderId: sender.id,
        clientMsgId: `m-${i}`,
        kind: 'text' as const,
        text: `msg ${i}`,
        now,
      };
      // Every 10th send is retried concurrently, like a client resending on a flaky link.
      return i % 10 === 0 ? [f.s.messages.send(input), f.s.messages.send(input)] : [f.s.messages.send(input)];
    }).flat();
    const results = await Promise.all(sends);
    const created = results.filter((r) => r?.created);
    expect(created).toHaveLength(200);
    const seqs = created.map((r) => r?.message.seq ?? 0).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect((await f.s.conversations.findById(g.id))?.lastSeq).toBe(200);
    const page1 = await f.s.messages.history(g.id, f.alice.id, { after: 0, limit: 100 });
    const page2 = await f.s.messages.history(g.id, f.alice.id, { after: 100, limit: 100 });
    expect([...page1, ...page2].map((m) => m.seq)).toEqual(seqs);
    expect(new Set([...page1, ...page2].map((m) => m.clientMsgId)).size).toBe(200);
  });

  it('history pages by seq: latest, before, after, around, limit clamped to 100', async () => {
    const g = await f.group([f.alice]);
    for (let i = 1; i <= 120; i++) await f.send(g.id, f.alice, `m${i}`);
    const seqs = (ms: { seq: number }[]) => ms.map((m) => m.seq);
    expect(seqs(await f.s.messages.history(g.id, f.alice.id, { limit: 3 }))).toEqual([118, 119, 120]);
    expect(seqs(await f.s.messages.history(g.id, f.alice.id, { before: 10, limit: 3 }))).toEqual([7, 8, 9]);
    expect(seqs(await f.s.messages.history(g.id, f.alice.id, { after: 10, limit: 3 }))).toEqual([11, 12, 13]);
    expect(seqs(await f.s.messages.history(g.id, f.alice.id, { around: 50, limit: 5 }))).toEqual([48, 49, 50, 51, 52]);
    expect(seqs(await f.s.messages.history(g.id, f.alice.id, { around: 2, limit: 5 }))).toEqual([1, 2, 3, 4, 5]);
    expect(await f.s.messages.history(g.id, f.alice.id, { limit: 1000 })).toHaveLength(100);
    expect(await f.s.messages.history(g.id, f.alice.id, { after: 120, limit: 10 })).toEqual([]);
    expect(await f.s.messages.history('missing', f.alice.id, { limit: 10 })).toEqual([]);
    // Bad limits are clamped, never thrown on.
    for (const limit of [0, -3, Number.NaN]) {
      expect(seqs(await f.s.messages.history(g.id, f.alice.id, { limit }))).toEqual([120]);
    }
    expect(await f.s.messages.history(g.id, f.alice.id, { before: 1, limit: 10 })).toEqual([]);
  });

  it('a newcomer sees only messages after joinedSeq, unless the group shows history to newcomers', async () => {
    const g = await f.group([f.alice]);
    for (const t of ['one', 'two', 'three']) await f.send(g.id, f.alice, t);
    const joined = await f.s.participants.add(g.id, f.bob.id, 'member', f.alice.id, f.tick());
    expect(joined?.added).toBe(true);
    expect(joined?.participant.joinedSeq).toBe(3);
    expect(joined?.participant.lastReadSeq).toBe(3);
    expect(await f.s.messages.history(g.id, f.bob.id, { limit: 50 })).toEqual([]);
    expect(await f.s.messages.history(g.id, f.bob.id, { before: 3, limit: 50 })).toEqual([]);
    await f.send(g.id, f.alice, 'four');
    expect((await f.s.messages.history(g.id, f.bob.id, { limit: 50 })).map((m) => m.text)).toEqual(['four']);
    expect((await f.s.messages.history(g.id, f.bob.id, { around: 1, limit: 50 })).map((m) => m.seq)).toEqual([4]);
    // Adding again while active changes nothing.
    const again = await f.s.participants.add(g.id, f.bob.id, 'admin', f.alice.id, f.tick());
    expect(again?.added).toBe(false);
    expect(again?.participant.role).toBe('member');

    await f.s.conversations.update(g.id, { historyForNewcomers: true }, f.alice.id, f.tick());
    expect(await f.s.messages.history(g.id, f.bob.id, { limit: 50 })).toHaveLength(4);
  });

  it('a member who leaves and rejoins starts again from the current seq', async () => {
    const g = await f.group([f.alice, f.bob]);
    await f.send(g.id, f.alice, 'before leaving');
    expect(await f.s.participants.remove(g.id, f.bob.id, 'left', f.bob.id, f.tick())).toMatchObject({
      memberIds: [f.alice.id],
    });
    expect(await f.s.participants.remove(g.id, f.bob.id, 'left', f.bob.id, f.tick())).toBeNull();
    await f.send(g.id, f.alice, 'while away');
    const back = await f.s.participants.add(g.id, f.bob.id, 'member', f.alice.id, f.tick());
    expect(back?.added).toBe(true);
    expect(back?.participant.joinedSeq).toBe(2);
    expect(back?.participant.leftAt).toBeNull();
    expect(await f.s.messages.history(g.id, f.bob.id, { limit: 50 })).toEqual([]);
  });

  it('delete-for-me hides a message for that user only', async () => {
    const g = await f.group([f.alice, f.bob]);
    const m1 = await f.send(g.id, f.alice, 'keep');
    const m2 = await f.send(g.id, f.alice, 'hide me');
    const hidden = await f.s.messages.hideForUser(m2.id, f.bob.id, f.tick());
    expect(hidden?.changeSeq).toBe((await f.s.conversations.findById(g.id))?.changeSeq);
    expect(await f.s.messages.hideForUser(m2.id, f.bob.id, f.tick())).toBeNull();
    expect(await f.s.messages.hideForUser('missing', f.bob.id, f.tick())).toBeNull();
    expect((await f.s.messages.history(g.id, f.bob.id, { limit: 50 })).map((m) => m.id)).toEqual([m1.id]);
    expect(await f.s.messages.history(g.id, f.alice.id, { limit: 50 })).toHaveLength(2);
    expect(await f.s.messages.hiddenFor(f.bob.id, [m1.id, m2.id, 'missing'])).toEqual([m2.id]);
    expect(await f.s.messages.hiddenFor(f.alice.id, [m1.id, m2.id])).toEqual([]);
    expect(await f.s.messages.hiddenFor(f.bob.id, [])).toEqual([]);
    const bobsRow = await f.s.conversations.getForUser(g.id, f.bob.id);
    expect(bobsRow?.unreadCount).toBe(1);
    expect(bobsRow?.lastMessage?.id).toBe(m1.id);
  });

  it('delete for everyone leaves a tombstone: content, reactions and quotes wiped, seq kept', async () => {
    const g = await f.group([f.alice, f.bob]);
    const m = await f.send(g.id, f.alice, 'secret plan', { mentions: [f.bob.id] });
    await f.s.messages.setReaction(m.id, f.bob.id, '👍', true, f.tick());
    const reply = await f.s.messages.send({
      conversationId: g.id,
      senderId: f.bob.id,
      clientMsgId: 'r1',
      kind: 'text',
      text: 'ok',
      replyTo: { id: m.id, senderId: f.alice.id, text: 'secret plan', kind: 'text' },
      now: f.tick(),
    });
    const dead = (await f.s.messages.deleteForEveryone(m.id, f.alice.id, f.tick()))?.message;
    expect(dead).toMatchObject({ id: m.id, seq: 1, text: '', attachments: [], mentions: [], reactions: [] });
    expect(dead?.deletedAt).toBeInstanceOf(Date);
    expect(await f.s.messages.deleteForEveryone(m.id, f.alice.id, f.tick())).toBeNull();
    expect(await f.s.messages.edit(m.id, { text: 'again', mentions: [] }, f.alice.id, f.tick())).toBeNull();
    expect(await f.s.messages.setReaction(m.id, f.bob.id, '🎉', true, f.tick())).toBeNull();
    const quoted = await f.s.messages.findById(reply?.message.id ?? '');
    expect(quoted?.replyTo).toMatchObject({ id: m.id, text: '' });
    const history = await f.s.messages.history(g.id, f.bob.id, { limit: 10 });
    expect(history.map((x) => x.seq)).toEqual([1, 2]);
    expect(JSON.stringify(history)).not.toContain('secret');
    expect((await f.s.conversations.getForUser(g.id, f.bob.id))?.unreadMentions).toBe(0);
  });

  it('edits set editedAt and replace text and mentions', async () => {
    const g = await f.group([f.alice, f.bob, f.carol]);
    const m = await f.send(g.id, f.alice, 'hello bob', { mentions: [f.bob.id] });
    const edited = (
      await f.s.messages.edit(m.id, { text: 'hello carol', mentions: [f.carol.id] }, f.alice.id, f.tick())
    )?.message;
    expect(edited?.text).toBe('hello carol');
    expect(edited?.mentions).toEqual([f.carol.id]);
    expect(edited?.editedAt).toBeInstanceOf(Date);
    expect(edited?.seq).toBe(1);
    expect((await f.s.conversations.getForUser(g.id, f.bob.id))?.unreadMentions).toBe(0);
    expect((await f.s.conversations.getForUser(g.id, f.carol.id))?.unreadMentions).toBe(1);
    expect(await f.s.messages.edit('missing', { text: 'x', mentions: [] }, f.alice.id, f.tick())).toBeNull();
  });

  it('reactions toggle, allow several emoji per user and summarise per message', async () => {
    const g = await f.group([f.alice, f.bob, f.carol]);
    const m = await f.send(g.id, f.alice, 'react to me');
    expect((await f.s.messages.setReaction(m.id, f.bob.id, '👍', true, f.tick()))?.changed).toBe(true);
    expect((await f.s.messages.setReaction(m.id, f.bob.id, '👍', true, f.tick()))?.changed).toBe(false);
    await f.s.messages.setReaction(m.id, f.carol.id, '👍', true, f.tick());
    const res = await f.s.messages.setReaction(m.id, f.bob.id, '❤️', true, f.tick());
    expect(res?.message.reactions).toEqual([
      { emoji: '👍', count: 2, userIds: [f.bob.id, f.carol.id] },
      { emoji: '❤️', count: 1, userIds: [f.bob.id] },
    ]);
    const off = await f.s.messages.setReaction(m.id, f.bob.id, '👍', false, f.tick());
    expect(off?.changed).toBe(true);
    expect(off?.message.reactions).toEqual([
      { emoji: '👍', count: 1, userIds: [f.carol.id] },
      { emoji: '❤️', count: 1, userIds: [f.bob.id] },
    ]);
    expect((await f.s.messages.setReaction(m.id, f.bob.id, '👍', false, f.tick()))?.changed).toBe(false);
    expect(await f.s.messages.setReaction('missing', f.bob.id, '👍', true, f.tick())).toBeNull();
    const [loaded] = await f.s.messages.findByIds([m.id, m.id, 'missing']);
    expect(loaded?.reactions).toEqual(off?.message.reactions);
    expect((await f.s.messages.findBySeq(g.id, 1))?.id).toBe(m.id);
  });

  it('receipts are monotonic, capped at lastSeq, and read implies delivered', async () => {
    const g = await f.group([f.alice, f.bob, f.carol]);
    for (let i = 0; i < 5; i++) await f.send(g.id, f.alice, `m${i}`);
    const r1 = await f.s.participants.markRead(g.id, f.bob.id, 4, f.tick());
    expect(r1).toMatchObject({ changed: true, participant: { lastReadSeq: 4, lastDeliveredSeq: 4 } });
    const r2 = await f.s.participants.markRead(g.id, f.bob.id, 2, f.tick());
    expect(r2).toMatchObject({ changed: false, participant: { lastReadSeq: 4 } });
    const r3 = await f.s.participants.markRead(g.id, f.bob.id, 999, f.tick());
    expect(r3?.participant.lastReadSeq).toBe(5);
    const d1 = await f.s.participants.markDelivered(g.id, f.carol.id, 3, f.tick());
    expect(d1).toMatchObject({ changed: true, participant: { lastDeliveredSeq: 3, lastReadSeq: 0 } });
    expect((await f.s.participants.markDelivered(g.id, f.carol.id, 1, f.tick()))?.changed).toBe(false);
    expect(await f.s.participants.markRead(g.id, f.dave.id, 1, f.tick())).toBeNull();
    expect((await f.s.participants.readersOf(g.id, 4, f.alice.id)).map((p) => p.userId)).toEqual([f.bob.id]);
    // Nonsense values are ignored, never stored or thrown on.
    for (const bad of [-5, Number.NaN, Number.POSITIVE_INFINITY * -1]) {
      expect((await f.s.participants.markRead(g.id, f.carol.id, bad, f.tick()))?.changed).toBe(false);
    }
    expect((await f.s.participants.find(g.id, f.carol.id))?.lastReadSeq).toBe(0);
    // The sender has read their own messages.
    expect((await f.s.participants.find(g.id, f.alice.id))?.lastReadSeq).toBe(5);
  });

  it('receipt times: when each member first got and read a message', async () => {
    const g = await f.group([f.alice, f.bob, f.carol]);
    for (let i = 0; i < 4; i++) await f.send(g.id, f.alice, `m${i}`);
    const bobGot = f.tick();
    await f.s.participants.markDelivered(g.id, f.bob.id, 2, bobGot);
    const bobRead = f.tick();
    await f.s.participants.markRead(g.id, f.bob.id, 2, bobRead);
    const bobReadAll = f.tick();
    await f.s.participants.markRead(g.id, f.bob.id, 4, bobReadAll);
    // A stale (lower) mark changes nothing.
    await f.s.participants.markRead(g.id, f.bob.id, 1, f.tick());
    const carolRead = f.tick();
    await f.s.participants.markRead(g.id, f.carol.id, 3, carolRead);

    const at2 = await f.s.participants.receiptTimes(g.id, 2, [f.bob.id, f.carol.id, f.dave.id]);
    expect(at2).toEqual([
      { userId: f.bob.id, deliveredAt: bobGot, readAt: bobRead },
      // Read implies delivered, at the same moment.
      { userId: f.carol.id, deliveredAt: carolRead, readAt: carolRead },
      { userId: f.dave.id, deliveredAt: null, readAt: null },
    ]);
    const at4 = await f.s.participants.receiptTimes(g.id, 4, [f.bob.id, f.carol.id]);
    expect(at4).toEqual([
      { userId: f.bob.id, deliveredAt: bobReadAll, readAt: bobReadAll },
      { userId: f.carol.id, deliveredAt: null, readAt: null },
    ]);
  });
}
