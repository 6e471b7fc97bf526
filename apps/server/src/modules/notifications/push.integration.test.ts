import { notificationPaths, type PushPayload, type PushPrefs, paths } from '@charla/shared-types';
import { createStandInTls, type PushServiceStandIn, type StandInTls } from '@charla/test-utils/push-service';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connectSocket, emitAck, eventually, type Rest, restAs, sleep } from '../../../test/chat.ts';
import { createEncrypted, device, person } from '../../../test/e2ee/e2ee-support.ts';
import { type RegisteredUser, registerUser, type TestApp } from '../../../test/harness.ts';
import { startPushApp } from '../../../test/push-app.ts';

/**
 * The whole push path against the real app on SQLite: a message for someone with no device online
 * is queued, coalesced, sent with web-push to the stand-in (which verifies VAPID and decrypts), and
 * the answers drive the queue (404/410 delete the subscription, 429/5xx retry with backoff).
 */
let tls: StandInTls;
let standIn: PushServiceStandIn;
let t: TestApp;
let ana: RegisteredUser;
let ben: RegisteredUser;
let anaRest: Rest;
let benRest: Rest;
let direct: string;

const prefs: PushPrefs = { level: 'all', hideContent: false, doNotDisturb: false, locale: 'en' };

beforeAll(async () => {
  tls = await createStandInTls();
});

beforeEach(async () => {
  ({ t, standIn } = await startPushApp(tls));
  ana = await registerUser(t, { displayName: 'Ana' });
  ben = await registerUser(t, { displayName: 'Ben' });
  anaRest = restAs(t.api, ana.accessToken);
  benRest = restAs(t.api, ben.accessToken);
  const created = await anaRest.post<{ id: string }>(paths.conversations.create, {
    kind: 'direct',
    userId: ben.user.id,
  });
  direct = created.body.data.id;
});
afterEach(async () => {
  await t.close();
  await standIn.close();
});
afterAll(() => undefined);

const subscribe = async (rest: Rest, over: Partial<PushPrefs> = {}) => {
  const s = standIn.subscribe();
  const res = await rest.put(notificationPaths.pushSubscription, {
    endpoint: s.endpoint,
    keys: s.keys,
    prefs: { ...prefs, ...over },
  });
  expect(res.status).toBe(200);
  return s;
};
const send = async (rest: Rest, conversationId: string, text: string, mentions: string[] = []) => {
  const res = await rest.post<{ id: string; seq: number }>(paths.conversations.messages(conversationId), {
    clientMsgId: `m-${Math.random().toString(36).slice(2)}`,
    text,
    mentions,
  });
  expect(res.status).toBe(201);
  return res.body.data;
};
const payloads = () => standIn.deliveries.filter((d) => d.status < 300).map((d) => d.payload as PushPayload);

