// @vitest-environment node
/**
 * Boots the real lifecycle module (index.ts) against a fake Electron, to check the wiring: the app
 * protocol, CSP and permission handlers, every IPC channel, the secure window loading app://, the
 * tray, and the single-instance/deep-link setup. No Electron binary needed.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { invokeChannels } from '../shared/ipc-contract.ts';

type Listener = (...args: unknown[]) => unknown;

const fake = vi.hoisted(() => {
  const calls: Record<string, unknown[][]> = {};
  const record =
    (name: string, result?: unknown) =>
    (...args: unknown[]) => {
      const list = calls[name] ?? [];
      list.push(args);
      calls[name] = list;
      return result;
    };
  const appListeners: Record<string, Listener> = {};
  let resolveReady: () => void = () => undefined;
  const ready = new Promise<void>((r) => {
    resolveReady = r;
  });
  const windows: unknown[] = [];
  class BrowserWindow {
    options: unknown;
    listeners: Record<string, Listener> = {};
    contentsListeners: Record<string, Listener> = {};
    openHandler: Listener | undefined;
    loaded: string | undefined;
    webContents = {
      on: (event: string, l: Listener) => {
        this.contentsListeners[event] = l;
      },
      setWindowOpenHandler: (h: Listener) => {
        this.openHandler = h;
      },
      send: record('webContents.send'),
      reload: record('webContents.reload'),
    };
    constructor(options: unknown) {
      this.options = options;
      windows.push(this);
    }
    static getAllWindows = () => windows;
    on(event: string, l: Listener) {
      this.listeners[event] = l;
      return this;
    }
    once(event: string, l: Listener) {
      return this.on(event, l);
    }
    loadURL(url: string) {
      this.loaded = url;
      return Promise.resolve();
    }
    maximize() {}
    show() {}
    hide() {}
    focus() {}
    restore() {}
    isDestroyed = () => false;
    isMaximized = () => false;
    isMinimized = () => false;
    isVisible = () => true;
    isFocused = () => false;
    getNormalBounds = () => ({ x: 0, y: 0, width: 1100, height: 760 });
    setOverlayIcon = record('setOverlayIcon');
  }
  class Tray {
    constructor(image: unknown) {
      record('Tray')(image);
    }
    setContextMenu = record('tray.setContextMenu');
    setToolTip = record('tray.setToolTip');
    setImage = record('tray.setImage');
    on = record('tray.on');
    destroy() {}
  }
  class Notification {
    show() {}
    close() {}
    on() {}
  }
  const handlers = new Map<string, Listener>();
  const electron = {
    app: {
      isPackaged: false,
      setPath: record('app.setPath'),
      requestSingleInstanceLock: () => true,
      quit: record('app.quit'),
      on: (event: string, l: Listener) => {
        appListeners[event] = l;
      },
      setAsDefaultProtocolClient: record('app.setAsDefaultProtocolClient', true),
      whenReady: () => ready,
      isReady: () => true,
      getAppPath: () => '/app',
      getVersion: () => '0.1.0',
      setBadgeCount: record('app.setBadgeCount'),
      setLoginItemSettings: record('app.setLoginItemSettings'),
      setAppUserModelId: record('app.setAppUserModelId'),
    },
    BrowserWindow,
    Tray,
    Notification,
    ipcMain: {
      handle: (channel: string, l: Listener) => handlers.set(channel, l),
      removeHandler: (channel: string) => handlers.delete(channel),
    },
    Menu: { buildFromTemplate: (t: unknown) => t },
    nativeImage: { createFromBuffer: (b: unknown) => b },
    nativeTheme: { themeSource: 'system' },
    protocol: {
      registerSchemesAsPrivileged: record('protocol.registerSchemesAsPrivileged'),
      handle: record('protocol.handle'),
    },
    safeStorage: {
      isEncryptionAvailable: () => true,
      encryptString: (s: string) => Buffer.from(s).reverse(),
      decryptString: (b: Buffer) => Buffer.from(b).reverse().toString(),
      getSelectedStorageBackend: () => 'gnome_libsecret',
    },
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
    session: {
      defaultSession: {
        setPermissionRequestHandler: record('setPermissionRequestHandler'),
        setPermissionCheckHandler: record('setPermissionCheckHandler'),
        webRequest: { onHeadersReceived: record('onHeadersReceived') },
      },
    },
    shell: { openExternal: record('shell.openExternal', Promise.resolve()) },
  };
  class Store {
    data: Record<string, unknown> = {};
    get store() {
      return this.data;
    }
    set store(v: Record<string, unknown>) {
      this.data = v;
    }
    get(k: string) {
      return this.data[k];
    }
    set(k: string, v: unknown) {
      this.data[k] = v;
    }
    delete(k: string) {
      delete this.data[k];
    }
  }
  return { electron, calls, appListeners, resolveReady, windows, handlers, Store };
});

vi.mock('electron', () => fake.electron);
vi.mock('electron-store', () => ({ default: fake.Store }));

const previousDbus = process.env.DBUS_SESSION_BUS_ADDRESS;
beforeAll(async () => {
  // No Secret Service for this test: keytar's probe fails fast and main falls back to safeStorage.
  process.env.DBUS_SESSION_BUS_ADDRESS = 'unix:path=/nonexistent';
  await import('./index.ts');
  fake.resolveReady();
  await vi.waitFor(() => expect(fake.windows).toHaveLength(1), { timeout: 10_000 });
}, 20_000);
afterAll(() => {
  process.env.DBUS_SESSION_BUS_ADDRESS = previousDbus;
});

describe('main process lifecycle (fake Electron)', () => {
  it('registers app:// as a privileged standard scheme before ready and serves it', () => {
    expect(fake.calls['protocol.registerSchemesAsPrivileged']?.[0]?.[0]).toEqual([
      expect.objectContaining({ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) }),
    ]);
    expect(fake.calls['protocol.handle']?.[0]?.[0]).toBe('app');
  });

  it('takes the single-instance lock and registers charla://', () => {
    expect(fake.calls['app.setAsDefaultProtocolClient']?.[0]).toEqual(['charla']);
    expect(fake.appListeners['second-instance']).toBeTypeOf('function');
    expect(fake.appListeners['open-url']).toBeTypeOf('function');
  });

  it('installs CSP and permission handlers', () => {
    expect(fake.calls.onHeadersReceived).toHaveLength(1);
    expect(fake.calls.setPermissionRequestHandler).toHaveLength(1);
    expect(fake.calls.setPermissionCheckHandler).toHaveLength(1);
  });

  it('registers exactly the contract IPC channels', () => {
    expect([...fake.handlers.keys()].sort()).toEqual([...invokeChannels].sort());
  });

  it('creates one secure window that loads app://charla, with navigation guards', () => {
    const win = fake.windows[0] as {
      options: { webPreferences: Record<string, unknown> };
      loaded: string;
      contentsListeners: Record<string, Listener>;
      openHandler: Listener;
    };
    expect(win.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    });
    expect(String(win.options.webPreferences.preload)).toMatch(/preload\.cjs$/);
    expect(win.loaded).toBe('app://charla/index.html');
    expect(win.contentsListeners['will-navigate']).toBeTypeOf('function');
    expect(win.openHandler({ url: 'https://example.com' })).toEqual({ action: 'deny' });
  });

  it('creates the tray with its menu', () => {
    expect(fake.calls.Tray).toHaveLength(1);
    expect(fake.calls['tray.setContextMenu']?.length).toBeGreaterThan(0);
  });

  it('answers IPC from the app and refuses other senders, end to end', async () => {
    const getInfo = fake.handlers.get('app:get-info') as Listener;
    const fromApp = { senderFrame: { url: 'app://charla/index.html', parent: null } };
    const info = (await getInfo(fromApp, {})) as { ok: boolean; data: { secretStorage: { kind: string } } };
    expect(info.ok).toBe(true);
    expect(['keychain', 'safe-storage']).toContain(info.data.secretStorage.kind);
    const fromElsewhere = { senderFrame: { url: 'https://evil.example/', parent: null } };
    expect(await getInfo(fromElsewhere, {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('changing the server reloads the window (the CSP names the server) and tells the renderer', async () => {
    const update = fake.handlers.get('settings:update') as Listener;
    const fromApp = { senderFrame: { url: 'app://charla/index.html', parent: null } };
    expect(await update(fromApp, { serverUrl: 'https://chat.example.com' })).toMatchObject({ ok: true });
    expect(fake.calls['webContents.send']).toContainEqual([
      'settings:changed',
      expect.objectContaining({ serverUrl: 'https://chat.example.com' }),
    ]);
    await vi.waitFor(() => expect(fake.calls['webContents.reload']).toHaveLength(1));
    await update(fromApp, { theme: 'dark' });
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.calls['webContents.reload']).toHaveLength(1);
    expect(fake.electron.nativeTheme.themeSource).toBe('dark');
  });

  it('a second launch with an invite link focuses the window and forwards the link', async () => {
    const take = fake.handlers.get('deep-link:take-pending') as Listener;
    const fromApp = { senderFrame: { url: 'app://charla/index.html', parent: null } };
    await take(fromApp, {});
    fake.appListeners['second-instance']?.({}, ['charla', 'charla://invite/abcd1234']);
    expect(fake.calls['webContents.send']).toContainEqual([
      'deep-link:received',
      { kind: 'invite', code: 'abcd1234', url: 'charla://invite/abcd1234' },
    ]);
  });
});
