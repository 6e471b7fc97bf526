// @vitest-environment node
/** The domain handlers wired to the real modules, driven through dispatch() as the renderer would. */
import { describe, expect, it, vi } from 'vitest';
import { createBadge } from '../badge.ts';
import { createDeepLinkRouter } from '../deep-links.ts';
import { createE2eeKeys } from '../e2ee-keys.ts';
import { createNotifier } from '../notifications.ts';
import { chainedStore, memoryBackend } from '../secrets.ts';
import { APP_ORIGIN } from '../security.ts';
import { createSessionManager } from '../session.ts';
import { createSettingsService, type StoredSettings } from '../settings.ts';
import { appHandlers } from './app.ipc.ts';
import { e2eeHandlers } from './e2ee.ipc.ts';
import { notificationHandlers } from './notification.ipc.ts';
import { dispatch, type IpcHandlers } from './register.ts';
import { sessionHandlers } from './session.ipc.ts';
import { settingsHandlers } from './settings.ipc.ts';
import { shellHandlers } from './shell.ipc.ts';

const event = { senderFrame: { url: `${APP_ORIGIN}/index.html`, parent: null } };

function wire() {
  let doc: StoredSettings | undefined;
  const settings = createSettingsService({ read: () => doc, write: (d) => (doc = d) });
  const shown: string[] = [];
  const notifier = createNotifier({
    create: (o) => ({ show: () => shown.push(o.body), close: () => undefined, on: () => undefined }),
    prefs: () => settings.get().notifications,
    isWindowFocused: () => true,
    openConversation: vi.fn(),
  });
  const tray = { setImage: vi.fn(), setToolTip: vi.fn() };
  const badge = createBadge<Buffer>({
    platform: 'linux',
    setBadgeCount: vi.fn(),
    overlay: () => null,
    tray: () => tray,
    imageFromPng: (png) => png,
  });
  const onBadge = vi.fn();
  const openExternal = vi.fn(async () => undefined);
  const deepLinks = createDeepLinkRouter(vi.fn(), vi.fn());
  const fetch = vi.fn(async () => {
    throw new TypeError('fetch failed');
  }) as unknown as typeof globalThis.fetch;
  const secrets = chainedStore([memoryBackend()]);
  const session = createSessionManager({
    fetch,
    secrets,
    serverOrigin: () => settings.serverOrigin(),
    device: { name: 'x', platform: 'linux' },
    loadAccount: () => settings.account(),
    saveAccount: (a) => settings.saveAccount(a),
  });
  const handlers: IpcHandlers = {
    ...sessionHandlers(session, { signIn: vi.fn(async () => Promise.reject(new Error('not in this test'))) }),
    ...settingsHandlers(settings),
    ...notificationHandlers({ notifier, badge, onBadge }),
    ...shellHandlers(openExternal),
    ...e2eeHandlers(createE2eeKeys({ secrets, account: () => settings.account() })),
    ...appHandlers({
      deepLinks,
      updater: () => ({ enabled: false, install: () => false }),
      info: () => ({
        platform: 'linux',
        version: '0.1.0',
        secretStorage: { kind: 'memory', persistent: false },
        updatesEnabled: false,
      }),
    }),
  };
  const call = (channel: keyof IpcHandlers, payload: unknown) =>
    dispatch(channel, event, [payload], handlers, [APP_ORIGIN]);
  return { call, shown, tray, onBadge, openExternal, deepLinks, settings };
}

