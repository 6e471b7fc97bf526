import { notificationPaths, type PushPayload, type PushPrefs, paths } from '@charla/shared-types';
import { createStandInTls, type PushServiceStandIn, type StandInTls } from '@charla/test-utils/push-service';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eventually, sleep } from '../../../test/chat.ts';
import { createEncrypted, type Device, device, person } from '../../../test/e2ee/e2ee-support.ts';
import type { TestApp } from '../../../test/harness.ts';
import { startPushApp } from '../../../test/push-app.ts';

/**
 * Pushes for end-to-end encrypted chats, on the real app with real MLS clients and the push-service
 * stand-in (which verifies VAPID and decrypts what it receives). Encrypted messages travel as
 * `e2ee:message`, not `message:created`; the server holds only ciphertext, so the push is ids only
 * (`hidden: true`) whatever the device's preference, and the worker's "deleted / read" check finds
 * the message in the e2ee store.
 */
let tls: StandInTls;
let standIn: PushServiceStandIn;
let t: TestApp;
let ana: Device;
let ben: Device;
let chat: string;

const prefs: PushPrefs = { level: 'all', hideContent: false, doNotDisturb: false, locale: 'en' };
const SECRET = 'the door code is 4711';

beforeAll(async () => {
  tls = await createStandInTls();
});

beforeEach(async () => {
  ({ t, standIn } = await startPushApp(tls));
  ana = await device(t, await person(t));
  ben = await device(t, await person(t));
  chat = await createEncrypted(ana.person, { kind: 'direct', userId: ben.person.id });
  // Ben is subscribed before the group exists: the commit that creates it must not push.
  const s = standIn.subscribe();
  const res = await ben.person.rest.put(notificationPaths.pushSubscription, {
    endpoint: s.endpoint,
    keys: s.keys,
    prefs,
  });
  expect(res.status).toBe(200);
  expect(await ana.client.reconcile(chat)).toBe(true);
});
afterEach(async () => {
  await t.close();
  await standIn.close();
});

/** Ana sends an encrypted text; returns the application message the server stored (ids only). */
async function sendEncrypted(text: string) {
  const known = new Set((await t.storage.e2ee.messagesAfter(chat, 0, { limit: 500, floor: 0 })).map((m) => m.id));
  await ana.client.send(chat, { t: 'text', text });
  const stored = await t.storage.e2ee.messagesAfter(chat, 0, { limit: 500, floor: 0 });
  const m = stored.find((x) => x.kind === 'application' && !known.has(x.id));
  if (!m) throw new Error('the encrypted message was not stored');
  return m;
}

const payloads = () => standIn.deliveries.filter((d) => d.status < 300).map((d) => d.payload as PushPayload);

describe('web push for encrypted chats', () => {
  it('an encrypted message gives exactly one push, hidden, with ids and no words', async () => {
    const m = await sendEncrypted(SECRET);
    const [d] = await standIn.waitForDelivered(1);
    expect(d?.payload).toEqual({
      v: 1,
      id: expect.any(String),
      conversationId: chat,
      messageId: m.id,
      seq: m.seq,
      count: 1,
      lang: 'en',
      hidden: true,
    });
    expect(d).toMatchObject({ urgency: 'high' });
    expect(JSON.stringify(d?.payload)).not.toMatch(/door|4711/);
    await eventually(() => expect(t.charla.notifications.worker.stats()).toMatchObject({ sent: 1, dropped: 0 }));
    await sleep(600);
    // Nothing for the commit that created the group, nothing for Ana's own devices.
    expect(standIn.deliveries).toHaveLength(1);
    expect(standIn.errors).toEqual([]);
  });

  it('an encrypted message read before its push goes out gives none', async () => {
    // Read within the coalescing window: the queued push is cancelled.
    const m = await sendEncrypted(SECRET);
    expect((await ben.person.rest.post(paths.conversations.read(chat), { seq: m.seq })).status).toBe(200);
    await sleep(800);
    expect(payloads()).toEqual([]);

    // Read between retries: the worker's own check finds it read (and the message in the e2ee store).
    standIn.respond({ status: 503 });
    const m2 = await sendEncrypted('and one more');
    await eventually(() => expect(standIn.deliveries.length).toBeGreaterThan(0));
    expect((await ben.person.rest.post(paths.conversations.read(chat), { seq: m2.seq })).status).toBe(200);
    standIn.respond({ status: 201 });
    await sleep(1200);
    expect(payloads()).toEqual([]);
    expect(await t.storage.pushQueue.counts()).toEqual({ pending: 0, sending: 0 });
  });
});
