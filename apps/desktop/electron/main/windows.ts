/**
 * The main window: secure webPreferences, restored geometry, navigation guards, close-to-tray and
 * what it loads (Vite's dev server in development, app://charla/ in production, never file://).
 */
import type { BrowserWindow, BrowserWindowConstructorOptions, Rectangle } from 'electron';
import { APP_ORIGIN, attachNavigationGuards, buildWebPreferences, type OpenExternal } from './security.ts';
import { type Rect, restoreWindowBounds, type SettingsService } from './settings.ts';
import { shouldHideOnClose } from './tray.ts';

export const DEFAULT_SIZE = { width: 1100, height: 760 };

export function rendererEntryUrl(devServerUrl: string | undefined): string {
  return devServerUrl ?? `${APP_ORIGIN}/index.html`;
}

export function windowOptions(options: {
  preloadPath: string;
  settings: SettingsService;
  workAreas: readonly Rect[];
  icon?: string;
}): BrowserWindowConstructorOptions {
  const bounds = restoreWindowBounds(options.settings.windowState().bounds, options.workAreas, DEFAULT_SIZE);
  return {
    ...bounds,
    minWidth: 360,
    minHeight: 480,
    show: false,
    title: 'Charla',
    backgroundColor: '#ffffff',
    ...(options.icon ? { icon: options.icon } : {}),
    webPreferences: buildWebPreferences(options.preloadPath),
  };
}

export function createMainWindow(options: {
  BrowserWindow: new (o: BrowserWindowConstructorOptions) => BrowserWindow;
  preloadPath: string;
  settings: SettingsService;
  workAreas: readonly Rect[];
  appOrigins: readonly string[];
  devServerUrl: string | undefined;
  openExternal: OpenExternal;
  isQuitting: () => boolean;
  hasTray: () => boolean;
  /** Started at login: the window loads but stays in the tray until opened. */
  startHidden?: boolean;
  icon?: string;
}): BrowserWindow {
  const win = new options.BrowserWindow(windowOptions(options));
  attachNavigationGuards(win.webContents, { appOrigins: options.appOrigins, openExternal: options.openExternal });
  if (options.settings.windowState().maximized) win.maximize();
  win.once('ready-to-show', () => {
    if (!options.startHidden) win.show();
  });

  let saveTimer: ReturnType<typeof setTimeout> | undefined;
  const saveGeometry = (): void => {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(() => {
      if (win.isDestroyed()) return;
      const b: Rectangle = win.getNormalBounds();
      options.settings.saveWindowState({ bounds: b, maximized: win.isMaximized() });
    }, 500);
  };
  for (const event of ['resize', 'move', 'maximize', 'unmaximize'] as const) win.on(event as 'resize', saveGeometry);

  win.on('close', (event) => {
    if (!win.isDestroyed())
      options.settings.saveWindowState({ bounds: win.getNormalBounds(), maximized: win.isMaximized() });
    const hide = shouldHideOnClose({
      closeToTray: options.settings.get().closeToTray,
      quitting: options.isQuitting(),
      hasTray: options.hasTray(),
    });
    if (hide) {
      event.preventDefault();
      win.hide();
    }
  });

  void win.loadURL(rendererEntryUrl(options.devServerUrl));
  return win;
}

/** Shows, restores and focuses a window that may be hidden in the tray or minimised. */
export function focusWindow(win: BrowserWindow | null): void {
  if (!win || win.isDestroyed()) return;
  if (win.isMinimized()) win.restore();
  if (!win.isVisible()) win.show();
  win.focus();
}
