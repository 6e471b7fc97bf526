import type { ConversationDetails, ConversationSummary, HistoryPage, Message, Page } from '@charla/shared-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSocket, emitAck, type Rest, record, restAs, sleep } from '../../../test/chat.ts';
import { type RegisteredUser, registerUser, startTestApp, type TestApp } from '../../../test/harness.ts';

/**
 * Posting rules are the server's (issue 22 #3, issue 21 #9): channels are open to members by default;
 * in announcement mode (`onlyAdminsPost`) only owners and admins send, forward into, edit in and react
 * in it, on REST and sockets alike, and the conversation DTO tells each viewer what they may do.
 */
describe('posting rules: open channels, announcement mode enforced by the server', () => {
  let t: TestApp;
  let owner: RegisteredUser;
  let admin: RegisteredUser;
  let member: RegisteredUser;
  let O: Rest;
  let A: Rest;
  let M: Rest;
  let channel: string;
  let n = 0;
  const cid = () => `p-${++n}`;
  const send = (r: Rest, id: string, text: string, extra: Record<string, unknown> = {}) =>
    r.post<Message>(`/conversations/${id}/messages`, { clientMsgId: cid(), text, ...extra });

  beforeAll(async () => {
    t = await startTestApp();
    [owner, admin, member] = await Promise.all([registerUser(t), registerUser(t), registerUser(t)]);
    [O, A, M] = [owner, admin, member].map((u) => restAs(t.api, u.accessToken)) as [Rest, Rest, Rest];
    const created = await O.post<ConversationSummary>('/conversations', { kind: 'channel', title: 'News' });
    expect(created.status).toBe(201);
    channel = created.body.data.id;
    expect(created.body.data).toMatchObject({ onlyAdminsPost: false, permissions: { canPost: true } });
    expect((await A.post(`/conversations/${channel}/join`)).status).toBe(200);
    expect((await M.post(`/conversations/${channel}/join`)).status).toBe(200);
    expect((await O.patch(`/conversations/${channel}/participants/${admin.user.id}`, { role: 'admin' })).status).toBe(
      200,
    );
  });
  afterAll(() => t?.close());

  it('a channel is open to its members by default, and says so in the flags', async () => {
    const res = await send(M, channel, 'hello from a member');
    expect(res.status).toBe(201);
    const view = (await M.get<ConversationDetails>(`/conversations/${channel}`)).body.data;
    expect(view.permissions).toEqual({
      canPost: true,
      cannotPostReason: null,
      canReact: true,
      canEditInfo: false,
      canInvite: false,
      canModerate: false,
      canJoin: false,
    });
    // A reader who has not joined: may join, may not post.
    const stranger = restAs(t.api, (await registerUser(t)).accessToken);
    const outside = (await stranger.get<ConversationDetails>(`/conversations/${channel}`)).body.data;
    expect(outside.permissions).toMatchObject({ canPost: false, cannotPostReason: 'not_member', canJoin: true });
    expect((await send(stranger, channel, 'not a member')).status).toBe(404);
  });

  it('only an owner or admin switches announcement mode, and everyone sees the change', async () => {
    expect((await M.patch(`/conversations/${channel}`, { onlyAdminsPost: true })).status).toBe(403);
    const res = await A.patch<ConversationDetails>(`/conversations/${channel}`, { onlyAdminsPost: true });
    expect(res.status).toBe(200);
    expect(res.body.data.onlyAdminsPost).toBe(true);
    const history = (await M.get<HistoryPage>(`/conversations/${channel}/messages`)).body.data.items;
    expect(history.at(-1)?.system).toMatchObject({ type: 'posting_changed', value: 'true' });
    const memberView = (await M.get<ConversationDetails>(`/conversations/${channel}`)).body.data;
    expect(memberView.permissions).toMatchObject({ canPost: false, cannotPostReason: 'admins_only', canReact: false });
    const adminView = (await A.get<ConversationDetails>(`/conversations/${channel}`)).body.data;
    expect(adminView.permissions).toMatchObject({ canPost: true, canEditInfo: true, canModerate: true });
    const listed = (await M.get<Page<ConversationSummary>>('/conversations')).body.data.items;
    expect(listed.find((c) => c.id === channel)?.permissions.canPost).toBe(false);
  });

  it('a member in announcement mode cannot send, forward into, edit or react, over REST or socket', async () => {
    await O.patch(`/conversations/${channel}`, { onlyAdminsPost: false });
    const mine = (await send(M, channel, 'written while open')).body.data;
    const announcement = (await send(O, channel, 'big news')).body.data;
    expect((await M.put(`/messages/${announcement.id}/reactions/👍`)).status).toBe(200);
    await O.patch(`/conversations/${channel}`, { onlyAdminsPost: true });

    const refused = await send(M, channel, 'let me in');
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('posting_restricted');
    const edit = await M.patch(`/messages/${mine.id}`, { text: 'rewritten later' });
    expect(edit.status).toBe(403);
    expect(edit.body.code).toBe('posting_restricted');
    expect((await M.put(`/messages/${announcement.id}/reactions/🎉`)).status).toBe(403);
    // Taking one's own reaction back, and deleting one's own message, stay allowed.
    expect((await M.del(`/messages/${announcement.id}/reactions/👍`)).status).toBe(200);
    // Forwarding into it from a chat the member may post in.
    const dm = (await M.post<ConversationSummary>('/conversations', { kind: 'direct', userId: admin.user.id })).body
      .data;
    const there = (await send(M, dm.id, 'forward me')).body.data;
    const fwd = await M.post(`/messages/${there.id}/forward`, { conversationIds: [channel], clientMsgId: cid() });
    expect(fwd.status).toBe(403);
    expect(fwd.body.code).toBe('posting_restricted');

    const socket = await connectSocket(t.url, member.accessToken);
    try {
      const ack = await emitAck(socket, 'message:send', { conversationId: channel, clientMsgId: cid(), text: 'ws' });
      expect(ack).toMatchObject({ ok: false, error: { code: 'posting_restricted' } });
      const react = await emitAck(socket, 'message:react', { messageId: announcement.id, emoji: '🎉', on: true });
      expect(react).toMatchObject({ ok: false, error: { code: 'posting_restricted' } });
      const editWs = await emitAck(socket, 'message:edit', { messageId: mine.id, text: 'again' });
      expect(editWs).toMatchObject({ ok: false, error: { code: 'posting_restricted' } });
    } finally {
      socket.close();
    }
    expect((await M.del(`/messages/${mine.id}?for=everyone`)).status).toBe(200);
    // Nothing the member tried landed.
    const texts = (await O.get<HistoryPage>(`/conversations/${channel}/messages`)).body.data.items.map((m) => m.text);
    expect(texts).not.toContain('let me in');
    expect(texts).not.toContain('ws');
    expect(texts).not.toContain('forward me');
  });

  it('admins post; a demoted admin loses it at once; mentions by a refused sender notify nobody', async () => {
    expect((await send(A, channel, 'from the admin')).status).toBe(201);
    await O.patch(`/conversations/${channel}/participants/${admin.user.id}`, { role: 'member' });
    expect((await send(A, channel, 'still admin?')).status).toBe(403);
    // The owner muted the channel; a refused @mention must not reach them (not even as a mention).
    await O.patch(`/conversations/${channel}/me`, { mutedUntil: '2999-01-01T00:00:00.000Z' });
    const socket = await connectSocket(t.url, owner.accessToken);
    const seen = record(socket, 'message:created');
    try {
      const res = await send(M, channel, `@${owner.username} look at this`, { mentions: [owner.user.id] });
      expect(res.status).toBe(403);
      await sleep(200);
      expect(seen).toEqual([]);
    } finally {
      socket.close();
    }
  });

  it('groups have announcement mode too; direct chats have no such setting', async () => {
    const g = await O.post<ConversationSummary>('/conversations', {
      kind: 'group',
      title: 'Board',
      memberIds: [member.user.id],
      onlyAdminsPost: true,
    });
    expect(g.body.data.onlyAdminsPost).toBe(true);
    expect((await send(M, g.body.data.id, 'hi')).status).toBe(403);
    expect((await send(O, g.body.data.id, 'hi')).status).toBe(201);
    const dm = (await O.post<ConversationSummary>('/conversations', { kind: 'direct', userId: member.user.id })).body
      .data;
    expect(dm.permissions).toMatchObject({ canPost: true, canEditInfo: false, canModerate: false });
    expect((await O.patch(`/conversations/${dm.id}`, { onlyAdminsPost: true })).status).toBe(403);
    expect((await O.patch(`/conversations/${g.body.data.id}`, { onlyAdminsPost: 'yes' })).status).toBe(400);
  });
});
