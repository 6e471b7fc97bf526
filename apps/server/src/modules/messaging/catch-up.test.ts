import type { ChangeFeed, ConversationSummary, Invite, Message, SyncState } from '@charla/shared-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catchUp, type Local, serverState } from '../../../test/catch-up-model.ts';
import { connectSocket, emitAck, type Rest, restAs } from '../../../test/chat.ts';
import { type RegisteredUser, registerUser, startTestApp, type TestApp } from '../../../test/harness.ts';

describe('catch-up through the change feed', () => {
  let t: TestApp;
  let ana: RegisteredUser;
  let ben: RegisteredUser;
  let cy: RegisteredUser;
  let dee: RegisteredUser;
  let A: Rest;
  let B: Rest;
  let C: Rest;
  let D: Rest;

  beforeAll(async () => {
    t = await startTestApp();
    [ana, ben, cy, dee] = await Promise.all([registerUser(t), registerUser(t), registerUser(t), registerUser(t)]);
    [A, B, C, D] = [ana, ben, cy, dee].map((u) => restAs(t.api, u.accessToken)) as [Rest, Rest, Rest, Rest];
  });
  afterAll(async () => {
    await t?.close();
  });

  it('a client that was away converges exactly on the server state', async () => {
    const g = (
      await A.post<ConversationSummary>('/conversations', {
        kind: 'group',
        title: 'Catch-up',
        memberIds: [ben.user.id, cy.user.id],
      })
    ).body.data;
    let n = 0;
    const send = async (r: Rest, text: string) =>
      (await r.post<Message>(`/conversations/${g.id}/messages`, { clientMsgId: `cu-${++n}`, text })).body.data;
    const early = [await send(A, 'one'), await send(B, 'two'), await send(A, 'three')];

    // cy loads the conversation from the feed alone (small pages, to exercise paging), online.
    const local: Local = { cursor: 0, conversation: null, me: null, messages: new Map(), participants: new Map() };
    await catchUp(C, g.id, local, 4);
    const sync0 = (await C.get<SyncState>('/conversations/sync')).body.data;
    const socket = await connectSocket(t.url, cy.accessToken);
    socket.close();

    // While cy is away: sends, edits, deletes, reactions, receipts, membership and settings changes.
    const fresh = await send(B, 'sent while away');
    await A.patch(`/messages/${early[0]?.id}`, { text: 'one (edited)' });
    await B.del(`/messages/${early[1]?.id}?for=everyone`);
    await B.put(`/messages/${early[2]?.id}/reactions/${encodeURIComponent('👍')}`);
    await A.put(`/messages/${fresh.id}/reactions/${encodeURIComponent('😂')}`);
    await A.del(`/messages/${fresh.id}/reactions/${encodeURIComponent('😂')}`);
    await B.post(`/conversations/${g.id}/read`, { seq: fresh.seq });
    await A.patch(`/conversations/${g.id}`, { title: 'Catch-up (renamed)', description: 'now with a description' });
    const invite = (await A.post<Invite>(`/conversations/${g.id}/invites`, {})).body.data;
    await D.post(`/invites/${invite.code}/accept`);
    await send(D, 'hello from dee');
    await A.patch(`/conversations/${g.id}/participants/${ben.user.id}`, { role: 'admin' });
    await A.del(`/conversations/${g.id}/participants/${dee.user.id}`);
    // cy's other device: hides a message for cy, pins the chat, reads.
    await C.del(`/messages/${early[2]?.id}?for=me`);
    await C.patch(`/conversations/${g.id}/me`, { pinned: true });
    await C.post(`/conversations/${g.id}/read`, { seq: fresh.seq });
    await send(A, 'last one');

    // Back online: which conversations changed, then only their feeds.
    const reconnected = await connectSocket(t.url, cy.accessToken);
    reconnected.close();
    const sync1 = (await C.get<SyncState>(`/conversations/sync?since=${encodeURIComponent(sync0.cursor)}`)).body.data;
    expect(sync1.changed.map((c) => c.id)).toContain(g.id);
    const calls = await catchUp(C, g.id, local, 200);
    expect(calls).toBe(1);

    const server = await serverState(C, g.id);
    expect(new Map([...local.messages].sort())).toEqual(new Map([...server.messages].sort()));
    expect([...local.participants.values()].sort((a, b) => a.userId.localeCompare(b.userId))).toEqual(
      [...server.participants].sort((a, b) => a.userId.localeCompare(b.userId)),
    );
    // permissions, like me and the counts, are per viewer, not part of the shared conversation.
    const { lastMessage, unreadCount, unreadMentions, me, permissions, ...shared } = server.details;
    expect(local.conversation).toEqual(shared);
    expect(local.me).toEqual(me);
    expect(local.cursor).toBe(server.details.changeSeq);
    // And the details that matter, spelled out.
    expect(local.messages.has(early[2]?.id ?? '')).toBe(false);
    expect(local.messages.get(early[1]?.id ?? '')?.deletedAt).not.toBeNull();
    expect(local.messages.get(early[0]?.id ?? '')?.text).toBe('one (edited)');
    expect(local.participants.has(dee.user.id)).toBe(false);
    expect(local.participants.get(ben.user.id)?.role).toBe('admin');
    expect(local.me?.pinned).toBe(true);
    expect(lastMessage?.text).toBe('last one');
    // The client can derive the unread badge from what it holds.
    const unread = [...local.messages.values()].filter(
      (m) => m.seq > (local.me?.lastReadSeq ?? 0) && m.senderId !== cy.user.id && !m.deletedAt,
    );
    expect(unreadCount).toBe(unread.length);
    expect(unreadMentions).toBe(0);
  });

  it('tells a removed member to drop the conversation and hides its feed from them', async () => {
    const g = (
      await A.post<ConversationSummary>('/conversations', { kind: 'group', title: 'Bye', memberIds: [dee.user.id] })
    ).body.data;
    const before = (await D.get<SyncState>('/conversations/sync')).body.data;
    expect(before.changed.map((c) => c.id)).toContain(g.id);
    await A.del(`/conversations/${g.id}/participants/${dee.user.id}`);
    const after = (await D.get<SyncState>(`/conversations/sync?since=${encodeURIComponent(before.cursor)}`)).body.data;
    expect(after.removed).toContain(g.id);
    expect((await D.get(`/conversations/${g.id}/changes?after=0`)).status).toBe(404);
    expect((await D.get(`/conversations/${g.id}/changes?after=-1`)).status).toBe(400);
  });

  it('never leaks deleted text through the feed', async () => {
    const g = (
      await A.post<ConversationSummary>('/conversations', { kind: 'group', title: 'Leak', memberIds: [ben.user.id] })
    ).body.data;
    const m = (
      await A.post<Message>(`/conversations/${g.id}/messages`, { clientMsgId: 'leak-1', text: 'oops password' })
    ).body.data;
    await A.patch(`/messages/${m.id}`, { text: 'oops password again' });
    await A.del(`/messages/${m.id}`);
    const feed = (await B.get<ChangeFeed>(`/conversations/${g.id}/changes?after=0`)).body.data;
    expect(JSON.stringify(feed)).not.toContain('password');
    const socket = await connectSocket(t.url, ben.accessToken);
    const ack = await emitAck(socket, 'message:send', { conversationId: g.id, clientMsgId: 'leak-2', text: 'fine' });
    expect(ack.ok).toBe(true);
    socket.close();
  });
});