describe('web push', () => {
  it("a message in a space is pushed with its space, checked against that space's database", async () => {
    const space = (await anaRest.post<{ id: string }>(paths.spaces.list, { name: 'Pushed' })).body.data;
    const invite = (await anaRest.post<{ code: string }>(paths.spaces.invites(space.id), {})).body.data;
    await benRest.post(paths.spaces.invite(invite.code));
    const inSpace = restAs(t.api, ana.accessToken, space.id);
    const g = (
      await inSpace.post<{ id: string }>(paths.conversations.create, {
        kind: 'group',
        title: 'Space push',
        memberIds: [ben.user.id],
      })
    ).body.data;
    await subscribe(benRest);
    const m = await send(inSpace, g.id, 'Hola desde el espacio');
    const [d] = await standIn.waitForDelivered(1);
    expect(d?.payload).toMatchObject({
      spaceId: space.id,
      conversationId: g.id,
      messageId: m.id,
      body: 'Ana: Hola desde el espacio',
    });
    // Home pushes carry no space.
    await send(anaRest, direct, 'Hola en casa');
    const delivered = await standIn.waitForDelivered(2);
    expect(delivered.map((x) => (x.payload as PushPayload).spaceId)).toEqual([space.id, undefined]);
  });

  it('a message for someone not online reaches their subscribed device, encrypted and signed', async () => {
    const sub = await subscribe(benRest);
    const m = await send(anaRest, direct, 'Hola Ben');
    const [d] = await standIn.waitForDelivered(1);
    expect(d?.subscriptionId).toBe(sub.id);
    expect(d?.payload).toMatchObject({
      v: 1,
      conversationId: direct,
      messageId: m.id,
      seq: m.seq,
      count: 1,
      lang: 'en',
      hidden: false,
      title: 'Ana',
      body: 'Hola Ben',
    });
    expect(d).toMatchObject({ urgency: 'high', ttl: 86_400 });
    expect(d?.topic).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(standIn.errors).toEqual([]);
    await eventually(() => expect(t.charla.notifications.worker.stats()).toMatchObject({ sent: 1 }));
    // The sender's own device gets nothing.
    expect(standIn.deliveries).toHaveLength(1);
  });

  it('one push per burst: messages within the window coalesce, with the count and the newest text', async () => {
    await subscribe(benRest);
    await send(anaRest, direct, 'one');
    await send(anaRest, direct, 'two');
    const last = await send(anaRest, direct, 'three');
    await standIn.waitForDelivered(1);
    await sleep(600);
    expect(payloads()).toEqual([expect.objectContaining({ count: 3, body: 'three', messageId: last.id })]);
  });

  it('nothing for a user with a device online; a device that reports away gets pushes again', async () => {
    await subscribe(benRest);
    const socket = await connectSocket(t.url, ben.accessToken);
    try {
      await send(anaRest, direct, 'while online');
      await sleep(800);
      expect(standIn.deliveries).toHaveLength(0);
      expect(await emitAck(socket, 'presence:set', { status: 'away' })).toMatchObject({ ok: true });
      await send(anaRest, direct, 'while away');
      const [d] = await standIn.waitForDelivered(1);
      expect(d?.payload).toMatchObject({ body: 'while away' });
    } finally {
      socket.close();
    }
  });

  it('hide content, and the device preferences: mentions-only, mute, do-not-disturb, off', async () => {
    const group = await anaRest.post<{ id: string }>(paths.conversations.create, {
      kind: 'group',
      title: 'Plans',
      memberIds: [ben.user.id],
    });
    const groupId = group.body.data.id;
    await subscribe(benRest, { hideContent: true, locale: 'es' });
    await send(anaRest, direct, 'secret');
    const [hidden] = await standIn.waitForDelivered(1);
    expect(hidden?.payload).toEqual({
      v: 1,
      id: expect.any(String),
      conversationId: direct,
      messageId: expect.any(String),
      seq: expect.any(Number),
      count: 1,
      lang: 'es',
      hidden: true,
    });
    expect(hidden?.text).not.toContain('secret');
    expect(hidden?.text).not.toContain('Ana');

    // Mentions only: a group message without a mention stays quiet; one with a mention goes, normal → high.
    await subscribe(benRest, { level: 'mentions' });
    await send(anaRest, groupId, 'lunch?');
    await sleep(700);
    expect(payloads()).toHaveLength(1);
    await send(anaRest, groupId, '@Ben lunch?', [ben.user.id]);
    await standIn.waitForDelivered(2);
    expect(standIn.deliveries.at(-1)).toMatchObject({ urgency: 'high', payload: { title: 'Plans', mentioned: true } });

    // Muted: only mentions get through.
    await subscribe(benRest);
    await benRest.patch(paths.conversations.me(groupId), {
      mutedUntil: new Date(Date.now() + 3_600_000).toISOString(),
    });
    await send(anaRest, groupId, 'muted chatter');
    await sleep(700);
    expect(payloads()).toHaveLength(2);
    await benRest.patch(paths.conversations.me(groupId), { mutedUntil: null });
    await send(anaRest, groupId, 'unmuted');
    await standIn.waitForDelivered(3);
    expect(standIn.deliveries.at(-1)).toMatchObject({ urgency: 'normal', payload: { body: 'Ana: unmuted' } });

    await subscribe(benRest, { doNotDisturb: true });
    await send(anaRest, direct, 'dnd');
    await subscribe(benRest, { level: 'none' });
    await send(anaRest, direct, 'off');
    await sleep(700);
    expect(payloads()).toHaveLength(3);
  });

  it('an encrypted conversation pushes only "New message" and its id, whatever the device allows', async () => {
    // A real encrypted direct chat (Carol and Ben, with MLS devices): the server holds ciphertext only.
    await device(t, { id: ben.user.id, token: ben.accessToken, rest: benRest, username: ben.username });
    const carol = await device(t, await person(t));
    const chat = await createEncrypted(carol.person, { kind: 'direct', userId: ben.user.id });
    expect(await carol.client.reconcile(chat)).toBe(true);
    await subscribe(benRest, { hideContent: false, locale: 'es' });
    await carol.client.send(chat, { t: 'text', text: 'the secret plan' });
    const stored = await t.storage.e2ee.messagesAfter(chat, 0, { limit: 50, floor: 0 });
    const m = stored.find((x) => x.kind === 'application');
    const [d] = await standIn.waitForDelivered(1);
    expect(d?.payload).toEqual({
      v: 1,
      id: expect.any(String),
      conversationId: chat,
      messageId: m?.id,
      seq: m?.seq,
      count: 1,
      lang: 'es',
      hidden: true,
    });
    expect(d?.text).not.toMatch(/secret|plan/);
    expect(d?.text).not.toContain(carol.person.username);
    // Still a direct chat: urgent, collapsed per conversation, with a TTL.
    expect(d).toMatchObject({ urgency: 'high', ttl: 86_400 });
  });

  it('404 and 410 delete the subscription; 429 and 5xx are retried with backoff until delivered', async () => {
    const gone = await subscribe(benRest);
    standIn.respond({ status: 410 });
    await send(anaRest, direct, 'to a dead endpoint');
    await eventually(async () => expect(await t.storage.pushSubscriptions.listByUser(ben.user.id)).toEqual([]));
    expect(standIn.deliveries.map((d) => [d.subscriptionId, d.status])).toEqual([[gone.id, 410]]);

    await subscribe(benRest);
    const answers = [429, 503, 500, 201];
    standIn.respond(({ n }) => ({ status: answers[n - 2] ?? 201, headers: { 'retry-after': '0' } }));
    const m = await send(anaRest, direct, 'persist');
    await standIn.waitForDelivered(1);
    const attempts = standIn.deliveries.slice(1);
    expect(attempts.map((d) => d.status)).toEqual([429, 503, 500, 201]);
    expect(new Set(attempts.map((d) => (d.payload as PushPayload).id)).size).toBe(1);
    expect(attempts.every((d) => (d.payload as PushPayload).messageId === m.id)).toBe(true);
    // Backoff: the gaps grow.
    const gaps = attempts.slice(1).map((d, i) => d.at - (attempts[i]?.at ?? 0));
    expect(gaps.every((g) => g >= 50)).toBe(true);
    await eventually(async () => expect(await t.storage.pushQueue.counts()).toEqual({ pending: 0, sending: 0 }));
  });

  it('reading on another device before the push goes out cancels it', async () => {
    await subscribe(benRest);
    standIn.respond({ status: 503 });
    const m = await send(anaRest, direct, 'read me elsewhere');
    await eventually(() => expect(standIn.deliveries.length).toBeGreaterThan(0));
    // Between retries Ben reads it on his laptop.
    expect((await benRest.post(paths.conversations.read(direct), { seq: m.seq })).status).toBe(200);
    standIn.respond({ status: 201 });
    await sleep(1200);
    expect(payloads()).toEqual([]);
    expect(await t.storage.pushQueue.counts()).toEqual({ pending: 0, sending: 0 });

    // Read within the coalescing window: never sent at all.
    const before = standIn.deliveries.length;
    const m2 = await send(anaRest, direct, 'and this');
    await benRest.post(paths.conversations.read(direct), { seq: m2.seq });
    await sleep(800);
    expect(standIn.deliveries.length).toBe(before);
  });

  it('signing out removes that device subscription; deleted accounts lose all', async () => {
    await subscribe(benRest);
    expect((await benRest.get(notificationPaths.pushSubscription)).body.data).toMatchObject({ prefs });
    const res = await fetch(`${t.api}${paths.auth.logout}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ben.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken: ben.refreshToken }),
    });
    expect(res.status).toBe(200);
    await eventually(async () => expect(await t.storage.pushSubscriptions.listByUser(ben.user.id)).toEqual([]));
    await send(anaRest, direct, 'after sign-out');
    await sleep(700);
    expect(standIn.deliveries).toEqual([]);
  });

  it('unsubscribing stops pushes; bad subscriptions are refused with a clear error', async () => {
    await subscribe(benRest);
    expect((await benRest.del(notificationPaths.pushSubscription)).status).toBe(200);
    expect((await benRest.get(notificationPaths.pushSubscription)).body.data).toBeNull();
    await send(anaRest, direct, 'nobody listening');
    await sleep(700);
    expect(standIn.deliveries).toEqual([]);

    const { endpoint, keys } = standIn.subscribe();
    const good = { endpoint, keys };
    const put = (body: unknown) => benRest.put(notificationPaths.pushSubscription, body);
    expect((await put({ ...good, prefs, endpoint: 'http://127.0.0.1:9/x' })).status).toBe(400);
    expect((await put({ ...good, prefs, keys: { ...good.keys, p256dh: 'A'.repeat(87) } })).status).toBe(422);
    expect((await put({ ...good, prefs, keys: { ...good.keys, auth: 'short' } })).status).toBe(400);
    expect((await put({ ...good, prefs: { ...prefs, level: 'loud' } })).status).toBe(400);
    expect((await put({ ...good })).status).toBe(400);
    const anon = await fetch(`${t.api}${notificationPaths.pushSubscription}`, { method: 'PUT' });
    expect(anon.status).toBe(401);
    const config = await benRest.get<{ enabled: boolean; vapidPublicKey: string }>(notificationPaths.pushConfig);
    expect(config.body.data).toEqual({ enabled: true, vapidPublicKey: t.charla.notifications.vapidPublicKey });
  });
});
