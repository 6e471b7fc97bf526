import { notificationPaths, paths } from '@charla/shared-types';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectSocket, type Rest, restAs } from '../../../test/chat.ts';
import { type RegisteredUser, registerUser, startTestApp, type TestApp } from '../../../test/harness.ts';

/**
 * The missed-messages email, on the real app with a clock the test moves: sent once after the delay,
 * at most one an hour, only for unread direct messages and mentions while no device is online,
 * with hidden content when asked, and a single-use one-click unsubscribe.
 */
const MIN = 60_000;
let t: TestApp;
let ana: RegisteredUser;
let ben: RegisteredUser;
let anaRest: Rest;
let benRest: Rest;
let direct: string;

beforeEach(async () => {
  t = await startTestApp({
    // The test moves the clock by hours: access tokens must outlive that.
    env: { ACCESS_TOKEN_TTL_SECONDS: '86400' },
    deps: { notifications: { digest: { checkEveryMs: 3_600_000 } } },
  });
  ana = await registerUser(t, { displayName: 'Ana' });
  ben = await registerUser(t, { displayName: 'Ben' });
  anaRest = restAs(t.api, ana.accessToken);
  benRest = restAs(t.api, ben.accessToken);
  direct = (await anaRest.post<{ id: string }>(paths.conversations.create, { kind: 'direct', userId: ben.user.id }))
    .body.data.id;
});
afterEach(async () => {
  await t.close();
});

const send = async (rest: Rest, conversationId: string, text: string, mentions: string[] = []) => {
  const res = await rest.post<{ seq: number }>(paths.conversations.messages(conversationId), {
    clientMsgId: `m-${Math.random().toString(36).slice(2)}`,
    text,
    mentions,
  });
  expect(res.status).toBe(201);
  // Dispatch runs after the event; give it a moment.
  await new Promise((r) => setTimeout(r, 50));
  return res.body.data;
};
const run = () => t.charla.notifications.digest.runOnce();
const mailsTo = (email: string) => t.mail.sent.filter((m) => m.to === email && m.link?.includes('/unsubscribe?'));

