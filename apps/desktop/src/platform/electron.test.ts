import { describe, expect, it, vi } from 'vitest';
import type { DesktopBridge } from '../../electron/shared/desktop-bridge.ts';
import type { DesktopSettings, IpcResponse } from '../../electron/shared/ipc-contract.ts';
import { createElectronPlatform } from './electron.ts';
import { ApiError } from './errors.ts';

const settings: DesktopSettings = {
  serverUrl: 'https://chat.example.com',
  theme: 'dark',
  locale: 'es',
  notifications: { level: 'mentions', sound: false, hideContent: true, doNotDisturb: false },
  closeToTray: true,
  launchAtLogin: false,
};

const ok = <T>(data: T): Promise<IpcResponse<T>> => Promise.resolve({ ok: true, data });

function fakeBridge() {
  const listeners: Record<string, (payload: never) => void> = {};
  const listen = (name: string) =>
    vi.fn((h: (payload: never) => void) => {
      listeners[name] = h;
      return () => delete listeners[name];
    });
  const bridge = {
    platform: 'linux',
    session: {
      login: vi.fn(() =>
        Promise.resolve({ ok: false, error: { code: 'unauthenticated', message: 'Wrong password', status: 401 } }),
      ),
      completeRegistration: vi.fn(),
      restore: vi.fn(() => ok(null)),
      getToken: vi.fn(() => ok('access-token')),
      logout: vi.fn(() => ok(null)),
      signInWithProvider: vi.fn(() => ok({ accessToken: 'from-provider' })),
    },
    settings: {
      get: vi.fn(() => ok(settings)),
      update: vi.fn((p) => ok({ ...settings, ...p })),
      onChanged: listen('settings'),
    },
    notifications: {
      show: vi.fn(() => ok('shown')),
      focusConversation: vi.fn(() => ok(null)),
      onClicked: listen('click'),
      onReply: listen('reply'),
    },
    tray: { setRecent: vi.fn(() => ok(null)) },
    badge: { set: vi.fn(() => ok(null)) },
    shell: {
      openExternal: vi.fn(() => ok(true)),
      share: vi.fn((): Promise<IpcResponse<'shared' | 'unavailable'>> => ok('shared')),
    },
    deepLinks: {
      takePending: vi.fn(() => ok([{ kind: 'invite', code: 'early111', url: 'charla://invite/early111' }])),
      onReceived: listen('link'),
    },
    updates: { install: vi.fn(() => ok(null)), onReady: listen('update') },
    app: {
      getInfo: vi.fn(() =>
        ok({
          platform: 'linux',
          version: '1',
          secretStorage: { kind: 'memory', persistent: false },
          updatesEnabled: false,
        }),
      ),
    },
    e2ee: {
      storeKey: vi.fn(() => ok(btoa(String.fromCharCode(...new Uint8Array(32).fill(7))))),
      forgetStoreKey: vi.fn(() => ok(null)),
    },
  };
  return { bridge: bridge as unknown as DesktopBridge, raw: bridge, listeners };
}

