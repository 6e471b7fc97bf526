/**
 * Scale-out: two real server processes on one SQLite file and one real redis-server. A message sent
 * through node A reaches a client on node B, and presence/typing agree on both nodes.
 */
import type { ConversationSummary, Message, Presence } from '@charla/shared-types';
import { describeIf, hasRedisServer } from '@charla/test-utils';
import { afterAll, expect, it } from 'vitest';
import { type ClientSocket, connectSocket, emitAck, eventually, nextEvent, restAs } from './chat.ts';
import { register } from './server-process.ts';
import { twoNodesWithRedis } from './two-nodes.ts';

describeIf(hasRedisServer(), 'no redis-server binary', 'two server nodes sharing Redis and one store', () => {
  const nodes = twoNodesWithRedis('charla-multinode-');
  const sockets: ClientSocket[] = [];
  // Registered after the nodes' hooks, so it runs before they stop.
  afterAll(() => {
    for (const s of sockets) s.close();
  });

  const connect = async (url: string, token: string) => {
    const s = await connectSocket(url, token);
    sockets.push(s);
    return s;
  };

  it('fans messages out across nodes and agrees on presence and typing', async () => {
    const ana = await register(nodes.a.api, 'ana');
    const ben = await register(nodes.b.api, 'ben');
    const group = (
      await restAs(nodes.a.api, ana.accessToken).post<ConversationSummary>('/conversations', {
        kind: 'group',
        title: 'Across nodes',
        memberIds: [ben.user.id],
      })
    ).body.data;

    const anaOnA = await connect(nodes.a.url, ana.accessToken);
    const benOnB = await connect(nodes.b.url, ben.accessToken);

    // Message through node A reaches ben's socket on node B (retrying until both adapters subscribed).
    let n = 0;
    await eventually(async () => {
      const clientMsgId = `x-${++n}`;
      const arrived = nextEvent(benOnB, 'message:created', (e) => e.message.clientMsgId === clientMsgId, 1000);
      const ack = await emitAck<Message>(anaOnA, 'message:send', {
        conversationId: group.id,
        clientMsgId,
        text: 'hello from node A',
      });
      expect(ack.ok).toBe(true);
      expect((await arrived).message.text).toBe('hello from node A');
    }, 10_000);

    // And back: REST on node B reaches ana's socket on node A.
    const back = nextEvent(anaOnA, 'message:created', (e) => e.message.text === 'hello from node B');
    const sent = await restAs(nodes.b.api, ben.accessToken).post<Message>(`/conversations/${group.id}/messages`, {
      clientMsgId: 'back-1',
      text: 'hello from node B',
    });
    expect(sent.status).toBe(201);
    expect((await back).message.senderId).toBe(ben.user.id);

    // Presence: both nodes say ana (connected to A only) is online.
    const benOnA = await connect(nodes.a.url, ben.accessToken);
    const fromB = await emitAck<Presence[]>(benOnB, 'presence:subscribe', { userIds: [ana.user.id] });
    const fromA = await emitAck<Presence[]>(benOnA, 'presence:subscribe', { userIds: [ana.user.id] });
    expect(fromB).toMatchObject({ ok: true, data: [{ userId: ana.user.id, status: 'online' }] });
    expect(fromA).toEqual(fromB);

    // Typing on A shows on B.
    const typing = nextEvent(benOnB, 'typing', (e) => e.userId === ana.user.id && e.typing);
    await emitAck(anaOnA, 'typing:start', { conversationId: group.id });
    await typing;

    // Ana leaves node A: the subscriber on node B hears it, and both nodes now agree she is offline.
    const offline = nextEvent(benOnB, 'presence', (p) => p.userId === ana.user.id && p.status === 'offline');
    anaOnA.close();
    await offline;
    const afterB = await emitAck<Presence[]>(benOnB, 'presence:subscribe', { userIds: [ana.user.id] });
    const afterA = await emitAck<Presence[]>(benOnA, 'presence:subscribe', { userIds: [ana.user.id] });
    expect(afterB).toMatchObject({ ok: true, data: [{ status: 'offline' }] });
    expect(afterA).toEqual(afterB);
  }, 40_000);

  it('disconnects a session revoked on one node from the other node at once', async () => {
    const cy = await register(nodes.a.api, 'cy');
    const onB = await connect(nodes.b.url, cy.accessToken);
    const gone = new Promise<string>((resolve) => onB.once('disconnect', (reason) => resolve(reason)));
    const res = await fetch(`${nodes.a.api}/auth/logout`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${cy.accessToken}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(200);
    expect(await gone).toBe('io server disconnect');
  }, 20_000);
});