describe('email digest of missed messages', () => {
  it("includes mentions from a space, read in that space's database", async () => {
    await benRest.patch(notificationPaths.emailDigest, { enabled: true, delayMinutes: 30 });
    const space = (await anaRest.post<{ id: string }>(paths.spaces.list, { name: 'Club' })).body.data;
    const invite = (await anaRest.post<{ code: string }>(paths.spaces.invites(space.id), {})).body.data;
    await benRest.post(paths.spaces.invite(invite.code));
    const inSpace = restAs(t.api, ana.accessToken, space.id);
    const group = (
      await inSpace.post<{ id: string }>(paths.conversations.create, {
        kind: 'group',
        title: 'Club night',
        memberIds: [ben.user.id],
      })
    ).body.data.id;
    await send(inSpace, group, '@Ben bring the cards', [ben.user.id]);
    await send(anaRest, direct, 'and at home');
    t.clock.advance(31 * MIN);
    expect(await run()).toBe(1);
    const [mail] = mailsTo(ben.email);
    expect(mail?.subject).toBe('You have 2 unread messages on Charla');
    expect(mail?.text).toContain('Club night: 1 new message (1 mention)');
    expect(mail?.text).toContain('Ana: @Ben bring the cards');
    expect(mail?.text).toContain('Ana: and at home');
  });

  it('is off until enabled; settings validate', async () => {
    expect((await benRest.get(notificationPaths.emailDigest)).body.data).toEqual({
      enabled: false,
      delayMinutes: 30,
      hideContent: false,
      locale: 'en',
    });
    expect((await benRest.patch(notificationPaths.emailDigest, { delayMinutes: 1 })).status).toBe(400);
    expect((await benRest.patch(notificationPaths.emailDigest, { enabled: 'yes' })).status).toBe(400);
    await send(anaRest, direct, 'nobody asked for mail');
    t.clock.advance(120 * MIN);
    expect(await run()).toBe(0);
  });

  it('sent once after the delay, then at most one an hour; direct messages and mentions only', async () => {
    const on = await benRest.patch(notificationPaths.emailDigest, { enabled: true, delayMinutes: 30 });
    expect(on.body.data).toMatchObject({ enabled: true, delayMinutes: 30 });
    const group = (
      await anaRest.post<{ id: string }>(paths.conversations.create, {
        kind: 'group',
        title: 'Trip',
        memberIds: [ben.user.id],
      })
    ).body.data.id;
    await send(anaRest, direct, 'are you there?');
    await send(anaRest, group, 'group chatter, no mention');
    await send(anaRest, group, '@Ben tickets?', [ben.user.id]);
    t.clock.advance(29 * MIN);
    expect(await run()).toBe(0);
    t.clock.advance(2 * MIN);
    expect(await run()).toBe(1);
    expect(await run()).toBe(0);
    const [mail] = mailsTo(ben.email);
    expect(mail?.subject).toBe('You have 2 unread messages on Charla');
    expect(mail?.text).toContain('Ana: 1 new message');
    expect(mail?.text).toContain('Ana: are you there?');
    expect(mail?.text).toContain('Trip: 1 new message (1 mention)');
    expect(mail?.text).toContain('Ana: @Ben tickets?');
    expect(mail?.text).not.toContain('group chatter');
    expect(mail?.headers).toMatchObject({ 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' });
    expect(mail?.link).toMatch(/^http:\/\/charla\.test\/unsubscribe\?token=/);

    // More missed messages: due after their own delay, but not within the hour of the last mail.
    await send(anaRest, direct, 'second round');
    t.clock.advance(35 * MIN);
    expect(await run()).toBe(0);
    t.clock.advance(30 * MIN);
    expect(await run()).toBe(1);
    expect(mailsTo(ben.email)).toHaveLength(2);
    expect(mailsTo(ben.email)[1]?.text).toContain('second round');
    expect(mailsTo(ben.email)[1]?.text).not.toContain('are you there?');
  });

  it('nothing for messages read meanwhile, nor while a device is online, nor from a muted chat', async () => {
    await benRest.patch(notificationPaths.emailDigest, { enabled: true, delayMinutes: 10 });
    const m = await send(anaRest, direct, 'read soon');
    await benRest.post(paths.conversations.read(direct), { seq: m.seq });
    t.clock.advance(20 * MIN);
    expect(await run()).toBe(0);

    await send(anaRest, direct, 'came back online');
    const socket = await connectSocket(t.url, ben.accessToken);
    try {
      t.clock.advance(20 * MIN);
      expect(await run()).toBe(0);
    } finally {
      socket.close();
    }
    await new Promise((r) => setTimeout(r, 100));
    expect(await run()).toBe(1);

    await benRest.patch(paths.conversations.me(direct), {
      mutedUntil: new Date(Date.now() + 86_400_000).toISOString(),
    });
    await send(anaRest, direct, 'muted');
    t.clock.advance(120 * MIN);
    expect(await run()).toBe(0);
    expect(mailsTo(ben.email)).toHaveLength(1);
  });

  it('hide content: counts only, no names, no text', async () => {
    await benRest.patch(notificationPaths.emailDigest, { enabled: true, hideContent: true, locale: 'es' });
    await send(anaRest, direct, 'top secret plans');
    await send(anaRest, direct, 'more secrets');
    t.clock.advance(31 * MIN);
    expect(await run()).toBe(1);
    const [mail] = mailsTo(ben.email);
    expect(mail?.subject).toBe('Tienes 2 mensajes sin leer en Charla');
    expect(mail?.text).toContain('2 mensajes nuevos en 1 chat.');
    for (const leak of ['secret', 'Ana']) {
      expect(mail?.text).not.toContain(leak);
      expect(mail?.html).not.toContain(leak);
    }
  });

  it('the unsubscribe link works once and turns the digest off', async () => {
    await benRest.patch(notificationPaths.emailDigest, { enabled: true });
    await send(anaRest, direct, 'hi');
    t.clock.advance(31 * MIN);
    expect(await run()).toBe(1);
    const token = new URL(mailsTo(ben.email)[0]?.link ?? '').searchParams.get('token') ?? '';
    // RFC 8058 one-click: the mail client POSTs to the List-Unsubscribe URL with a form body.
    const oneClick = await fetch(`${t.api}${notificationPaths.emailUnsubscribe}?token=${encodeURIComponent(token)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.status).toBe(200);
    const again = await fetch(`${t.api}${notificationPaths.emailUnsubscribe}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    });
    expect(again.status).toBe(404);
    expect((await benRest.get(notificationPaths.emailDigest)).body.data).toMatchObject({ enabled: false });
    await send(anaRest, direct, 'after unsubscribing');
    t.clock.advance(180 * MIN);
    expect(await run()).toBe(0);
    expect(mailsTo(ben.email)).toHaveLength(1);
  });

  it('only verified addresses may turn it on', async () => {
    await t.storage.users.update(ben.user.id, { emailVerifiedAt: null });
    const res = await benRest.patch(notificationPaths.emailDigest, { enabled: true });
    expect(res.status).toBe(409);
    expect(res.body.message).toMatch(/Confirm your email/);
  });
});