describe('Electron platform', () => {
  it('reports desktop capabilities and the configured server', async () => {
    const { bridge } = fakeBridge();
    const p = await createElectronPlatform(bridge);
    expect(p.kind).toBe('electron');
    expect(p.supports).toEqual({
      nativeNotifications: true,
      trayBadge: true,
      osKeychain: true,
      deepLinks: true,
      serverUrlSetting: true,
      loopbackSignIn: true,
      // Electron's pages cannot reach a push service: native notifications while it runs instead.
      webPush: false,
    });
    expect(p.push).toBeUndefined();
    expect(p.serverUrl()).toBe('https://chat.example.com');
  });

  it('tells main the latest conversations for the tray, and hands on inline replies', async () => {
    const { bridge, raw, listeners } = fakeBridge();
    const p = await createElectronPlatform(bridge);
    p.setRecentConversations?.([{ conversationId: 'c1', title: 'Ana', unread: 2 }]);
    expect(raw.tray.setRecent).toHaveBeenCalledWith({ items: [{ conversationId: 'c1', title: 'Ana', unread: 2 }] });
    const replies: [string, string][] = [];
    const off = p.onNotificationReply?.((id, text) => replies.push([id, text]));
    (listeners.reply as (e: { conversationId: string; text: string }) => void)({ conversationId: 'c1', text: 'ok!' });
    expect(replies).toEqual([['c1', 'ok!']]);
    off?.();
    expect(listeners.reply).toBeUndefined();
  });

  it('shares through main (the macOS share menu); a refused or failed share counts as unavailable', async () => {
    const { bridge, raw } = fakeBridge();
    const p = await createElectronPlatform(bridge);
    expect(await p.share?.({ text: 'Join us', url: 'https://chat.example.com/invite/abcd1234' })).toBe('shared');
    expect(raw.shell.share).toHaveBeenCalledWith({ text: 'Join us', url: 'https://chat.example.com/invite/abcd1234' });
    raw.shell.share.mockReturnValueOnce(
      Promise.resolve({ ok: false, error: { code: 'validation_failed', message: 'Too long', status: 400 } }),
    );
    expect(await p.share?.({ text: 'x'.repeat(5000) })).toBe('unavailable');
  });

  it('follows settings changed in main (e.g. from the tray)', async () => {
    const { bridge, listeners } = fakeBridge();
    const p = await createElectronPlatform(bridge);
    (listeners.settings as (s: DesktopSettings) => void)({ ...settings, serverUrl: 'http://localhost:4000' });
    expect(p.serverUrl()).toBe('http://localhost:4000');
  });

  it('never sends client or device from the renderer and turns IPC errors into ApiError', async () => {
    const { bridge, raw } = fakeBridge();
    const p = await createElectronPlatform(bridge);
    const attempt = p.session.login({
      login: 'ana',
      password: 'pw',
      client: 'web',
      device: { name: 'x', platform: 'web' },
    });
    await expect(attempt).rejects.toBeInstanceOf(ApiError);
    await expect(attempt).rejects.toMatchObject({ code: 'unauthenticated', status: 401 });
    expect(raw.session.login).toHaveBeenCalledWith({ login: 'ana', password: 'pw' });
  });

  it('provider sign-in goes to main with the provider id only', async () => {
    const { bridge, raw } = fakeBridge();
    const p = await createElectronPlatform(bridge);
    expect(p.supports.loopbackSignIn).toBe(true);
    await expect(p.session.signInWithProvider?.('google')).resolves.toEqual({ accessToken: 'from-provider' });
    expect(raw.session.signInWithProvider).toHaveBeenCalledWith({ provider: 'google' });
  });

  it('maps desktop-only error codes onto the client codes', async () => {
    const { bridge, raw } = fakeBridge();
    raw.session.getToken.mockReturnValueOnce(
      Promise.resolve({ ok: false, error: { code: 'network', message: 'offline' } }) as never,
    );
    const p = await createElectronPlatform(bridge);
    await expect(p.session.getAccessToken()).rejects.toMatchObject({ code: 'network' });
    expect(await p.session.getAccessToken({ forceRefresh: true })).toBe('access-token');
    expect(raw.session.getToken).toHaveBeenLastCalledWith({ forceRefresh: true });
  });

  it('maps settings both ways without leaking desktop-only fields', async () => {
    const { bridge, raw } = fakeBridge();
    const p = await createElectronPlatform(bridge);
    expect(await p.loadSettings()).toEqual({
      serverUrl: 'https://chat.example.com',
      theme: 'dark',
      locale: 'es',
      notifications: { level: 'mentions', sound: false, hideContent: true },
      // Running in the background is a desktop setting the renderer shows (Settings > Notifications).
      background: { launchAtLogin: false, closeToTray: true },
    });
    await p.saveSettings({ theme: 'light' });
    expect(raw.settings.update).toHaveBeenCalledWith({ theme: 'light' });
    await p.saveSettings({ background: { launchAtLogin: true, closeToTray: false } });
    expect(raw.settings.update).toHaveBeenLastCalledWith({ launchAtLogin: true, closeToTray: false });
  });

  it('passes mention/mute hints with notifications and clamps the badge', async () => {
    const { bridge, raw, listeners } = fakeBridge();
    const p = await createElectronPlatform(bridge);
    await p.notify({ tag: 'c1', title: 'Ana', body: 'hi', conversationId: 'c1', mentioned: true, muted: true });
    expect(raw.notifications.show).toHaveBeenCalledWith({
      tag: 'c1',
      title: 'Ana',
      body: 'hi',
      conversationId: 'c1',
      mentioned: true,
      muted: true,
    });
    p.focusConversation('c1');
    p.focusConversation(null);
    expect(raw.notifications.focusConversation.mock.calls).toEqual([
      [{ conversationId: 'c1' }],
      [{ conversationId: null }],
    ]);
    const clicked = vi.fn();
    p.onNotificationClick(clicked);
    (listeners.click as (p: { conversationId: string }) => void)({ conversationId: 'c1' });
    expect(clicked).toHaveBeenCalledWith('c1');
    p.setUnreadBadge(-4);
    p.setUnreadBadge(Number.NaN);
    p.setUnreadBadge(3.9);
    expect(raw.badge.set.mock.calls).toEqual([[{ count: 0 }], [{ count: 0 }], [{ count: 3 }]]);
  });

  it('delivers deep links queued before the renderer listened, then live ones', async () => {
    const { bridge, listeners } = fakeBridge();
    const p = await createElectronPlatform(bridge);
    const links: string[] = [];
    p.onDeepLink((url) => links.push(url));
    await vi.waitFor(() => expect(links).toEqual(['charla://invite/early111']));
    (listeners.link as (l: { url: string }) => void)({ url: 'charla://invite/live2222' });
    expect(links).toEqual(['charla://invite/early111', 'charla://invite/live2222']);
  });

  it('refuses to start without the bridge', async () => {
    await expect(createElectronPlatform(undefined)).rejects.toThrow(/window\.desktop/);
  });
  it('hands the encrypted-chat store key from the keychain as bytes, and forgets it', async () => {
    const { bridge, raw } = fakeBridge();
    const p = await createElectronPlatform(bridge);
    expect(await p.e2eeStoreKey?.()).toEqual(new Uint8Array(32).fill(7));
    await p.forgetE2eeStoreKey?.();
    expect(raw.e2ee.forgetStoreKey).toHaveBeenCalledWith({});
  });
});
