/**
 * Desktop settings in electron-store, validated with zod and migrated by an explicit schemaVersion
 * (electron-store's own migrations key on the app version, which is awkward to test and to reason
 * about). Invalid or hostile stored values fall back to defaults field by field, never crash start-up.
 */
import { z } from 'zod';
import {
  type DesktopSettings,
  desktopSettingsSchema,
  localeSchema,
  notificationPrefsSchema,
  type SettingsPatch,
  themeSchema,
} from '../shared/ipc-contract.ts';
import { DesktopError, type StoredAccount } from './session.ts';
import { checkServerUrl } from './url-guards.ts';

export const SETTINGS_VERSION = 2;
export const DEFAULT_SERVER_URL = 'http://localhost:4000';

const rectSchema = z.object({
  x: z.number().int().min(-100_000).max(100_000),
  y: z.number().int().min(-100_000).max(100_000),
  width: z.number().int().min(200).max(20_000),
  height: z.number().int().min(200).max(20_000),
});
export type Rect = z.infer<typeof rectSchema>;

const windowStateSchema = z.object({ bounds: rectSchema.nullable(), maximized: z.boolean() });
export type WindowState = z.infer<typeof windowStateSchema>;

const accountSchema = z.object({ serverOrigin: z.string(), userId: z.string().min(1).max(128) }).nullable();

export type StoredSettings = DesktopSettings & {
  schemaVersion: number;
  window: WindowState;
  account: StoredAccount | null;
};

export function defaultSettings(): StoredSettings {
  return {
    schemaVersion: SETTINGS_VERSION,
    serverUrl: DEFAULT_SERVER_URL,
    theme: 'system',
    locale: 'system',
    notifications: { level: 'all', sound: true, hideContent: false, doNotDisturb: false },
    closeToTray: process.platform !== 'linux',
    launchAtLogin: false,
    window: { bounds: null, maximized: false },
    account: null,
  };
}

function pick<T>(schema: z.ZodType<T>, value: unknown, fallback: T): T {
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : fallback;
}

type Doc = Record<string, unknown>;
const asDoc = (v: unknown): Doc => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Doc) : {});

/**
 * Version 1 (the 0.0.x previews) stored `server`, `darkMode`, `notificationsEnabled`,
 * `minimizeToTray` and `windowState {x,y,width,height,isMaximized}`. Version 2 is today's shape.
 */
const migrations: Record<number, (doc: Doc) => Doc> = {
  1: (doc) => {
    const ws = asDoc(doc.windowState);
    const { x, y, width, height } = ws;
    return {
      schemaVersion: 2,
      serverUrl: doc.server,
      theme: doc.darkMode === true ? 'dark' : doc.darkMode === false ? 'light' : 'system',
      notifications: { level: doc.notificationsEnabled === false ? 'none' : 'all' },
      closeToTray: doc.minimizeToTray,
      window: { bounds: { x, y, width, height }, maximized: ws.isMaximized === true },
    };
  },
};

export type MigrationResult = { settings: StoredSettings; changed: boolean; notes: string[] };

export function migrateSettings(raw: unknown): MigrationResult {
  const notes: string[] = [];
  let doc = asDoc(raw);
  const original = JSON.stringify(doc);
  let version =
    typeof doc.schemaVersion === 'number' ? doc.schemaVersion : Object.keys(doc).length ? 1 : SETTINGS_VERSION;
  if (version > SETTINGS_VERSION) {
    notes.push(`settings written by a newer version (${version}); unknown fields ignored`);
    version = SETTINGS_VERSION;
  }
  while (version < SETTINGS_VERSION) {
    const step = migrations[version];
    if (!step) break;
    doc = step(doc);
    notes.push(`migrated settings v${version} -> v${version + 1}`);
    version += 1;
  }
  const d = defaultSettings();
  let serverUrl = d.serverUrl;
  if (doc.serverUrl !== undefined) {
    const check = checkServerUrl(doc.serverUrl);
    if (check.ok) serverUrl = check.origin;
    else notes.push(`stored server URL refused (${check.reason}); using ${DEFAULT_SERVER_URL}`);
  }
  const n = asDoc(doc.notifications);
  const w = asDoc(doc.window);
  const settings: StoredSettings = {
    schemaVersion: SETTINGS_VERSION,
    serverUrl,
    theme: pick(themeSchema, doc.theme, d.theme),
    locale: pick(localeSchema, doc.locale, d.locale),
    notifications: {
      level: pick(notificationPrefsSchema.shape.level, n.level, d.notifications.level),
      sound: pick(z.boolean(), n.sound, d.notifications.sound),
      hideContent: pick(z.boolean(), n.hideContent, d.notifications.hideContent),
      doNotDisturb: pick(z.boolean(), n.doNotDisturb, d.notifications.doNotDisturb),
    },
    closeToTray: pick(z.boolean(), doc.closeToTray, d.closeToTray),
    launchAtLogin: pick(z.boolean(), doc.launchAtLogin, d.launchAtLogin),
    window: {
      bounds: pick(rectSchema.nullable(), w.bounds, null),
      maximized: pick(z.boolean(), w.maximized, false),
    },
    account: pick(accountSchema, doc.account, null),
  };
  return { settings, changed: JSON.stringify(settings) !== original, notes };
}

