import type { ChangeEntry, ConversationSummary, Participant } from '@charla/shared-types';
import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it, vi } from 'vitest';
import type { MessagesState } from './cache.ts';
import { ChangeFeeds } from './change-feed.ts';
import type { ApiClient } from './client.ts';
import { keys } from './query-keys.ts';
import { catchUp, socketHandlers } from './sync.ts';
import { message, participant, summary } from './test-fixtures.ts';

function setup() {
  const qc = new QueryClient();
  qc.setQueryData<ConversationSummary[]>(keys.conversations, [
    summary({ id: 'c1', lastSeq: 1 }),
    summary({ id: 'c2' }),
  ]);
  qc.setQueryData<MessagesState>(keys.messages('c1'), {
    items: [message({ seq: 1 })],
    hasMoreBefore: false,
    hasMoreAfter: false,
    changeSeq: 1,
  });
  qc.setQueryData<Participant[]>(keys.participants('c1'), [participant('me'), participant('u2')]);
  const invalidate = vi.spyOn(qc, 'invalidateQueries');
  const onIncoming = vi.fn();
  const h = socketHandlers({ qc, meId: 'me', activeConversationId: () => null, onIncoming });
  return { qc, h, invalidate, onIncoming };
}

describe('socket events patch the cache', () => {
  it('message:created appends, bumps the list and refetches nothing', () => {
    const { qc, h, invalidate, onIncoming } = setup();
    h['message:created']({ message: message({ seq: 2, conversationId: 'c1' }), changeSeq: 2, notifyEvenIfMuted: [] });
    expect(qc.getQueryData<MessagesState>(keys.messages('c1'))?.items.map((m) => m.seq)).toEqual([1, 2]);
    expect(qc.getQueryData<ConversationSummary[]>(keys.conversations)?.[0]).toMatchObject({ id: 'c1', unreadCount: 1 });
    expect(onIncoming).toHaveBeenCalledTimes(1);
    expect(invalidate).not.toHaveBeenCalled();
  });

  it('a message for an unknown conversation refetches the list once', () => {
    const { h, invalidate } = setup();
    h['message:created']({ message: message({ seq: 1, conversationId: 'new' }), changeSeq: 1, notifyEvenIfMuted: [] });
    expect(invalidate).toHaveBeenCalledTimes(1);
  });

  it('does not extend a window that is not at the latest message', () => {
    const { qc, h } = setup();
    qc.setQueryData<MessagesState>(keys.messages('c1'), (s) => (s ? { ...s, hasMoreAfter: true } : s));
    h['message:created']({ message: message({ seq: 9, conversationId: 'c1' }), changeSeq: 9, notifyEvenIfMuted: [] });
    expect(qc.getQueryData<MessagesState>(keys.messages('c1'))?.items).toHaveLength(1);
  });

  it('applies deletes, reactions, receipts and typing', () => {
    const { qc, h } = setup();
    const onTyping = vi.fn();
    const withTyping = socketHandlers({ qc, meId: 'me', activeConversationId: () => null, onTyping });
    h['reaction:updated']({
      conversationId: 'c1',
      messageId: 'm1',
      reactions: [{ emoji: '🎉', count: 1, userIds: ['u2'] }],
      userId: 'u2',
      emoji: '🎉',
      added: true,
      changeSeq: 3,
    });
    h['receipt:updated']({ conversationId: 'c1', userId: 'u2', lastReadSeq: 1, lastDeliveredSeq: 1, changeSeq: 4 });
    const tomb = message({ seq: 1, text: '', deletedAt: '2026-01-01T00:00:00.000Z' });
    h['message:deleted']({
      conversationId: 'c1',
      messageId: 'm1',
      seq: 1,
      scope: 'everyone',
      message: tomb,
      changeSeq: 5,
    });
    withTyping.typing({ conversationId: 'c1', userId: 'u2', typing: true });
    withTyping.typing({ conversationId: 'c1', userId: 'me', typing: true });
    const items = qc.getQueryData<MessagesState>(keys.messages('c1'))?.items;
    expect(items?.[0]?.deletedAt).not.toBeNull();
    expect(qc.getQueryData<Participant[]>(keys.participants('c1'))?.find((p) => p.userId === 'u2')?.lastReadSeq).toBe(
      1,
    );
    expect(onTyping).toHaveBeenCalledTimes(1);
  });
});

