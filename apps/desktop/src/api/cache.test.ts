import { describe, expect, it } from 'vitest';
import {
  addSentMessage,
  applyChanges,
  bumpConversation,
  bumpEncrypted,
  type MessagesState,
  markRead,
  mergePage,
  patchReactions,
  removeMessage,
  sortConversations,
  tickFor,
  upsertMessage,
} from './cache.ts';
import { message, participant, summary } from './test-fixtures.ts';

const state = (seqs: number[], over: Partial<MessagesState> = {}): MessagesState => ({
  items: seqs.map((seq) => message({ seq })),
  hasMoreBefore: false,
  hasMoreAfter: false,
  changeSeq: 0,
  ...over,
});

describe('message cache updaters', () => {
  it('the send ack adds my message but never overwrites a fresher copy from the socket', () => {
    const withPreview = message({ seq: 4, text: 'see https://example.org' });
    const fresher = { ...withPreview, editedAt: '2026-12-06T08:00:00.000Z' };
    // message:created and then message:updated arrived before the outbox handled the ack.
    let s = upsertMessage(state([1, 2, 3]), fresher);
    s = addSentMessage(s, withPreview);
    expect(s.items.find((m) => m.id === withPreview.id)).toBe(fresher);
    expect(s.items).toHaveLength(4);
    // Without the socket's copy (a REST fallback, a slow socket) the ack's copy is added.
    const alone = addSentMessage(state([1, 2, 3]), withPreview);
    expect(alone.items.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
  });

  it('appends, inserts in seq order and replaces by id without duplicates', () => {
    let s = state([1, 3]);
    s = upsertMessage(s, message({ seq: 4 }), 10);
    s = upsertMessage(s, message({ seq: 2 }), 11);
    s = upsertMessage(s, message({ seq: 3, text: 'edited' }), 12);
    expect(s.items.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
    expect(s.items[2]?.text).toBe('edited');
    expect(s.changeSeq).toBe(12);
    // An older changeSeq never moves the cursor back.
    expect(upsertMessage(s, message({ seq: 5 }), 3).changeSeq).toBe(12);
  });

  it('removes and patches reactions by id', () => {
    const s = patchReactions(state([1, 2]), 'm2', [{ emoji: '👍', count: 1, userIds: ['u1'] }]);
    expect(s.items[1]?.reactions).toHaveLength(1);
    expect(removeMessage(s, 'm1').items.map((m) => m.id)).toEqual(['m2']);
  });

  it('merges an older page before the window, deduplicating overlap', () => {
    const s = mergePage(
      state([5, 6], { hasMoreBefore: true }),
      [3, 4, 5].map((seq) => message({ seq })),
      'before',
      false,
    );
    expect(s.items.map((m) => m.seq)).toEqual([3, 4, 5, 6]);
    expect(s.hasMoreBefore).toBe(false);
  });

  it('applies change-feed snapshots: edits, hidden messages, receipts, participants and my state', () => {
    const members = [participant('u1'), participant('u2')];
    const r = applyChanges(state([1, 2]), members, [
      {
        type: 'message',
        changeSeq: 5,
        message: message({ seq: 2, text: 'edited', editedAt: '2026-01-02T00:00:00.000Z' }),
      },
      { type: 'message', changeSeq: 6, message: message({ seq: 3 }) },
      { type: 'message_hidden', changeSeq: 7, messageId: 'm1' },
      {
        type: 'receipt',
        changeSeq: 8,
        receipt: { conversationId: 'c1', userId: 'u2', lastReadSeq: 3, lastDeliveredSeq: 3 },
      },
      { type: 'participant', changeSeq: 9, participant: participant('u3') },
      { type: 'participant_left', changeSeq: 10, userId: 'u1' },
      {
        type: 'me',
        changeSeq: 11,
        me: {
          role: 'member',
          joinedSeq: 0,
          lastReadSeq: 3,
          lastDeliveredSeq: 3,
          mutedUntil: null,
          archived: true,
          pinned: false,
        },
      },
    ]);
    expect(r.messages?.items.map((m) => [m.seq, m.text])).toEqual([
      [2, 'edited'],
      [3, 'message 3'],
    ]);
    expect(r.messages?.changeSeq).toBe(11);
    expect(r.participants?.map((p) => p.userId).sort()).toEqual(['u2', 'u3']);
    expect(r.participants?.find((p) => p.userId === 'u2')?.lastReadSeq).toBe(3);
    expect(r.me?.archived).toBe(true);
  });

  it('applying the same feed twice changes nothing (snapshots are idempotent)', () => {
    const entries = [{ type: 'message' as const, changeSeq: 5, message: message({ seq: 3 }) }];
    const once = applyChanges(state([1, 2]), undefined, entries).messages;
    const twice = once && applyChanges(once, undefined, entries).messages;
    expect(twice?.items.map((m) => m.seq)).toEqual([1, 2, 3]);
  });
});

describe('ticks', () => {
  it('is read/delivered only when every other member reached the seq', () => {
    const ps = [
      participant('me'),
      participant('a', { lastDeliveredSeq: 5, lastReadSeq: 4 }),
      participant('b', { lastDeliveredSeq: 5, lastReadSeq: 5 }),
    ];
    expect(tickFor(4, ps, 'me')).toBe('read');
    expect(tickFor(5, ps, 'me')).toBe('delivered');
    expect(tickFor(6, ps, 'me')).toBe('sent');
    expect(tickFor(1, [participant('me')], 'me')).toBe('sent');
  });
});

describe('conversation list updaters', () => {
  const list = [
    summary({
      id: 'pinned',
      lastActivityAt: '2026-01-01T00:00:00.000Z',
      me: { ...summary({ id: 'x' }).me, pinned: true },
    }),
    summary({ id: 'c1', lastActivityAt: '2026-01-01T01:00:00.000Z', lastSeq: 1 }),
    summary({ id: 'c2', lastActivityAt: '2026-01-01T02:00:00.000Z' }),
  ];

  it('moves the conversation up (below pinned ones) and counts unread and mentions', () => {
    const m = message({ seq: 2, conversationId: 'c1', mentions: ['me'], createdAt: '2026-01-01T03:00:00.000Z' });
    const next = bumpConversation(list, m, 'me', null);
    expect(next.map((c) => c.id)).toEqual(['pinned', 'c1', 'c2']);
    const c1 = next.find((c) => c.id === 'c1');
    expect([c1?.unreadCount, c1?.unreadMentions, c1?.lastMessage?.text, c1?.lastSeq]).toEqual([1, 1, 'message 2', 2]);
  });

  it('an encrypted chat’s application message moves it up; a commit only advances lastSeq', () => {
    const meta = {
      id: 'e1',
      conversationId: 'c1',
      seq: 5,
      kind: 'application' as const,
      epoch: 0,
      senderId: 'ana',
      senderDeviceId: 'd1',
      createdAt: '2026-01-01T03:00:00.000Z',
    };
    const moved = bumpEncrypted(list, meta);
    expect(moved.map((c) => c.id)).toEqual(['pinned', 'c1', 'c2']);
    expect(moved.find((c) => c.id === 'c1')).toMatchObject({
      lastSeq: 5,
      lastActivityAt: meta.createdAt,
      unreadCount: 0,
    });
    const commit = bumpEncrypted(list, { ...meta, kind: 'commit' });
    expect(commit.map((c) => c.id)).toEqual(['pinned', 'c2', 'c1']);
    expect(commit.find((c) => c.id === 'c1')?.lastSeq).toBe(5);
    expect(bumpEncrypted(list, { ...meta, conversationId: 'unknown' })).toBe(list);
  });

  it('does not count messages in the open conversation, my own, or a replayed one', () => {
    const m = message({ seq: 2, conversationId: 'c1', createdAt: '2026-01-01T03:00:00.000Z' });
    expect(bumpConversation(list, m, 'me', 'c1').find((c) => c.id === 'c1')?.unreadCount).toBe(0);
    expect(bumpConversation(list, { ...m, senderId: 'me' }, 'me', null).find((c) => c.id === 'c1')?.unreadCount).toBe(
      0,
    );
    const once = bumpConversation(list, m, 'me', null);
    expect(bumpConversation(once, m, 'me', null).find((c) => c.id === 'c1')?.unreadCount).toBe(1);
  });

  it('markRead clears the counters', () => {
    const bumped = bumpConversation(list, message({ seq: 2, conversationId: 'c1' }), 'me', null);
    const read = markRead(bumped, 'c1', 2).find((c) => c.id === 'c1');
    expect([read?.unreadCount, read?.me.lastReadSeq]).toEqual([0, 2]);
  });

  it('sorting keeps one entry per conversation (a list row is keyed by id)', () => {
    const twice = [...list, { ...list[0], unreadCount: 9 } as (typeof list)[number]];
    const sorted = sortConversations(twice);
    expect(sorted.map((c) => c.id).sort()).toEqual(list.map((c) => c.id).sort());
    expect(sorted.find((c) => c.id === list[0]?.id)?.unreadCount).toBe(list[0]?.unreadCount);
  });
});
