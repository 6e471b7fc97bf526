import type { ConversationDetails, ConversationSummary, Message } from '@charla/shared-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSocket, emitAck, type Rest, restAs } from '../../../test/chat.ts';
import {
  type RegisteredUser,
  registerUser,
  startTestApp,
  type TestApp,
  unverify,
  verifyEmail,
} from '../../../test/harness.ts';

/**
 * Issue 22 #12: ALLOW_UNVERIFIED_CHAT=false was never read. With it, an account whose email is not
 * verified reads, joins and leaves, but sends, forwards, edits, reacts and starts conversations only
 * after verifying: 403 email_unverified on every path (REST and socket), and its permission flags say so.
 */
describe('ALLOW_UNVERIFIED_CHAT=false', () => {
  let t: TestApp;
  let owner: RegisteredUser;
  let fresh: RegisteredUser;
  let O: Rest;
  let F: Rest;
  let group: string;
  let hello: Message;
  let n = 0;
  const cid = () => `u-${++n}`;

  beforeAll(async () => {
    t = await startTestApp({ env: { ALLOW_UNVERIFIED_CHAT: 'false' } });
    // Sign-up by code verifies the address; `fresh` stands for an account made before that (or an
    // OIDC account whose provider did not vouch for its address).
    owner = await registerUser(t);
    fresh = await registerUser(t);
    await unverify(t, fresh);
    [O, F] = [owner, fresh].map((u) => restAs(t.api, u.accessToken)) as [Rest, Rest];
    group = (
      await O.post<ConversationSummary>('/conversations', {
        kind: 'group',
        title: 'Verified',
        memberIds: [fresh.user.id],
      })
    ).body.data.id;
    hello = (await O.post<Message>(`/conversations/${group}/messages`, { clientMsgId: cid(), text: 'hi' })).body.data;
  });
  afterAll(() => t?.close());

  const expect403 = (res: { status: number; body: { code?: string } }) => {
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('email_unverified');
  };

  it('an unverified account reads, but cannot send, forward, react or start a conversation (REST)', async () => {
    expect((await F.get(`/conversations/${group}/messages`)).status).toBe(200);
    expect((await F.post(`/conversations/${group}/read`, { seq: hello.seq })).status).toBe(200);
    const view = (await F.get<ConversationDetails>(`/conversations/${group}`)).body.data;
    expect(view.permissions).toMatchObject({ canPost: false, cannotPostReason: 'email_unverified', canReact: false });
    expect403(await F.post(`/conversations/${group}/messages`, { clientMsgId: cid(), text: 'spam' }));
    expect403(await F.put(`/messages/${hello.id}/reactions/👍`));
    expect403(await F.post(`/messages/${hello.id}/forward`, { conversationIds: [group], clientMsgId: cid() }));
    expect403(await F.post('/conversations', { kind: 'direct', userId: owner.user.id }));
    expect403(await F.post('/conversations', { kind: 'group', title: 'Mine' }));
    expect403(await F.post('/conversations', { kind: 'channel', title: 'Mine' }));
  });

  it('and not over the socket either', async () => {
    const socket = await connectSocket(t.url, fresh.accessToken);
    try {
      const send = await emitAck(socket, 'message:send', { conversationId: group, clientMsgId: cid(), text: 'ws' });
      expect(send).toMatchObject({ ok: false, error: { code: 'email_unverified' } });
      const react = await emitAck(socket, 'message:react', { messageId: hello.id, emoji: '👍', on: true });
      expect(react).toMatchObject({ ok: false, error: { code: 'email_unverified' } });
    } finally {
      socket.close();
    }
  });

  it('once verified, everything works; verified accounts were never affected', async () => {
    await verifyEmail(t, fresh);
    expect((await F.post(`/conversations/${group}/messages`, { clientMsgId: cid(), text: 'now me' })).status).toBe(201);
    expect((await F.put(`/messages/${hello.id}/reactions/👍`)).status).toBe(200);
    expect((await F.post('/conversations', { kind: 'direct', userId: owner.user.id })).status).toBe(201);
    const view = (await F.get<ConversationDetails>(`/conversations/${group}`)).body.data;
    expect(view.permissions).toMatchObject({ canPost: true, cannotPostReason: null });
  });
});