describe('catch-up after reconnect', () => {
  it('asks the change feed from the cached cursor and patches messages', async () => {
    const { qc } = setup();
    const get = vi.fn(async (path: string) => ({
      conversationId: 'c1',
      entries: path.includes('after=1') ? [{ type: 'message', changeSeq: 7, message: message({ seq: 2 }) }] : [],
      cursor: 7,
      hasMore: false,
    }));
    const api = { get, send: vi.fn(), token: vi.fn(), base: () => '' } as unknown as ApiClient;
    await catchUp(qc, api);
    expect(get).toHaveBeenCalledWith('/conversations/c1/changes?after=1', expect.anything());
    const s = qc.getQueryData<MessagesState>(keys.messages('c1'));
    expect([s?.items.map((m) => m.seq), s?.changeSeq]).toEqual([[1, 2], 7]);
  });
});

/** A stand-in for GET /conversations/:id/changes over a log of entries, like the server's feed. */
function feedApi(log: ChangeEntry[], opts: { failFirst?: boolean } = {}) {
  let fail = opts.failFirst ?? false;
  const get = vi.fn(async (path: string) => {
    if (fail) {
      fail = false;
      throw new Error('offline');
    }
    const after = Number(new URL(path, 'http://x').searchParams.get('after'));
    const entries = log.filter((e) => e.changeSeq > after);
    return { conversationId: 'c1', entries, cursor: entries.at(-1)?.changeSeq ?? after, hasMore: false };
  });
  return { get, api: { get, send: vi.fn(), token: vi.fn(), base: () => '' } as unknown as ApiClient };
}

function tracked(api: ApiClient) {
  const { qc } = setup();
  const feeds = new ChangeFeeds({ qc, api, meId: 'me', activeConversationId: () => null });
  const h = socketHandlers({ qc, meId: 'me', api, feeds, activeConversationId: () => null });
  const state = () => qc.getQueryData<MessagesState>(keys.messages('c1'));
  return { qc, h, feeds, state };
}

