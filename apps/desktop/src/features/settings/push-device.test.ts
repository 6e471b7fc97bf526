import type { PushConfig, PushPrefs, PushSubscriptionDto } from '@charla/shared-types';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ApiClient } from '../../api/client.ts';
import type { BrowserPushSubscription, WebPushPort } from '../../platform/platform.ts';
import { PushPermissionDenied } from '../../platform/web-push.ts';
import { disablePush, enablePush, pushPrefsOf, readPushState, updatePushPrefs } from './push-device.ts';

/** A server holding one subscription for this session, as the notification routes do. */
function fakeServer(config: PushConfig = { enabled: true, vapidPublicKey: 'BKey' }) {
  let stored: (PushSubscriptionDto & { keys: BrowserPushSubscription['keys'] }) | null = null;
  const calls: string[] = [];
  const api = {
    async get(path: string) {
      calls.push(`GET ${path}`);
      if (path.endsWith('/config')) return config;
      return stored;
    },
    async send(method: string, path: string, _schema: unknown, body?: unknown) {
      calls.push(`${method} ${path}`);
      if (method === 'DELETE') {
        stored = null;
        return null;
      }
      const b = body as BrowserPushSubscription & { prefs: PushPrefs };
      stored = { endpoint: b.endpoint, keys: b.keys, prefs: b.prefs, createdAt: '', updatedAt: '' };
      return stored;
    },
    token: async () => 't',
    base: () => '',
  } as unknown as ApiClient;
  return { api, calls, stored: () => stored };
}

/** A browser whose user answers the permission prompt with `answer`. */
function fakeBrowser(answer: NotificationPermission = 'granted') {
  let permission: NotificationPermission = 'default';
  let sub: BrowserPushSubscription | null = null;
  const keys: string[] = [];
  const port: WebPushPort = {
    permission: () => permission,
    current: async () => sub,
    async subscribe(vapidPublicKey) {
      if (permission === 'default') permission = answer;
      if (permission !== 'granted') throw new PushPermissionDenied();
      keys.push(vapidPublicKey);
      sub = { endpoint: 'https://push.example.com/abc', keys: { p256dh: 'p', auth: 'a' } };
      return sub;
    },
    async unsubscribe() {
      sub = null;
    },
  };
  return { port, keys, browserSub: () => sub };
}

const prefs = pushPrefsOf({ level: 'mentions', sound: true, hideContent: true }, 'es');

describe('push on this device', () => {
  it('maps the client settings to what the server applies', () => {
    expect(prefs).toEqual({ level: 'mentions', hideContent: true, doNotDisturb: false, locale: 'es' });
  });

  it('is "on" only when the browser and the server hold the same subscription', async () => {
    const server = fakeServer();
    const browser = fakeBrowser();
    expect(await readPushState(server.api, browser.port)).toBe('off');
    await enablePush(server.api, browser.port, prefs);
    expect(browser.keys).toEqual(['BKey']);
    expect(server.stored()).toMatchObject({ endpoint: 'https://push.example.com/abc', prefs });
    expect(await readPushState(server.api, browser.port)).toBe('on');
    // Signed in again (a new session): the server has nothing for it, so the switch is off.
    await server.api.send('DELETE', '/x', z.unknown());
    expect(await readPushState(server.api, browser.port)).toBe('off');
  });

  it('new preferences reach the server without a prompt; off removes both sides', async () => {
    const server = fakeServer();
    const browser = fakeBrowser();
    await enablePush(server.api, browser.port, prefs);
    await updatePushPrefs(server.api, browser.port, { ...prefs, level: 'all' });
    expect(server.stored()?.prefs.level).toBe('all');
    await disablePush(server.api, browser.port);
    expect(server.stored()).toBeNull();
    expect(browser.browserSub()).toBeNull();
    // Nothing to update once off.
    await updatePushPrefs(server.api, browser.port, prefs);
    expect(server.stored()).toBeNull();
  });

  it('a refused permission, no Web Push, or a server without pushes each have their state', async () => {
    const server = fakeServer();
    const refusing = fakeBrowser('denied');
    await expect(enablePush(server.api, refusing.port, prefs)).rejects.toBeInstanceOf(PushPermissionDenied);
    expect(server.calls.filter((c) => c.startsWith('PUT'))).toEqual([]);
    expect(await readPushState(server.api, refusing.port)).toBe('denied');
    expect(await readPushState(server.api, undefined)).toBe('unsupported');
    expect(await readPushState(fakeServer({ enabled: false, vapidPublicKey: '' }).api, fakeBrowser().port)).toBe(
      'unavailable',
    );
  });
});
