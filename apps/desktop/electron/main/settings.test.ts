// @vitest-environment node
import { describe, expect, it, vi } from 'vitest';
import {
  createSettingsService,
  DEFAULT_SERVER_URL,
  defaultSettings,
  migrateSettings,
  restoreWindowBounds,
  SETTINGS_VERSION,
  type StoredSettings,
} from './settings.ts';
import { checkServerUrl } from './url-guards.ts';

function memoryDoc(initial?: unknown) {
  let doc: unknown = initial;
  const writes: StoredSettings[] = [];
  return {
    read: () => doc,
    write: (d: StoredSettings) => {
      doc = structuredClone(d);
      writes.push(doc as StoredSettings);
    },
    writes,
    current: () => doc as StoredSettings,
  };
}

describe('server URL rule', () => {
  it.each([
    ['https://chat.example.com', 'https://chat.example.com'],
    ['https://chat.example.com:8443/', 'https://chat.example.com:8443'],
    ['http://localhost:4000', 'http://localhost:4000'],
    ['http://127.0.0.1:4000/', 'http://127.0.0.1:4000'],
    ['http://[::1]:4000', 'http://[::1]:4000'],
    ['  https://CHAT.example.com  ', 'https://chat.example.com'],
  ])('accepts %s', (raw, origin) => expect(checkServerUrl(raw)).toEqual({ ok: true, origin }));

  it.each([
    'http://chat.example.com',
    'http://192.168.1.10:4000',
    'http://localhost.evil.com',
    'http://127.0.0.1.nip.io',
    'ws://localhost:4000',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'https://user:pw@chat.example.com',
    'https://chat.example.com/api',
    'https://chat.example.com/?x=1',
    'https://chat.example.com/#a',
    'chat.example.com',
    '',
  ])('refuses %s', (raw) => expect(checkServerUrl(raw).ok).toBe(false));
});

