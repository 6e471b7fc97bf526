import type { ConversationSummary, Participant } from '@charla/shared-types';
import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it, vi } from 'vitest';
import type { MessagesState } from './cache.ts';
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
