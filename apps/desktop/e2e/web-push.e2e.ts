import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { notificationPaths, type PushPayload, paths } from '@charla/shared-types';
import { type PushServiceStandIn, standInTlsAt, startPushServiceStandIn } from '@charla/test-utils/push-service';
import type { BrowserContext } from '@playwright/test';
import { expect, expectAxeClean, newUser, register, signUpOverApi, startDirectChat, test } from './support.ts';

/**
 * Web Push end to end, as far as headless Chromium allows: the Settings switch asks for permission
 * and subscribes; the server pushes to the push-service stand-in (which checks the VAPID JWT and
 * decrypts the aes128gcm payload with the subscription's keys); the decrypted payload is handed to
 * the real service worker, which shows the notification.
 *
 * What headless Chromium cannot do, and what stands in for it:
 * - `pushManager.subscribe()` fails ("AbortError: Registration failed - permission denied") because
 *   headless Chromium has no push service to register with. The page gets the stand-in's
 *   subscription (endpoint + keys) from PushManager instead; everything after that is real.
 * - A push service cannot reach the browser, so the payload the stand-in decrypted is delivered to
 *   the service worker through DevTools (ServiceWorker.deliverPushMessage), the same call as the
 *   "Push" button in DevTools.
 * - Notifications cannot be clicked in headless Chromium: the click handler is covered by
 *   src/sw/push.handlers.test.ts.
 */
const PORT = process.env.CHARLA_E2E_PORT ?? '4100';
const TLS_DIR = path.join(os.tmpdir(), `charla-e2e-${PORT}`, 'push-stand-in');

let standIn: PushServiceStandIn | undefined;
test.afterEach(async () => {
  await standIn?.close();
  standIn = undefined;
});

/** The stand-in's subscription in place of the browser's own push service (see above). */
async function useStandInSubscription(
  context: BrowserContext,
  sub: { endpoint: string; keys: { p256dh: string; auth: string } },
) {
  await context.addInitScript((s) => {
    const KEY = 'e2e.push.subscribed';
    const subscription = {
      endpoint: s.endpoint,
      expirationTime: null,
      options: { applicationServerKey: null, userVisibleOnly: true },
      getKey: () => null,
      toJSON: () => ({ endpoint: s.endpoint, expirationTime: null, keys: s.keys }),
      unsubscribe: async () => {
        localStorage.removeItem(KEY);
        return true;
      },
    };
    PushManager.prototype.subscribe = async () => {
      localStorage.setItem(KEY, '1');
      return subscription as unknown as PushSubscription;
    };
    PushManager.prototype.getSubscription = async () =>
      (localStorage.getItem(KEY) ? subscription : null) as unknown as PushSubscription | null;
  }, sub);
}

test('turn on notifications in Settings, then a message while Charla is closed arrives as a push', async ({
  browser,
  baseURL,
}) => {
  test.skip(
    !fs.existsSync(path.join(TLS_DIR, 'cert.pem')),
    'the e2e server started without the push stand-in certificate (scripts/e2e-server.mjs)',
  );
  test.setTimeout(60_000);
  const origin = baseURL ?? `http://127.0.0.1:${PORT}`;

  const ana = newUser('Ana');
  const ben = newUser('Ben');
  const benGrant = await signUpOverApi(origin, {
    email: ben.email,
    password: ben.password,
    displayName: ben.name,
    username: ben.username,
  });

  // The stand-in knows the server's VAPID key, so it refuses pushes signed with any other.
  const benHeaders = { authorization: `Bearer ${benGrant.accessToken}`, 'content-type': 'application/json' };
  const vapid = (await (await fetch(`${origin}/api/v1${notificationPaths.pushConfig}`, { headers: benHeaders })).json())
    .data as { enabled: boolean; vapidPublicKey: string };
  expect(vapid.enabled).toBe(true);
  const tls = await standInTlsAt(TLS_DIR);
  standIn = await startPushServiceStandIn({ tls, vapidPublicKey: vapid.vapidPublicKey });
  const sub = standIn.subscribe();

  const context = await browser.newContext({ locale: 'en-US' });
  await context.grantPermissions(['notifications'], { origin });
  await useStandInSubscription(context, sub);
  const page = await context.newPage();
  await register(page, ana);

  await startDirectChat(page, ben);
  const conversationId = decodeURIComponent(page.url().match(/#\/c\/([^/?]+)/)?.[1] ?? '');
  expect(conversationId).not.toBe('');

  // Settings: the switch is off until the user turns it on; the choice survives a reload.
  await page.goto('/#/settings');
  const toggle = page.getByLabel('Notify me on this device when Charla is closed');
  await expect(toggle).toBeEnabled();
  await expect(toggle).not.toBeChecked();
  await expectAxeClean(page, 'settings with the push switch');
  await toggle.click();
  await expect(page.getByText('Notifications on for this device')).toBeVisible();
  await page.reload();
  await expect(page.getByLabel('Notify me on this device when Charla is closed')).toBeChecked({ timeout: 15_000 });
  // The service worker is registered at the root and active.
  const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
  expect(scope).toBe(`${origin}/`);

  // Charla closed (no page: no socket), Ben writes.
  // Leaving the page closes its socket at once (closing the tab lets the server notice only later).
  await page.goto('about:blank');
  await page.close();
  const sent = await fetch(`${origin}/api/v1${paths.conversations.messages(conversationId)}`, {
    method: 'POST',
    headers: benHeaders,
    body: JSON.stringify({ clientMsgId: `push-e2e-${Date.now()}`, text: 'Are you there?' }),
  });
  expect(sent.status).toBe(201);
  const message = (await sent.json()).data as { id: string; seq: number };
  const [delivery] = await standIn.waitForDelivered(1, 20_000);
  expect(standIn.errors).toEqual([]);
  expect(delivery?.subscriptionId).toBe(sub.id);
  expect(delivery?.payload).toMatchObject({
    conversationId,
    messageId: message.id,
    seq: message.seq,
    hidden: false,
    title: ben.name,
    body: 'Are you there?',
    lang: 'en',
  } satisfies Partial<PushPayload>);

  // Hand the decrypted payload to the real service worker, as the browser's push service would.
  const devtoolsPage = await context.newPage();
  const cdp = await context.newCDPSession(devtoolsPage);
  const registrationId = new Promise<string>((resolve) => {
    cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
      const r = registrations.find((x) => x.scopeURL === `${origin}/` && !x.isDeleted);
      if (r) resolve(r.registrationId);
    });
  });
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.deliverPushMessage', {
    origin,
    registrationId: await registrationId,
    data: delivery?.text ?? '',
  });

  const app = await context.newPage();
  await app.goto('/');
  const notifications = async () =>
    app.evaluate(async () =>
      (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({
        title: n.title,
        body: n.body,
        tag: n.tag,
        data: n.data as unknown,
      })),
    );
  await expect.poll(notifications, { timeout: 10_000 }).toEqual([
    {
      title: ben.name,
      body: 'Are you there?',
      tag: conversationId,
      data: expect.objectContaining({ conversationId, seq: message.seq, messageId: message.id, count: 1 }),
    },
  ]);

  // Turning it off unsubscribes this device on the server too.
  await app.goto('/#/settings');
  const again = app.getByLabel('Notify me on this device when Charla is closed');
  await expect(again).toBeChecked();
  await again.click();
  await expect(app.getByText('Notifications off for this device')).toBeVisible();
  await context.close();
});