/** The whole settings document; electron-store's `store` property satisfies it. */
export type SettingsDocument = { read(): unknown; write(doc: StoredSettings): void };

export type SettingsService = {
  get(): DesktopSettings;
  update(patch: SettingsPatch): DesktopSettings;
  serverOrigin(): string;
  windowState(): WindowState;
  saveWindowState(state: WindowState): void;
  account(): StoredAccount | null;
  saveAccount(account: StoredAccount | null): void;
  onChange(listener: (settings: DesktopSettings) => void): () => void;
  /**
   * The server URL changed: the account signed in to the old one (if any) was dropped. Whoever
   * holds its secrets deletes them (the session manager: the keychain's refresh token).
   */
  onServerChange(listener: (dropped: StoredAccount | null) => void): () => void;
};

export function toPublicSettings(s: StoredSettings): DesktopSettings {
  const { schemaVersion: _v, window: _w, account: _a, ...rest } = s;
  return desktopSettingsSchema.parse(rest);
}

export function createSettingsService(
  document: SettingsDocument,
  log: (message: string) => void = () => undefined,
): SettingsService {
  const migrated = migrateSettings(document.read());
  for (const note of migrated.notes) log(`settings: ${note}`);
  let current = migrated.settings;
  if (migrated.changed) document.write(current);
  const listeners = new Set<(settings: DesktopSettings) => void>();
  const serverListeners = new Set<(dropped: StoredAccount | null) => void>();
  const commit = (next: StoredSettings, notify: boolean): void => {
    current = next;
    document.write(current);
    if (notify) for (const l of listeners) l(toPublicSettings(current));
  };
  return {
    get: () => toPublicSettings(current),
    update(patch) {
      let serverUrl = current.serverUrl;
      if (patch.serverUrl !== undefined) {
        const check = checkServerUrl(patch.serverUrl);
        if (!check.ok)
          throw new DesktopError('validation_failed', check.reason, {
            status: 400,
            details: { serverUrl: [check.reason] },
          });
        serverUrl = check.origin;
      }
      const next: StoredSettings = {
        ...current,
        ...patch,
        serverUrl,
        notifications: { ...current.notifications, ...(patch.notifications ?? {}) },
      };
      // Switching servers ends the session: its refresh token belongs to the old server.
      const dropped = serverUrl !== current.serverUrl ? { account: current.account } : null;
      if (dropped) next.account = null;
      commit(next, true);
      if (dropped) for (const l of serverListeners) l(dropped.account);
      return toPublicSettings(current);
    },
    serverOrigin: () => current.serverUrl,
    windowState: () => current.window,
    saveWindowState: (state) => commit({ ...current, window: windowStateSchema.parse(state) }, false),
    account: () => current.account,
    saveAccount: (account) => commit({ ...current, account: accountSchema.parse(account) }, false),
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onServerChange(listener) {
      serverListeners.add(listener);
      return () => serverListeners.delete(listener);
    },
  };
}

/**
 * Saved bounds are used only when enough of the window (a 100x50 title-bar strip) lands on a
 * display that exists now; a monitor unplugged since last run must not strand the window off-screen.
 */
export function restoreWindowBounds(
  saved: Rect | null,
  workAreas: readonly Rect[],
  fallback: { width: number; height: number },
): Rect | { width: number; height: number } {
  if (!saved) return fallback;
  const visible = workAreas.some((area) => {
    const w = Math.min(saved.x + saved.width, area.x + area.width) - Math.max(saved.x, area.x);
    const h = Math.min(saved.y + 50, area.y + area.height) - Math.max(saved.y, area.y);
    return w >= 100 && h >= 50;
  });
  if (!visible) return { width: saved.width, height: saved.height };
  return saved;
}