describe('IPC handlers wired to the modules', () => {
  it('settings:update refuses plain http to a remote server with a typed error', async () => {
    const w = wire();
    expect(await w.call('settings:update', { serverUrl: 'http://chat.example.com' })).toMatchObject({
      ok: false,
      error: { code: 'validation_failed', details: { serverUrl: [expect.any(String)] } },
    });
    expect(await w.call('settings:update', { serverUrl: 'https://chat.example.com/' })).toMatchObject({
      ok: true,
      data: { serverUrl: 'https://chat.example.com' },
    });
  });

  it('conversation:focus suppresses notifications for the open conversation only', async () => {
    const w = wire();
    await w.call('conversation:focus', { conversationId: 'c1' });
    const base = { tag: 'c', title: 'Ana', body: 'hi' };
    expect(await w.call('notification:show', { ...base, conversationId: 'c1' })).toEqual({
      ok: true,
      data: 'suppressed',
    });
    expect(await w.call('notification:show', { ...base, conversationId: 'c2' })).toEqual({ ok: true, data: 'shown' });
    await w.call('settings:update', { notifications: { doNotDisturb: true } });
    expect(await w.call('notification:show', { ...base, conversationId: 'c3' })).toEqual({
      ok: true,
      data: 'suppressed',
    });
  });

  it('badge:set redraws the tray and reports the count to the tray menu', async () => {
    const w = wire();
    await w.call('badge:set', { count: 5 });
    expect(w.tray.setToolTip).toHaveBeenLastCalledWith('Charla — 5 unread');
    expect(w.onBadge).toHaveBeenCalledWith(5);
  });

  it('shell:open-external opens only validated links', async () => {
    const w = wire();
    expect(await w.call('shell:open-external', { url: 'https://example.com/x' })).toEqual({ ok: true, data: true });
    expect(await w.call('shell:open-external', { url: 'file:///etc/passwd' })).toEqual({ ok: true, data: false });
    expect(w.openExternal.mock.calls).toEqual([['https://example.com/x']]);
  });

  it('shell:share hands text and a validated link to the share menu; unavailable without one', async () => {
    const w = wire();
    expect(await w.call('shell:share', { text: 'Join us' })).toEqual({ ok: true, data: 'unavailable' });
    const share = vi.fn(async () => undefined);
    const handlers = shellHandlers(
      vi.fn(async () => undefined),
      share,
    );
    const call = (payload: unknown) => dispatch('shell:share', event, [payload], handlers as IpcHandlers, [APP_ORIGIN]);
    expect(await call({ text: 'Join us', url: 'https://chat.example.com/invite/abcd1234' })).toEqual({
      ok: true,
      data: 'shared',
    });
    expect(share).toHaveBeenLastCalledWith({ texts: ['Join us'], urls: ['https://chat.example.com/invite/abcd1234'] });
    // Only http(s) links reach the OS; anything else is refused before the menu opens.
    expect(await call({ text: 'x', url: 'file:///etc/passwd' })).toEqual({ ok: true, data: 'unavailable' });
    expect(await call({ text: 'x', url: 'javascript:alert(1)' })).toEqual({ ok: true, data: 'unavailable' });
    expect(share).toHaveBeenCalledTimes(1);
    // The contract refuses what it does not know, and text over its limit.
    expect(await call({ text: 'x', filePaths: ['/etc/passwd'] })).toMatchObject({
      ok: false,
      error: { code: 'validation_failed' },
    });
    expect(await call({ text: 'x'.repeat(4001) })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    expect(share).toHaveBeenCalledTimes(1);
  });

  it('session calls report the server being unreachable as network', async () => {
    const w = wire();
    expect(await w.call('session:login', { login: 'ana', password: 'pw' })).toMatchObject({
      ok: false,
      error: { code: 'network' },
    });
    expect(await w.call('session:get-token', {})).toEqual({ ok: true, data: null });
  });

  it('deep-link:take-pending drains the queue and switches to live delivery', async () => {
    const w = wire();
    w.deepLinks.handle({ kind: 'invite', code: 'abcd1234', url: 'charla://invite/abcd1234' });
    expect(await w.call('deep-link:take-pending', {})).toEqual({
      ok: true,
      data: [{ kind: 'invite', code: 'abcd1234', url: 'charla://invite/abcd1234' }],
    });
    expect(await w.call('deep-link:take-pending', {})).toEqual({ ok: true, data: [] });
  });
});