describe('settings migration', () => {
  it('starts from defaults (server http://localhost:4000)', () => {
    const { settings } = migrateSettings(undefined);
    expect(settings).toEqual(defaultSettings());
    expect(settings.serverUrl).toBe(DEFAULT_SERVER_URL);
  });

  it('migrates the v1 preview format', () => {
    const { settings, notes } = migrateSettings({
      schemaVersion: 1,
      server: 'https://chat.example.com/',
      darkMode: true,
      notificationsEnabled: false,
      minimizeToTray: true,
      windowState: { x: 10, y: 20, width: 1000, height: 700, isMaximized: true },
    });
    expect(settings).toMatchObject({
      schemaVersion: SETTINGS_VERSION,
      serverUrl: 'https://chat.example.com',
      theme: 'dark',
      notifications: { level: 'none', sound: true, hideContent: false, doNotDisturb: false },
      closeToTray: true,
      window: { bounds: { x: 10, y: 20, width: 1000, height: 700 }, maximized: true },
    });
    expect(notes).toContain('migrated settings v1 -> v2');
  });

  it('treats an unversioned non-empty store as v1', () => {
    expect(migrateSettings({ server: 'https://a.example', darkMode: false }).settings).toMatchObject({
      serverUrl: 'https://a.example',
      theme: 'light',
    });
  });

  it('refuses a stored plain-http remote server and falls back to the default', () => {
    const { settings, notes } = migrateSettings({ schemaVersion: 2, serverUrl: 'http://chat.example.com' });
    expect(settings.serverUrl).toBe(DEFAULT_SERVER_URL);
    expect(notes.join()).toMatch(/refused/);
  });

  it('replaces hostile or corrupt values field by field', () => {
    const { settings } = migrateSettings({
      schemaVersion: 2,
      serverUrl: 12,
      theme: '<script>',
      locale: 'xx',
      notifications: { level: 'everything', sound: 'yes', hideContent: true, doNotDisturb: null },
      closeToTray: 'true',
      launchAtLogin: true,
      window: { bounds: { x: 'a', y: 0, width: 5, height: 1e9 }, maximized: 1 },
      account: { serverOrigin: 'https://a.example', userId: '' },
      __proto__: { polluted: true },
    });
    expect(settings).toMatchObject({
      serverUrl: DEFAULT_SERVER_URL,
      theme: 'system',
      locale: 'system',
      notifications: { level: 'all', sound: true, hideContent: true, doNotDisturb: false },
      launchAtLogin: true,
      window: { bounds: null, maximized: false },
      account: null,
    });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('tolerates settings from a newer version', () => {
    const { settings, notes } = migrateSettings({ schemaVersion: 99, theme: 'dark', futureThing: 1 });
    expect(settings.theme).toBe('dark');
    expect(settings).not.toHaveProperty('futureThing');
    expect(notes.join()).toMatch(/newer/);
  });

  it.each([null, 'garbage', 42, [1, 2]])('survives a store containing %j', (raw) => {
    expect(migrateSettings(raw).settings.serverUrl).toBe(DEFAULT_SERVER_URL);
  });
});

describe('settings service', () => {
  it('writes the migrated document once at start-up', () => {
    const doc = memoryDoc({ server: 'https://a.example' });
    createSettingsService(doc);
    expect(doc.writes).toHaveLength(1);
    expect(doc.current().schemaVersion).toBe(SETTINGS_VERSION);
  });

  it('updates, persists and notifies; refuses plain http to remote hosts', () => {
    const doc = memoryDoc();
    const s = createSettingsService(doc);
    const listener = vi.fn();
    s.onChange(listener);
    s.update({ theme: 'dark', notifications: { doNotDisturb: true } });
    expect(s.get().notifications).toEqual({ level: 'all', sound: true, hideContent: false, doNotDisturb: true });
    expect(doc.current().theme).toBe('dark');
    expect(listener).toHaveBeenCalledTimes(1);
    expect(() => s.update({ serverUrl: 'http://chat.example.com' })).toThrow(/localhost/);
    expect(s.get().serverUrl).toBe(DEFAULT_SERVER_URL);
  });

  it('switching servers forgets the signed-in account', () => {
    const s = createSettingsService(memoryDoc());
    s.saveAccount({ serverOrigin: DEFAULT_SERVER_URL, userId: 'u1' });
    s.update({ serverUrl: 'http://localhost:4000/' });
    expect(s.account()).not.toBeNull();
    s.update({ serverUrl: 'https://chat.example.com' });
    expect(s.account()).toBeNull();
    expect(s.serverOrigin()).toBe('https://chat.example.com');
  });

  it('tells who holds the secrets which account a server switch dropped (once, only on a switch)', () => {
    const s = createSettingsService(memoryDoc());
    const dropped: unknown[] = [];
    s.onServerChange((account) => dropped.push(account));
    s.saveAccount({ serverOrigin: DEFAULT_SERVER_URL, userId: 'u1' });
    s.update({ theme: 'dark' });
    s.update({ serverUrl: 'http://localhost:4000/' });
    expect(dropped).toEqual([]);
    s.update({ serverUrl: 'https://chat.example.com' });
    expect(dropped).toEqual([{ serverOrigin: DEFAULT_SERVER_URL, userId: 'u1' }]);
    // Signed out already: the switch still reports, with nothing to drop.
    s.update({ serverUrl: 'https://other.example.com' });
    expect(dropped).toEqual([{ serverOrigin: DEFAULT_SERVER_URL, userId: 'u1' }, null]);
  });

  it('never exposes window geometry or the account to the renderer', () => {
    const s = createSettingsService(memoryDoc());
    s.saveAccount({ serverOrigin: DEFAULT_SERVER_URL, userId: 'u1' });
    expect(Object.keys(s.get()).sort()).toEqual(
      ['closeToTray', 'launchAtLogin', 'locale', 'notifications', 'serverUrl', 'theme'].sort(),
    );
  });
});

describe('window bounds', () => {
  const laptop = { x: 0, y: 0, width: 1440, height: 900 };
  const external = { x: 1440, y: 0, width: 2560, height: 1440 };

  it('restores bounds that are on a current display', () => {
    const saved = { x: 2000, y: 100, width: 1200, height: 800 };
    expect(restoreWindowBounds(saved, [laptop, external], { width: 1100, height: 760 })).toEqual(saved);
  });

  it('drops the position when the display it was on is gone', () => {
    const saved = { x: 2000, y: 100, width: 1200, height: 800 };
    expect(restoreWindowBounds(saved, [laptop], { width: 1100, height: 760 })).toEqual({ width: 1200, height: 800 });
  });

  it('drops a window whose title bar is off-screen', () => {
    const saved = { x: 100, y: -700, width: 1000, height: 720 };
    expect(restoreWindowBounds(saved, [laptop], { width: 1100, height: 760 })).toEqual({ width: 1000, height: 720 });
  });

  it('uses the default size on first run', () => {
    expect(restoreWindowBounds(null, [laptop], { width: 1100, height: 760 })).toEqual({ width: 1100, height: 760 });
  });
});