describe('change-feed cursor', () => {
  const m2 = message({ seq: 2 });
  const m3 = message({ seq: 3 });
  const log: ChangeEntry[] = [
    { type: 'message', changeSeq: 2, message: m2 },
    { type: 'message', changeSeq: 3, message: m3 },
  ];

  it('advances on exactly cursor + 1 without fetching', () => {
    const { get, api } = feedApi(log);
    const { h, state } = tracked(api);
    h['message:created']({ message: m2, changeSeq: 2, notifyEvenIfMuted: [] });
    expect(state()?.changeSeq).toBe(2);
    expect(get).not.toHaveBeenCalled();
  });

  it('a jump (N+1 lost in a disconnect, N+2 arrives) fetches after the last applied and ends with N+1 applied', async () => {
    const { get, api } = feedApi(log);
    const { h, state } = tracked(api);
    h['message:created']({ message: m3, changeSeq: 3, notifyEvenIfMuted: [] });
    // The live event is shown at once, but the cursor does not skip the lost change.
    expect(state()?.changeSeq).toBe(1);
    await vi.waitFor(() => expect(state()?.changeSeq).toBe(3));
    expect(get).toHaveBeenCalledWith('/conversations/c1/changes?after=1', expect.anything());
    expect(state()?.items.map((m) => m.seq)).toEqual([1, 2, 3]);
  });

  it('keeps the cursor when the pull fails, so the next event pulls again from the same place', async () => {
    const { get, api } = feedApi(log, { failFirst: true });
    const { h, state } = tracked(api);
    h['message:created']({ message: m3, changeSeq: 3, notifyEvenIfMuted: [] });
    await vi.waitFor(() => expect(get).toHaveBeenCalledTimes(1));
    expect(state()?.changeSeq).toBe(1);
    const m4 = message({ seq: 4 });
    log.push({ type: 'message', changeSeq: 4, message: m4 });
    h['message:created']({ message: m4, changeSeq: 4, notifyEvenIfMuted: [] });
    await vi.waitFor(() => expect(state()?.changeSeq).toBe(4));
    expect(get).toHaveBeenLastCalledWith('/conversations/c1/changes?after=1', expect.anything());
    expect(state()?.items.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
    log.pop();
  });

  it('ignores a stale event (already applied through the feed) instead of overwriting newer state', () => {
    const { api } = feedApi([]);
    const { qc, h, state } = tracked(api);
    qc.setQueryData<MessagesState>(keys.messages('c1'), (s) =>
      s ? { ...s, changeSeq: 5, items: [message({ seq: 1, text: 'edited twice' })] } : s,
    );
    h['message:updated']({ message: message({ seq: 1, text: 'edited once' }), changeSeq: 4 });
    expect(state()?.items[0]?.text).toBe('edited twice');
  });

  it('an event arriving during a pull makes the pull repeat until the cursor reaches it', async () => {
    const m4 = message({ seq: 4 });
    const full: ChangeEntry[] = [...log];
    const { get, api } = feedApi(full);
    const { h, state } = tracked(api);
    h['message:created']({ message: m3, changeSeq: 3, notifyEvenIfMuted: [] });
    full.push({ type: 'message', changeSeq: 4, message: m4 });
    h['message:created']({ message: m4, changeSeq: 4, notifyEvenIfMuted: [] });
    await vi.waitFor(() => expect(state()?.changeSeq).toBe(4));
    expect(get.mock.calls.length).toBeGreaterThanOrEqual(1);
    expect(state()?.items.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
  });

  it('feed entries patch the list: preview, lastSeq, my state and member count', async () => {
    const { api } = feedApi([
      { type: 'message', changeSeq: 2, message: m2 },
      { type: 'participant', changeSeq: 3, participant: participant('u3') },
      {
        type: 'me',
        changeSeq: 4,
        me: { ...summary({ id: 'c1' }).me, pinned: true },
      },
    ]);
    const { qc, feeds } = tracked(api);
    await feeds.pull('c1');
    const c1 = qc.getQueryData<ConversationSummary[]>(keys.conversations)?.find((c) => c.id === 'c1');
    expect(c1).toMatchObject({ lastSeq: 2, memberCount: 3, changeSeq: 4, me: { pinned: true } });
    expect(c1?.lastMessage?.id).toBe('m2');
  });
});

describe('the implicit rules of the feed', () => {
  it('a message means its sender read and received up to it', () => {
    const { qc, h } = setup();
    h['message:created']({ message: message({ seq: 2, senderId: 'u2' }), changeSeq: 2, notifyEvenIfMuted: [] });
    expect(qc.getQueryData<Participant[]>(keys.participants('c1'))?.find((p) => p.userId === 'u2')).toMatchObject({
      lastReadSeq: 2,
      lastDeliveredSeq: 2,
    });
  });

  it('a message deleted for me stays gone when edits, reactions and deletion for everyone arrive', () => {
    const { qc, h } = setup();
    h['message:deleted']({ conversationId: 'c1', messageId: 'm1', seq: 1, scope: 'me', message: null, changeSeq: 2 });
    h['message:updated']({ message: message({ seq: 1, text: 'edited' }), changeSeq: 3 });
    h['reaction:updated']({
      conversationId: 'c1',
      messageId: 'm1',
      reactions: [{ emoji: '👍', count: 1, userIds: ['u2'] }],
      userId: 'u2',
      emoji: '👍',
      added: true,
      changeSeq: 4,
    });
    const tomb = message({ seq: 1, text: '', deletedAt: '2026-01-01T00:00:00.000Z' });
    h['message:deleted']({
      conversationId: 'c1',
      messageId: 'm1',
      seq: 1,
      scope: 'everyone',
      message: tomb,
      changeSeq: 5,
    });
    const s = qc.getQueryData<MessagesState>(keys.messages('c1'));
    expect([s?.items, s?.changeSeq]).toEqual([[], 5]);
  });

  it('an edit of a message outside the loaded window is not inserted into it', () => {
    const { qc, h } = setup();
    qc.setQueryData<MessagesState>(keys.messages('c1'), (s) =>
      s ? { ...s, items: [message({ seq: 10 })], hasMoreBefore: true } : s,
    );
    h['message:updated']({ message: message({ seq: 3, text: 'old, edited' }), changeSeq: 2 });
    expect(qc.getQueryData<MessagesState>(keys.messages('c1'))?.items.map((m) => m.seq)).toEqual([10]);
  });

  it('member count follows joins and leaves; a second join event for the same member counts once', () => {
    const { qc, h } = setup();
    const count = () =>
      qc.getQueryData<ConversationSummary[]>(keys.conversations)?.find((c) => c.id === 'c1')?.memberCount;
    h['participant:joined']({ conversationId: 'c1', participant: participant('u3'), changeSeq: 2 });
    h['participant:joined']({ conversationId: 'c1', participant: participant('u3'), changeSeq: 3 });
    expect(count()).toBe(3);
    h['participant:left']({ conversationId: 'c1', userId: 'u2', reason: 'left', changeSeq: 4 });
    expect(count()).toBe(2);
    // Without a cached member list the count still moves (c2 has no participants cached).
    h['participant:joined']({
      conversationId: 'c2',
      participant: participant('u4', { conversationId: 'c2' }),
      changeSeq: 1,
    });
    expect(qc.getQueryData<ConversationSummary[]>(keys.conversations)?.find((c) => c.id === 'c2')?.memberCount).toBe(3);
  });

  it('a conversation edit never moves the derived counters backwards', () => {
    const { qc, h } = setup();
    const c1 = summary({ id: 'c1', lastSeq: 1 });
    h['conversation:updated']({
      conversationId: 'c1',
      conversation: { ...c1, title: 'Renamed', lastSeq: 0, lastActivityAt: '2025-01-01T00:00:00.000Z' },
      me: null,
      changeSeq: 2,
    });
    const after = qc.getQueryData<ConversationSummary[]>(keys.conversations)?.find((c) => c.id === 'c1');
    expect(after).toMatchObject({ title: 'Renamed', lastSeq: 1, lastActivityAt: c1.lastActivityAt });
  });
  it('asks the server for fresh permission flags when my role or the posting setting changes', () => {
    const { h, invalidate } = setup();
    const c1 = summary({ id: 'c1', lastSeq: 1 });
    // A title change leaves the flags alone.
    h['conversation:updated']({ conversationId: 'c1', conversation: { ...c1, title: 'x' }, me: null, changeSeq: 2 });
    h['participant:updated']({ conversationId: 'c1', participant: participant('u2', { role: 'admin' }), changeSeq: 3 });
    expect(invalidate).not.toHaveBeenCalled();
    h['conversation:updated']({
      conversationId: 'c1',
      conversation: { ...c1, onlyAdminsPost: true },
      me: null,
      changeSeq: 4,
    });
    expect(invalidate).toHaveBeenCalledTimes(1);
    h['participant:updated']({ conversationId: 'c1', participant: participant('me', { role: 'admin' }), changeSeq: 5 });
    expect(invalidate).toHaveBeenCalledTimes(2);
  });
});
