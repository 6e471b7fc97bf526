import type { ConversationSummary, HistoryPage, Message, Presence } from '@charla/shared-types';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type ClientSocket,
  connectSocket,
  emitAck,
  eventually,
  loose,
  nextEvent,
  type Rest,
  record,
  restAs,
  sleep,
} from '../../../test/chat.ts';
import { type RegisteredUser, registerUser, startTestApp, type TestApp } from '../../../test/harness.ts';

describe('realtime over Socket.IO', () => {
  let t: TestApp;
  let ana: RegisteredUser;
  let ben: RegisteredUser;
  let cy: RegisteredUser;
  let outsider: RegisteredUser;
  let A: Rest;
  let group: string;
  const open: ClientSocket[] = [];
  const connect = async (u: RegisteredUser | string | undefined) => {
    const s = await connectSocket(t.url, typeof u === 'object' ? u.accessToken : u);
    open.push(s);
    return s;
  };

  beforeAll(async () => {
    t = await startTestApp();
    [ana, ben, cy, outsider] = await Promise.all([registerUser(t), registerUser(t), registerUser(t), registerUser(t)]);
    A = restAs(t.api, ana.accessToken);
    group = (
      await A.post<ConversationSummary>('/conversations', {
        kind: 'group',
        title: 'Live',
        memberIds: [ben.user.id, cy.user.id],
      })
    ).body.data.id;
  });
  afterEach(() => {
    for (const s of open.splice(0)) s.close();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses handshakes without a valid token, with a code the client acts on', async () => {
    const codeOf = (p: Promise<unknown>) =>
      p.then(
        () => 'connected',
        (err: Error & { data?: { code?: string } }) => err.data?.code,
      );
    expect(await codeOf(connect(undefined))).toBe('unauthenticated');
    expect(await codeOf(connect('not-a-jwt'))).toBe('unauthenticated');
    t.clock.advance(3600_000);
    try {
      expect(await codeOf(connect(ana))).toBe('token_expired');
    } finally {
      t.clock.reset();
    }
    const other = await registerUser(t);
    await fetch(`${t.api}/auth/logout`, { method: 'POST', headers: { Authorization: `Bearer ${other.accessToken}` } });
    expect(await codeOf(connect(other))).toBe('session_revoked');
  });

  it('disconnects a revoked session at once, and only that session', async () => {
    const laptop = await registerUser(t);
    const phoneLogin = await fetch(`${t.api}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: laptop.email, password: laptop.password, client: 'desktop' }),
    });
    const phone = ((await phoneLogin.json()) as { data: { accessToken: string } }).data.accessToken;
    const s1 = await connect(laptop);
    const s2 = await connect(phone);
    const gone = new Promise<string>((resolve) => s1.once('disconnect', (reason) => resolve(reason)));
    await fetch(`${t.api}/auth/sessions/${laptop.sessionId}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${phone}` },
    });
    expect(await gone).toBe('io server disconnect');
    await sleep(100);
    expect(s2.connected).toBe(true);
  });

  it('drops every socket of a suspended user, and refuses them at the handshake', async () => {
    const u = await registerUser(t);
    const s1 = await connect(u);
    const s2 = await connect(u);
    const gone = Promise.all([s1, s2].map((s) => new Promise((resolve) => s.once('disconnect', resolve))));
    await t.storage.users.update(u.user.id, { suspendedAt: new Date() });
    t.charla.ctx.events.emit('user:suspended', { userId: u.user.id });
    await gone;
    const refused = await connect(u).then(
      () => 'connected',
      (err: Error & { data?: { code?: string } }) => err.data?.code,
    );
    expect(['account_suspended', 'session_revoked']).toContain(refused);
  });

  it('fans a message out to every device of every member, once each', async () => {
    const ana1 = await connect(ana);
    const ana2 = await connect(ana);
    const benS = await connect(ben);
    const other = await connect(outsider);
    const seen = [ana1, ana2, benS, other].map((s) => record(s, 'message:created'));
    const ack = await emitAck<Message>(benS, 'message:send', {
      conversationId: group,
      clientMsgId: 'fan-1',
      text: 'hi',
    });
    if (!ack.ok) throw new Error(ack.error.message);
    expect(ack.data).toMatchObject({ text: 'hi', senderId: ben.user.id });
    await eventually(() => {
      for (const s of seen.slice(0, 3)) expect(s.map((e) => e.message.id)).toEqual([ack.data.id]);
    });
    // The retry acks the same message and nobody receives it twice.
    const retry = await emitAck<Message>(benS, 'message:send', {
      conversationId: group,
      clientMsgId: 'fan-1',
      text: 'hi',
    });
    expect(retry.ok && retry.data.id).toBe(ack.data.id);
    await sleep(150);
    for (const s of seen.slice(0, 3)) expect(s).toHaveLength(1);
    expect(seen[3]).toHaveLength(0);
  });

  it('delivers concurrent retries of one clientMsgId as one message', async () => {
    const benS = await connect(ben);
    const anaS = await connect(ana);
    const seen = record(anaS, 'message:created');
    const acks = await Promise.all(
      Array.from({ length: 5 }, () =>
        emitAck<Message>(benS, 'message:send', { conversationId: group, clientMsgId: 'burst-1', text: 'once' }),
      ),
    );
    const ids = new Set(acks.map((a) => (a.ok ? a.data.id : a.error.code)));
    expect(ids.size).toBe(1);
    await sleep(200);
    expect(seen.filter((e) => e.message.clientMsgId === 'burst-1')).toHaveLength(1);
  });

  it('assigns seq 1..n without gaps under 200 concurrent sends from several clients', async () => {
    const g = (
      await A.post<ConversationSummary>('/conversations', {
        kind: 'group',
        title: 'Storm',
        memberIds: [ben.user.id, cy.user.id],
      })
    ).body.data;
    const senders = await Promise.all([connect(ana), connect(ben), connect(cy), connect(ana)]);
    const watcher = await connect(cy);
    const seen = record(watcher, 'message:created');
    const acks = await Promise.all(
      senders.flatMap((s, si) =>
        Array.from({ length: 50 }, (_, i) =>
          emitAck<Message>(s, 'message:send', {
            conversationId: g.id,
            clientMsgId: `storm-${si}-${i}`,
            text: `${si}/${i}`,
          }),
        ),
      ),
    );
    expect(acks.filter((a) => !a.ok)).toEqual([]);
    const seqs = acks.map((a) => (a.ok ? a.data.seq : 0)).sort((x, y) => x - y);
    const start = seqs[0] ?? 0;
    expect(seqs).toEqual(Array.from({ length: 200 }, (_, i) => start + i));
    await eventually(() => expect(seen.filter((e) => e.message.kind === 'text')).toHaveLength(200));
    // Events leave in change order with the exact counter: a client applying them never skips one.
    const changeSeqs = seen.filter((e) => e.message.kind === 'text').map((e) => e.changeSeq);
    const first = changeSeqs[0] ?? 0;
    expect(changeSeqs).toEqual(Array.from({ length: 200 }, (_, i) => first + i));
    expect(seen.filter((e) => e.message.kind === 'text').map((e) => e.message.seq)).toEqual(seqs);
    const history = (await A.get<HistoryPage>(`/conversations/${g.id}/messages?limit=100`)).body.data;
    expect(history.items.at(-1)?.seq).toBe(start + 199);
  });

  it('answers bad payloads on every event with an error ack, and keeps serving', async () => {
    const s = await connect(ana);
    const events = [
      'message:send',
      'message:edit',
      'message:delete',
      'message:react',
      'message:delivered',
      'conversation:read',
      'typing:start',
      'typing:stop',
      'presence:set',
      'presence:subscribe',
    ];
    const bad: unknown[] = [undefined, null, 42, 'text', [], {}, { conversationId: 7 }, { messageId: '', emoji: 'x' }];
    for (const event of events)
      for (const payload of bad) {
        const ack = await emitAck(s, event, payload);
        expect(ack.ok, `${event} ${JSON.stringify(payload)}`).toBe(false);
        if (!ack.ok) expect(['validation_failed', 'rate_limited']).toContain(ack.error.code);
      }
    // No payload at all, only the ack callback; extra arguments.
    const bare = await loose(s.timeout(5000)).emitWithAck('message:send');
    expect(bare).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    const extra = await loose(s.timeout(5000)).emitWithAck('conversation:read', { conversationId: group, seq: 0 }, 'x');
    expect(extra).toMatchObject({ ok: true });
    // Unknown events and events without an ack callback are ignored, not fatal.
    loose(s).emit('nonsense', { a: 1 });
    loose(s).emit('message:send', { garbage: true });
    const ok = await emitAck<Message>(s, 'message:send', {
      conversationId: group,
      clientMsgId: 'after-bad',
      text: 'ok',
    });
    expect(ok.ok).toBe(true);
    expect(s.connected).toBe(true);
  });

  it('answers not_found for conversations and messages the caller is not in', async () => {
    const s = await connect(outsider);
    const m = await A.post<Message>(`/conversations/${group}/messages`, { clientMsgId: 'nf-1', text: 'members only' });
    const probes: [string, unknown][] = [
      ['message:send', { conversationId: group, clientMsgId: 'x1', text: 'let me in' }],
      ['message:edit', { messageId: m.body.data.id, text: 'x' }],
      ['message:delete', { messageId: m.body.data.id }],
      ['message:react', { messageId: m.body.data.id, emoji: '👍', on: true }],
      ['conversation:read', { conversationId: group, seq: 1 }],
      ['message:delivered', { conversationId: group, seq: 1 }],
      ['typing:start', { conversationId: group }],
      ['message:send', { conversationId: 'no-such-conversation', clientMsgId: 'x2', text: 'hello' }],
    ];
    for (const [event, payload] of probes) {
      const ack = await emitAck(s, event, payload);
      expect(ack, event).toMatchObject({ ok: false, error: { code: 'not_found' } });
    }
  });

  it('rate-limits floods per socket', async () => {
    const limited = await startTestApp({ deps: { realtime: { limits: { send: [5, 1], typing: [3, 1] } } } });
    try {
      const u = await registerUser(limited);
      const g = (
        await restAs(limited.api, u.accessToken).post<ConversationSummary>('/conversations', {
          kind: 'group',
          title: 'Flood',
        })
      ).body.data;
      const s = await connectSocket(limited.url, u.accessToken);
      open.push(s);
      const acks = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          emitAck(s, 'message:send', { conversationId: g.id, clientMsgId: `f-${i}`, text: 'spam' }),
        ),
      );
      expect(acks.filter((a) => a.ok)).toHaveLength(5);
      expect(acks.filter((a) => !a.ok && a.error.code === 'rate_limited')).toHaveLength(15);
      const typing = await Promise.all(
        Array.from({ length: 10 }, () => emitAck(s, 'typing:start', { conversationId: g.id })),
      );
      expect(typing.filter((a) => !a.ok && a.error.code === 'rate_limited').length).toBeGreaterThanOrEqual(7);
    } finally {
      await limited.close();
    }
  });

  it('tells members who is typing, throttled, and expires it after ~5 s', async () => {
    const anaS = await connect(ana);
    const benS = await connect(ben);
    const seen = record(benS, 'typing');
    expect(await emitAck(anaS, 'typing:start', { conversationId: group })).toEqual({ ok: true, data: null });
    await emitAck(anaS, 'typing:start', { conversationId: group });
    await emitAck(anaS, 'typing:start', { conversationId: group });
    await eventually(() => expect(seen).toEqual([{ conversationId: group, userId: ana.user.id, typing: true }]));
    const stopped = await nextEvent(benS, 'typing', (e) => !e.typing, 7000);
    expect(stopped).toEqual({ conversationId: group, userId: ana.user.id, typing: false });
    expect(seen).toHaveLength(2);
  }, 15_000);

  it('keeps a user online while any device is connected, then offline with last seen', async () => {
    const watcher = await connect(ben);
    const initial = await emitAck<Presence[]>(watcher, 'presence:subscribe', { userIds: [cy.user.id] });
    expect(initial).toMatchObject({ ok: true, data: [{ userId: cy.user.id, status: 'offline' }] });
    const updates = record(watcher, 'presence');
    const d1 = await connectSocket(t.url, cy.accessToken);
    const d2 = await connectSocket(t.url, cy.accessToken);
    await eventually(() => expect(updates.map((u) => u.status)).toEqual(['online']));
    const away = await emitAck<Presence>(d1, 'presence:set', { status: 'away' });
    expect(away.ok && away.data.status).toBe('online'); // d2 is still active
    d1.close();
    await sleep(150);
    expect(updates.map((u) => u.status)).toEqual(['online']);
    d2.close();
    await eventually(() => expect(updates.map((u) => u.status)).toEqual(['online', 'offline']));
    expect(updates[1]?.lastSeenAt).not.toBeNull();
  });

  it('shows a user who blocked me (or whom I blocked) as offline, without live updates', async () => {
    const shy = await registerUser(t);
    const shyS = await connect(shy);
    await restAs(t.api, shy.accessToken).post(`/users/${outsider.user.id}/block`);
    const watcher = await connect(outsider);
    const updates = record(watcher, 'presence');
    const ack = await emitAck<Presence[]>(watcher, 'presence:subscribe', { userIds: [shy.user.id] });
    expect(ack).toMatchObject({ ok: true, data: [{ status: 'offline', lastSeenAt: null }] });
    shyS.close();
    await sleep(200);
    expect(updates).toEqual([]);
  });

  it('flags mentions so muted members are still notified', async () => {
    const B = restAs(t.api, ben.accessToken);
    await B.patch(`/conversations/${group}/me`, { mutedUntil: '2999-01-01T00:00:00Z' });
    const benS = await connect(ben);
    const anaS = await connect(ana);
    const next = nextEvent(benS, 'message:created', (e) => e.message.clientMsgId === 'mention-rt');
    await emitAck(anaS, 'message:send', {
      conversationId: group,
      clientMsgId: 'mention-rt',
      text: 'hey ben',
      mentions: [ben.user.id, outsider.user.id],
    });
    const e = await next;
    expect(e.notifyEvenIfMuted).toEqual([ben.user.id]);
    expect(e.message.mentions).toEqual([ben.user.id]);
  });

  it('pushes receipts, edits, deletes, reactions and membership changes to members', async () => {
    const anaS = await connect(ana);
    const benS = await connect(ben);
    const cyS = await connect(cy);
    const sent = await emitAck<Message>(anaS, 'message:send', {
      conversationId: group,
      clientMsgId: 'ev-1',
      text: 'e',
    });
    if (!sent.ok) throw new Error('send failed');
    const m = sent.data;
    // A recipient device acks delivery; the sender sees it.
    const delivered = nextEvent(
      anaS,
      'receipt:updated',
      (e) => e.userId === cy.user.id && e.lastDeliveredSeq === m.seq,
    );
    const dAck = await emitAck(cyS, 'message:delivered', { conversationId: group, seq: m.seq });
    expect(dAck).toMatchObject({ ok: true, data: { userId: cy.user.id, lastDeliveredSeq: m.seq } });
    await delivered;
    const receipt = nextEvent(anaS, 'receipt:updated', (e) => e.userId === ben.user.id && e.lastReadSeq === m.seq);
    await emitAck(benS, 'conversation:read', { conversationId: group, seq: m.seq });
    await receipt;
    const updated = nextEvent(benS, 'message:updated', (e) => e.message.id === m.id);
    await emitAck(anaS, 'message:edit', { messageId: m.id, text: 'edited' });
    expect((await updated).message.text).toBe('edited');
    const reacted = nextEvent(anaS, 'reaction:updated', (e) => e.messageId === m.id);
    await emitAck(benS, 'message:react', { messageId: m.id, emoji: '🔥', on: true });
    expect((await reacted).reactions).toEqual([{ emoji: '🔥', count: 1, userIds: [ben.user.id] }]);
    const deleted = nextEvent(cyS, 'message:deleted', (e) => e.messageId === m.id);
    await emitAck(anaS, 'message:delete', { messageId: m.id, for: 'everyone' });
    expect(await deleted).toMatchObject({ scope: 'everyone', message: { text: '', deletedAt: expect.any(String) } });

    const dee = await registerUser(t);
    const deeS = await connect(dee);
    const joined = nextEvent(benS, 'participant:joined', (e) => e.participant.userId === dee.user.id);
    const created = nextEvent(deeS, 'conversation:created', (e) => e.conversation.id === group);
    await A.post(`/conversations/${group}/participants`, { userIds: [dee.user.id] });
    await joined;
    expect((await created).conversation.me.role).toBe('member');
    const left = nextEvent(benS, 'participant:left', (e) => e.userId === dee.user.id);
    const removed = nextEvent(deeS, 'conversation:removed', (e) => e.conversationId === group);
    await A.del(`/conversations/${group}/participants/${dee.user.id}`);
    expect(await left).toMatchObject({ reason: 'removed' });
    expect(await removed).toMatchObject({ reason: 'removed' });
  });
});
