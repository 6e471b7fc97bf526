/**
 * The Electron Platform: everything goes through `window.desktop` (exposed by the preload). This is
 * the only renderer file that knows about it. The refresh token never reaches this side: the main
 * process keeps it in the OS keychain and hands out access tokens.
 */
import type { DesktopBridge } from '../../electron/shared/desktop-bridge.ts';
import type {
  DesktopSettings,
  IpcResponse,
  SecretStorageInfo,
  SettingsPatch,
} from '../../electron/shared/ipc-contract.ts';
import { ApiError } from './errors.ts';
import type { ClientSettings, NotificationRequest, Platform } from './platform.ts';

/** Desktop-only capabilities beyond the shared Platform type. */
export type ElectronPlatform = Platform & {
  readonly kind: 'electron';
  /** Where the session is kept; `persistent: false` means "signed out when the app quits". */
  secretStorage(): Promise<SecretStorageInfo>;
  onUpdateReady(handler: (version: string) => void): () => void;
  installUpdate(): Promise<void>;
};

/** Unwraps an IPC response, rejecting with the same ApiError (and codes) the web client uses. */
export async function unwrap<T>(response: Promise<IpcResponse<T>>): Promise<T> {
  const r = await response;
  if (r.ok) return r.data;
  throw new ApiError(r.error.code, r.error.status ?? 0, r.error.message, r.error.details);
}

function toClientSettings(s: DesktopSettings): ClientSettings {
  return {
    serverUrl: s.serverUrl,
    theme: s.theme,
    locale: s.locale,
    notifications: {
      level: s.notifications.level,
      sound: s.notifications.sound,
      hideContent: s.notifications.hideContent,
    },
    background: { launchAtLogin: s.launchAtLogin, closeToTray: s.closeToTray },
  };
}

function toPatch(patch: Partial<ClientSettings>): SettingsPatch {
  const out: SettingsPatch = {};
  if (patch.serverUrl !== undefined) out.serverUrl = patch.serverUrl;
  if (patch.theme !== undefined) out.theme = patch.theme;
  if (patch.locale !== undefined) out.locale = patch.locale;
  if (patch.notifications !== undefined) out.notifications = { ...patch.notifications };
  if (patch.background !== undefined) {
    out.launchAtLogin = patch.background.launchAtLogin;
    out.closeToTray = patch.background.closeToTray;
  }
  return out;
}

export async function createElectronPlatform(
  bridge: DesktopBridge | undefined = window.desktop,
): Promise<ElectronPlatform> {
  if (!bridge) throw new Error('window.desktop is missing: not running in the Charla desktop app');
  let settings = await unwrap(bridge.settings.get({}));
  bridge.settings.onChanged((next) => {
    settings = next;
  });
  const desktop = bridge;

  return {
    kind: 'electron',
    supports: {
      nativeNotifications: true,
      trayBadge: true,
      osKeychain: true,
      deepLinks: true,
      serverUrlSetting: true,
      loopbackSignIn: true,
      // Electron's pages cannot reach a browser push service; the app notifies natively while it runs.
      webPush: false,
    },
    session: {
      // `client` and `device` are set by main; the contract refuses them from the renderer.
      login: ({ client: _c, device: _d, ...request }) => unwrap(desktop.session.login(request)),
      completeRegistration: (request) => unwrap(desktop.session.completeRegistration(request)),
      restore: () => unwrap(desktop.session.restore({})),
      // Main opens the system browser, listens on 127.0.0.1 and keeps the refresh token.
      signInWithProvider: (provider) => unwrap(desktop.session.signInWithProvider({ provider })),
      getAccessToken: (options) =>
        unwrap(desktop.session.getToken(options?.forceRefresh ? { forceRefresh: true } : {})),
      logout: async () => {
        await unwrap(desktop.session.logout({}));
      },
    },
    serverUrl: () => settings.serverUrl,
    // Main applies the policy (focus, mute, mentions-only, do-not-disturb, hide content) and coalesces.
    notify: (n: NotificationRequest) =>
      unwrap(
        desktop.notifications.show({
          tag: n.tag,
          title: n.title.slice(0, 200),
          body: n.body.slice(0, 2000),
          conversationId: n.conversationId,
          mentioned: n.mentioned,
          muted: n.muted,
        }),
      ),
    onNotificationClick: (handler) => desktop.notifications.onClicked(({ conversationId }) => handler(conversationId)),
    onNotificationReply: (handler) =>
      desktop.notifications.onReply(({ conversationId, text }) => handler(conversationId, text)),
    onSystemAway: (handler) => desktop.system.onAway(({ away }) => handler(away)),
    setRecentConversations(items) {
      void desktop.tray.setRecent({ items }).catch(() => undefined);
    },
    setUnreadBadge(count) {
      const safe = Number.isFinite(count) ? Math.max(0, Math.min(Math.floor(count), 1_000_000)) : 0;
      void unwrap(desktop.badge.set({ count: safe })).catch(() => undefined);
    },
    async openExternal(url) {
      await unwrap(desktop.shell.openExternal({ url }));
    },
    share: (item) => unwrap(desktop.shell.share(item)).catch(() => 'unavailable' as const),
    loadSettings: async () => toClientSettings(await unwrap(desktop.settings.get({}))),
    async saveSettings(patch) {
      settings = await unwrap(desktop.settings.update(toPatch(patch)));
      return toClientSettings(settings);
    },
    onDeepLink(handler) {
      const off = desktop.deepLinks.onReceived((link) => handler(link.url));
      // Links that arrived before anyone listened (the app was launched by one) come from the queue.
      void unwrap(desktop.deepLinks.takePending({}))
        .then((links) => {
          for (const link of links) handler(link.url);
        })
        .catch(() => undefined);
      return off;
    },
    focusConversation(conversationId) {
      void unwrap(desktop.notifications.focusConversation({ conversationId })).catch(() => undefined);
    },
    secretStorage: async () => (await unwrap(desktop.app.getInfo({}))).secretStorage,
    async e2eeStoreKey() {
      const key = await unwrap(desktop.e2ee.storeKey({}));
      return key ? Uint8Array.from(atob(key), (c) => c.charCodeAt(0)) : null;
    },
    async forgetE2eeStoreKey() {
      await unwrap(desktop.e2ee.forgetStoreKey({}));
    },
    onUpdateReady: (handler) => desktop.updates.onReady(({ version }) => handler(version)),
    async installUpdate() {
      await unwrap(desktop.updates.install({}));
    },
  };
}
