import type { ConversationDetails, ConversationSummary, Message } from '@charla/shared-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Local, liveSync, serverState } from '../../../test/catch-up-model.ts';
import { type ClientSocket, connectSocket, eventually, type Rest, restAs, sleep } from '../../../test/chat.ts';
import { type RegisteredUser, registerUser, startTestApp, type TestApp } from '../../../test/harness.ts';

/**
 * A client following one busy conversation through live events (cursor rule + feed on gaps), with a
 * disconnect in the middle, ends equal to the server, while three others change everything concurrently.
 */
describe('live events plus the change feed lose nothing', () => {
  let t: TestApp;
  let users: RegisteredUser[];
  let rests: Rest[];

  beforeAll(async () => {
    t = await startTestApp({ deps: { realtime: { limits: { send: [1000, 1000], events: [1000, 1000] } } } });
    users = await Promise.all([0, 1, 2, 3, 4].map(() => registerUser(t)));
    rests = users.map((u) => restAs(t.api, u.accessToken));
  });
  afterAll(async () => {
    await t?.close();
  });

  it('converges under concurrent sends, edits, deletes, reactions, reads and membership changes', async () => {
    const [watcherUser, , , , extra] = users as [
      RegisteredUser,
      RegisteredUser,
      RegisteredUser,
      RegisteredUser,
      RegisteredUser,
    ];
    const [W, A, B, C, X] = rests as [Rest, Rest, Rest, Rest, Rest];
    const g = (
      await A.post<ConversationSummary>('/conversations', {
        kind: 'group',
        title: 'Busy',
        memberIds: users
          .slice(0, 4)
          .map((u) => u.user.id)
          .filter((id) => id !== users[1]?.user.id),
      })
    ).body.data;
    const local: Local = { cursor: 0, conversation: null, me: null, messages: new Map(), participants: new Map() };
    const sync = liveSync(W, g.id, local);
    let socket: ClientSocket = await connectSocket(t.url, watcherUser.accessToken);
    sync.attach(socket);
    await sync.fetchFeed();

    const actors = [A, B, C];
    const sent: Message[] = [];
    let n = 0;
    const step = async (i: number) => {
      const r = actors[i % 3] as Rest;
      const pick = () => sent[Math.floor(Math.random() * sent.length)];
      const op = i < 10 ? 0 : i % 7;
      if (op <= 2 || !sent.length) {
        const res = await r.post<Message>(`/conversations/${g.id}/messages`, {
          clientMsgId: `ls-${++n}`,
          text: `m${n}`,
        });
        if (res.status === 201) sent.push(res.body.data);
      } else if (op === 3) {
        const m = pick();
        if (m)
          await rests[users.findIndex((u) => u.user.id === m.senderId)]?.patch(`/messages/${m.id}`, {
            text: `${m.text}!`,
          });
      } else if (op === 4) {
        const m = pick();
        if (m) await r.put(`/messages/${m.id}/reactions/${encodeURIComponent(i % 2 ? '👍' : '🎉')}`);
      } else if (op === 5) {
        const m = pick();
        if (m) await r.post(`/conversations/${g.id}/read`, { seq: m.seq });
      } else {
        const m = pick();
        if (m) await rests[users.findIndex((u) => u.user.id === m.senderId)]?.del(`/messages/${m.id}`);
      }
    };
    const burst = async (from: number, to: number) => {
      const ops: Promise<void>[] = [];
      for (let i = from; i < to; i++) ops.push(step(i));
      await Promise.all(ops);
    };

    await burst(0, 60);
    // Drop the connection mid-stream; the world keeps moving.
    socket.close();
    await burst(60, 120);
    await A.post(`/conversations/${g.id}/participants`, { userIds: [extra.user.id] });
    await X.post(`/conversations/${g.id}/messages`, { clientMsgId: 'extra-1', text: 'hi all' });
    await W.del(`/messages/${sent[0]?.id}?for=me`);
    await W.patch(`/conversations/${g.id}/me`, { archived: true });
    // Reconnect: the first event after the gap (or an explicit fetch) brings the client up to date.
    socket = await connectSocket(t.url, watcherUser.accessToken);
    sync.attach(socket);
    await sync.fetchFeed();
    await burst(120, 180);
    await A.del(`/conversations/${g.id}/participants/${extra.user.id}`);
    await A.patch(`/conversations/${g.id}`, { title: 'Busy (done)' });

    const final = (await W.get<ConversationDetails>(`/conversations/${g.id}`)).body.data.changeSeq;
    await eventually(() => expect(local.cursor).toBe(final), 10_000);
    await sleep(100);
    const server = await serverState(W, g.id);
    expect(new Map([...local.messages].sort())).toEqual(new Map([...server.messages].sort()));
    const byUser = (a: { userId: string }, b: { userId: string }) => a.userId.localeCompare(b.userId);
    expect([...local.participants.values()].sort(byUser)).toEqual([...server.participants].sort(byUser));
    // permissions, like me and the counts, are per viewer, not part of the shared conversation.
    const { lastMessage, unreadCount, unreadMentions, me, permissions, ...shared } = server.details;
    expect(local.conversation).toEqual(shared);
    expect(local.me).toEqual(me);
    // Events did most of the work: only a handful of feed fetches.
    expect(sync.fetches).toBeLessThan(20);
    socket.close();
  }, 60_000);
});
