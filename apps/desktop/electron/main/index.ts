/**
 * Lifecycle only: wires Electron's objects into the plain modules beside this file
 * (security, settings, secrets, session, notifications, badge, tray, deep links, updater, IPC).
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import {
  app,
  BrowserWindow,
  ipcMain,
  Menu,
  type MenuItemConstructorOptions,
  Notification,
  nativeImage,
  nativeTheme,
  powerMonitor,
  protocol,
  ShareMenu,
  safeStorage,
  screen,
  session,
  shell,
  Tray,
} from 'electron';
import Store from 'electron-store';
import type { DeepLink, DesktopSettings, EventChannel, EventPayload } from '../shared/ipc-contract.ts';
import { createAppProtocolHandler } from './app-protocol.ts';
import { createBadge } from './badge.ts';
import { createDeepLinkRouter, setupDeepLinks } from './deep-links.ts';
import { createE2eeKeys } from './e2ee-keys.ts';
import { watchSystemIdle } from './idle-watch.ts';
import { appHandlers } from './ipc/app.ipc.ts';
import { e2eeHandlers } from './ipc/e2ee.ipc.ts';
import { notificationHandlers } from './ipc/notification.ipc.ts';
import { registerIpc } from './ipc/register.ts';
import { sessionHandlers } from './ipc/session.ipc.ts';
import { settingsHandlers } from './ipc/settings.ipc.ts';
import { type ShareMenu as ShareMenuPopup, shellHandlers } from './ipc/shell.ipc.ts';
import { applyLoginItem, startsHidden } from './login-item.ts';
import { createNotifier } from './notifications.ts';
import { createProviderSignIn } from './oidc-loopback.ts';
import { createSecretStore, type KeytarLike, type KeyValueStore } from './secrets.ts';
import { APP_ORIGIN, APP_SCHEME, buildCsp, installCspHeader, installPermissionHandlers } from './security.ts';
import { createSessionManager } from './session.ts';
import { createSettingsService, type StoredSettings } from './settings.ts';
import { createTrayController, type TrayController } from './tray.ts';
import { renderTrayIcon } from './tray-icon.ts';
import { setupUpdater, type UpdaterController, type UpdaterLike } from './updater.ts';
import { createMainWindow, focusWindow } from './windows.ts';

const require = createRequire(import.meta.url);
const devServerUrl = process.env.VITE_DEV_SERVER_URL;
const isDev = Boolean(devServerUrl) || !app.isPackaged;
const appOrigins = devServerUrl ? [APP_ORIGIN, new URL(devServerUrl).origin] : [APP_ORIGIN];
const log = (message: string): void => console.log(`[charla] ${message}`);

// Tests (and portable installs) may isolate all state; must precede the single-instance lock and stores.
if (process.env.CHARLA_USER_DATA_DIR) app.setPath('userData', path.resolve(process.env.CHARLA_USER_DATA_DIR));

// Must happen before 'ready': app:// behaves like https (secure context, fetch, CSP 'self').
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
]);

let mainWindow: BrowserWindow | null = null;
let quitting = false;
let trayController: TrayController<Electron.NativeImage, Electron.Menu> | null = null;
let updater: UpdaterController = { enabled: false, install: () => false };

function send<C extends EventChannel>(channel: C, payload: EventPayload<C>): void {
  if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(channel, payload);
}
const showWindow = (): void => {
  if (mainWindow) focusWindow(mainWindow);
  else if (app.isReady()) openWindow();
};
const deepLinks = createDeepLinkRouter((link: DeepLink) => send('deep-link:received', link), showWindow);

const primary = setupDeepLinks({
  app,
  argv: process.argv,
  router: deepLinks,
  focusWindow: showWindow,
  devRegistration:
    process.defaultApp && process.argv[1]
      ? { execPath: process.execPath, args: [path.resolve(process.argv[1])] }
      : undefined,
});

const settingsStore = new Store<StoredSettings>({ name: 'settings' });
const settings = createSettingsService(
  { read: () => settingsStore.store, write: (doc) => (settingsStore.store = doc) },
  log,
);
const csp = (): string => buildCsp({ serverOrigin: settings.serverOrigin(), devServerOrigin: devServerUrl });

function openWindow(startHidden = false): void {
  mainWindow = createMainWindow({
    BrowserWindow,
    preloadPath: path.join(import.meta.dirname, 'preload.cjs'),
    settings,
    workAreas: screen.getAllDisplays().map((d) => d.workArea),
    appOrigins,
    devServerUrl,
    openExternal: (url) => shell.openExternal(url),
    isQuitting: () => quitting,
    hasTray: () => trayController !== null,
    startHidden,
  });
  mainWindow.on('closed', () => {
    mainWindow = null;
    deepLinks.setReady(false);
  });
  mainWindow.webContents.on('did-start-loading', () => deepLinks.setReady(false));
}

async function start(): Promise<void> {
  const secrets = await createSecretStore({
    loadKeytar: async () => require('keytar') as KeytarLike,
    safeStorage,
    store: new Store<Record<string, unknown>>({ name: 'secrets' }) as KeyValueStore,
    platform: process.platform,
    log,
  });
  const platformName = ({ darwin: 'macos', win32: 'windows', linux: 'linux' } as const)[
    process.platform as 'darwin' | 'win32' | 'linux'
  ];
  const sessionManager = createSessionManager({
    fetch: globalThis.fetch,
    secrets,
    serverOrigin: () => settings.serverOrigin(),
    device: { name: os.hostname().slice(0, 100) || 'Desktop', platform: platformName ?? 'other' },
    loadAccount: () => settings.account(),
    saveAccount: (account) => settings.saveAccount(account),
  });

  // A new server URL: the old server's refresh token leaves the keychain (signed out there first).
  settings.onServerChange((dropped) => {
    if (dropped)
      sessionManager
        .leaveServer(dropped)
        .catch((err: unknown) => log(`could not forget the old session: ${String(err)}`));
  });

  const providerSignIn = createProviderSignIn({
    serverOrigin: () => settings.serverOrigin(),
    // Wrapped in openExternalSafely inside, like every other link the app hands to the OS.
    openExternal: (url) => shell.openExternal(url),
    exchange: async (code, verifier) => {
      const result = await sessionManager.exchangeOidc(code, verifier);
      showWindow();
      return result;
    },
  });

  protocol.handle(
    APP_SCHEME,
    createAppProtocolHandler({ rootDir: path.join(app.getAppPath(), 'dist-renderer'), getCsp: csp }),
  );
  installCspHeader(session.defaultSession, appOrigins, csp);
  installPermissionHandlers(session.defaultSession, appOrigins);
  // No other window, webview or remote page is ever created by the app.
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });

  const trayImage = (count: number) => nativeImage.createFromBuffer(renderTrayIcon(count));
  trayController = createTrayController({
    createTray: (image) => new Tray(image),
    buildMenu: (template) => Menu.buildFromTemplate(template as MenuItemConstructorOptions[]),
    initialImage: trayImage(0),
    platform: process.platform,
    actions: {
      open: showWindow,
      openConversation: (conversationId) => {
        showWindow();
        send('notification:clicked', { conversationId });
      },
      setDoNotDisturb: (on) => settings.update({ notifications: { doNotDisturb: on } }),
      quit: () => app.quit(),
    },
  });
  trayController.update({ doNotDisturb: settings.get().notifications.doNotDisturb });
  const badge = createBadge({
    platform: process.platform,
    setBadgeCount: (n) => app.setBadgeCount(n),
    overlay: () => mainWindow,
    tray: () => trayController?.tray ?? null,
    imageFromPng: (png) => nativeImage.createFromBuffer(png),
  });
  const notifier = createNotifier({
    create: (o) =>
      new Notification({
        title: o.title,
        body: o.body,
        silent: o.silent,
        hasReply: o.hasReply,
        replyPlaceholder: 'Reply',
      }),
    prefs: () => settings.get().notifications,
    isWindowFocused: () => Boolean(mainWindow?.isFocused() && mainWindow.isVisible()),
    openConversation: (conversationId) => {
      showWindow();
      send('notification:clicked', { conversationId });
    },
    // Inline Reply exists on macOS (Windows needs toast XML and activation handling; not done yet).
    ...(process.platform === 'darwin'
      ? { reply: (conversationId: string, text: string) => send('notification:reply', { conversationId, text }) }
      : {}),
  });
  // Native menus, dialogs and the window frame follow the app's theme; login item follows the setting.
  const applyHostSettings = (next: DesktopSettings): void => {
    nativeTheme.themeSource = next.theme;
    if (app.isPackaged)
      applyLoginItem(next.launchAtLogin, {
        platform: process.platform,
        execPath: process.execPath,
        setLoginItemSettings: (s) => app.setLoginItemSettings(s),
        configDir: process.env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config'),
        writeFile: (file, text) => {
          fs.mkdirSync(path.dirname(file), { recursive: true });
          fs.writeFileSync(file, text);
        },
        removeFile: (file) => fs.rmSync(file, { force: true }),
      });
  };
  applyHostSettings(settings.get());
  let serverOrigin = settings.serverOrigin();
  settings.onChange((next) => {
    send('settings:changed', next);
    trayController?.update({ doNotDisturb: next.notifications.doNotDisturb });
    applyHostSettings(next);
    // The CSP's connect-src names the server, so a new server needs a fresh document. Deferred so
    // the settings:update reply reaches the renderer first.
    if (next.serverUrl !== serverOrigin) {
      serverOrigin = next.serverUrl;
      setTimeout(() => mainWindow?.webContents.reload(), 150);
    }
  });

  // The macOS share menu (Messages, Mail, AirDrop…) beside the window; other systems get share links.
  const shareMenu: ShareMenuPopup =
    process.platform === 'darwin'
      ? (item) =>
          new Promise<void>((resolve) => {
            const menu = new ShareMenu({ texts: item.texts, urls: item.urls });
            menu.popup({ ...(mainWindow ? { window: mainWindow } : {}), callback: () => resolve() });
          })
      : null;
  registerIpc({
    ipcMain,
    appOrigins,
    log,
    handlers: {
      ...sessionHandlers(sessionManager, providerSignIn),
      ...settingsHandlers(settings),
      ...notificationHandlers({
        notifier,
        badge,
        onBadge: (count) => trayController?.update({ unread: count }),
        onRecent: (recent) => trayController?.update({ recent }),
      }),
      ...shellHandlers((url) => shell.openExternal(url), shareMenu),
      ...e2eeHandlers(createE2eeKeys({ secrets, account: () => settings.account() })),
      ...appHandlers({
        deepLinks,
        updater: () => updater,
        info: () => ({
          platform: (['darwin', 'win32', 'linux'] as const).find((p) => p === process.platform) ?? 'other',
          version: app.getVersion(),
          secretStorage: secrets.info(),
          updatesEnabled: updater.enabled,
        }),
      }),
    },
  });

  // Presence: a locked or idle computer counts as away, not only a hidden window.
  watchSystemIdle(
    {
      idleSeconds: () => powerMonitor.getSystemIdleTime(),
      onLock: (l) => {
        for (const e of ['lock-screen', 'suspend'] as const) powerMonitor.on(e as 'lock-screen', l);
        return () => {
          for (const e of ['lock-screen', 'suspend'] as const) powerMonitor.off(e as 'lock-screen', l);
        };
      },
      onUnlock: (l) => {
        for (const e of ['unlock-screen', 'resume'] as const) powerMonitor.on(e as 'unlock-screen', l);
        return () => {
          for (const e of ['unlock-screen', 'resume'] as const) powerMonitor.off(e as 'unlock-screen', l);
        };
      },
      setInterval: (fn, ms) => setInterval(fn, ms),
      clearInterval: (h) => clearInterval(h as ReturnType<typeof setInterval>),
    },
    (away) => send('system:away', { away }),
  );
  openWindow(
    startsHidden({
      argv: process.argv,
      platform: process.platform,
      // macOS 13+ reports only that the login item opened the app; it was asked to open hidden.
      wasOpenedAsHidden: process.platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin,
      hasTray: trayController !== null,
    }),
  );
  updater = setupUpdater({
    isDev,
    feedUrl: process.env.CHARLA_UPDATE_URL,
    loadUpdater: () => (require('electron-updater') as { autoUpdater: UpdaterLike }).autoUpdater,
    onReady: (version) => send('update:ready', { version }),
    log,
  });
}

if (primary) {
  // Windows shows notifications only for an app with an AppUserModelID (the installer's appId).
  if (process.platform === 'win32') app.setAppUserModelId('app.charla.desktop');
  app.on('before-quit', () => {
    quitting = true;
  });
  app.on('activate', showWindow);
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  void app.whenReady().then(start);
}
