// @vitest-environment node
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { buildBridge } from '../../shared/desktop-bridge.ts';
import { eventChannels, invokeChannels } from '../../shared/ipc-contract.ts';
import { APP_ORIGIN } from '../security.ts';
import { DesktopError } from '../session.ts';
import { dispatch, type IpcHandlers, type IpcMainLike, isTrustedSender, registerIpc } from './register.ts';

const origins = [APP_ORIGIN, 'http://localhost:5173'];
const appFrame = { senderFrame: { url: 'app://charla/index.html', parent: null } };

const me = {
  id: 'u1',
  email: 'a@example.com',
  emailVerified: true,
  username: 'ana',
  displayName: 'Ana',
  about: '',
  avatarUrl: null,
  role: 'user',
  lastSeenVisibility: 'everyone',
  readingLanguage: null,
  hasPassword: true,
  createdAt: '2026-01-01T00:00:00.000Z',
} as const;
const auth = { user: me, accessToken: 'access', accessTokenExpiresAt: '2026-01-01T00:15:00.000Z', sessionId: 's1' };
const settings = {
  serverUrl: 'http://localhost:4000',
  theme: 'system',
  locale: 'system',
  notifications: { level: 'all', sound: true, hideContent: false, doNotDisturb: false },
  closeToTray: true,
  launchAtLogin: false,
} as const;

function handlers(overrides: Partial<IpcHandlers> = {}): IpcHandlers {
  return {
    'session:login': vi.fn(async () => auth),
    'session:complete-registration': vi.fn(async () => auth),
    'session:restore': vi.fn(async () => null),
    'session:get-token': vi.fn(async () => 'access'),
    'session:logout': vi.fn(async () => null),
    'session:oidc': vi.fn(async () => auth),
    'settings:get': vi.fn(() => settings),
    'settings:update': vi.fn(() => settings),
    'notification:show': vi.fn(() => 'shown' as const),
    'conversation:focus': vi.fn(() => null),
    'badge:set': vi.fn(() => null),
    'tray:set-recent': vi.fn(() => null),
    'shell:open-external': vi.fn(async () => true),
    'shell:share': vi.fn(async () => 'unavailable' as const),
    'deep-link:take-pending': vi.fn(() => []),
    'update:install': vi.fn(() => null),
    'app:get-info': vi.fn(() => ({
      platform: 'linux' as const,
      version: '0.1.0',
      secretStorage: { kind: 'keychain' as const, persistent: true },
      updatesEnabled: false,
    })),
    'encryption:store-key': vi.fn(async () => Buffer.alloc(32, 1).toString('base64')),
    'encryption:forget-store-key': vi.fn(async () => null),
    ...overrides,
  };
}

describe('sender checks', () => {
  it.each([
    ['the app', { url: 'app://charla/index.html', parent: null }, true],
    ['the dev server', { url: 'http://localhost:5173/', parent: null }, true],
    ['a remote page', { url: 'https://evil.example/', parent: null }, false],
    ['an iframe inside the app', { url: 'app://charla/index.html', parent: {} }, false],
    ['another app:// host', { url: 'app://evil/index.html', parent: null }, false],
    ['file://', { url: 'file:///app/dist-renderer/index.html', parent: null }, false],
    ['about:blank', { url: 'about:blank', parent: null }, false],
    ['a look-alike origin', { url: 'http://localhost:5173.evil.com/', parent: null }, false],
    ['a data: URL', { url: 'data:text/html,hi', parent: null }, false],
    ['a destroyed frame', null, false],
    ['no frame', undefined, false],
  ])('%s -> %s', (_name, frame, trusted) => expect(isTrustedSender(frame, origins)).toBe(trusted));

  it('a foreign sender never reaches the handler', async () => {
    const h = handlers();
    const r = await dispatch(
      'session:get-token',
      { senderFrame: { url: 'https://evil.example/', parent: null } },
      [{}],
      h,
      origins,
    );
    expect(r).toEqual({ ok: false, error: { code: 'forbidden', message: expect.any(String) } });
    expect(h['session:get-token']).not.toHaveBeenCalled();
  });
});

describe('payload validation', () => {
  it.each([
    ['session:login', [{ login: 'ana' }]],
    ['session:login', [{ login: 'ana', password: 'x', client: 'web' }]],
    ['session:login', [{ login: 'ana', password: 'x', device: { name: 'x', platform: 'web' } }]],
    ['session:login', [{ login: 'a'.repeat(300), password: 'x' }]],
    ['session:login', ['ana']],
    ['session:login', [null]],
    ['session:get-token', [{ forceRefresh: 'yes' }]],
    ['session:restore', [{ refreshToken: 'steal-me' }]],
    ['settings:update', [{ serverUrl: 42 }]],
    ['settings:update', [{ notifications: { level: 'loud' } }]],
    ['settings:update', [{ window: { bounds: null } }]],
    ['settings:update', [{ __proto__: { admin: true }, constructor: 'x' }]],
    ['notification:show', [{ tag: 't', title: 'x', body: 'y'.repeat(5000), conversationId: 'c' }]],
    ['notification:show', [{ tag: 't', title: 'x', body: 'y', conversationId: '' }]],
    ['badge:set', [{ count: -1 }]],
    ['badge:set', [{ count: 1.5 }]],
    ['badge:set', [{ count: '3' }]],
    ['badge:set', [{ count: 1e9 }]],
    [
      'tray:set-recent',
      [{ items: Array.from({ length: 6 }, (_, i) => ({ conversationId: `c${i}`, title: 't', unread: 0 })) }],
    ],
    ['tray:set-recent', [{ items: [{ conversationId: 'c1', title: 'x'.repeat(101), unread: 0 }] }]],
    ['tray:set-recent', [{ items: [{ conversationId: 'c1', title: 't', unread: 0, body: 'secret' }] }]],
    ['shell:open-external', [{ url: 'x'.repeat(3000) }]],
    ['shell:open-external', [{ url: 'https://ok.example', extra: 1 }]],
    ['shell:share', [{ text: 'x'.repeat(4001) }]],
    ['shell:share', [{ text: 'x', filePaths: ['/etc/passwd'] }]],
    ['shell:share', [{ text: 'x', url: 'x'.repeat(3000) }]],
    ['shell:share', [{ url: 'https://ok.example' }]],
    ['conversation:focus', [{}]],
    ['session:logout', [{}, { extra: true }]],
    ['session:logout', []],
    ['session:oidc', [{}]],
    ['session:oidc', [{ provider: 'https://evil.example/' }]],
    ['session:oidc', [{ provider: '../admin' }]],
    ['session:oidc', [{ provider: 'g'.repeat(40) }]],
    ['session:oidc', [{ provider: 'google', redirect: 'http://evil.example/' }]],
  ] as const)('%s rejects %j', async (channel, args) => {
    const h = handlers();
    const r = await dispatch(channel, appFrame, [...args], h, origins);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('validation_failed');
    expect(h[channel]).not.toHaveBeenCalled();
  });

  it('session:oidc passes a provider id through and never returns the refresh token', async () => {
    const h = handlers({ 'session:oidc': vi.fn(async () => ({ ...auth, refreshToken: 'leak' })) as never });
    const r = await dispatch('session:oidc', appFrame, [{ provider: 'google' }], h, origins, vi.fn());
    expect(h['session:oidc']).toHaveBeenCalledWith({ provider: 'google' });
    expect(r.ok).toBe(false);
    expect(JSON.stringify(r)).not.toContain('leak');
  });

  it('passes parsed, valid payloads to the handler', async () => {
    const h = handlers();
    const r = await dispatch('badge:set', appFrame, [{ count: 7 }], h, origins);
    expect(r).toEqual({ ok: true, data: null });
    expect(h['badge:set']).toHaveBeenCalledWith({ count: 7 });
  });
});

describe('results and errors', () => {
  it('a refresh token in a result is refused (the contract is strict)', async () => {
    const log = vi.fn();
    const h = handlers({ 'session:login': vi.fn(async () => ({ ...auth, refreshToken: 'leak' })) as never });
    const r = await dispatch('session:login', appFrame, [{ login: 'ana', password: 'pw' }], h, origins, log);
    expect(r).toEqual({ ok: false, error: { code: 'internal', message: expect.any(String) } });
    expect(JSON.stringify(r)).not.toContain('leak');
  });

  it('typed desktop errors keep their code, status and details', async () => {
    const h = handlers({
      'session:login': vi.fn(async () => {
        throw new DesktopError('validation_failed', 'bad', { status: 400, details: { login: ['Required'] } });
      }),
    });
    const r = await dispatch('session:login', appFrame, [{ login: 'ana', password: 'pw' }], h, origins);
    expect(r).toEqual({
      ok: false,
      error: { code: 'validation_failed', message: 'bad', status: 400, details: { login: ['Required'] } },
    });
  });

  it('unexpected exceptions become a generic internal error without internals', async () => {
    const h = handlers({
      'settings:get': vi.fn(() => {
        throw new Error('ENOENT /home/ana/.config/Charla/settings.json');
      }),
    });
    const r = await dispatch('settings:get', appFrame, [{}], h, origins);
    expect(r.ok).toBe(false);
    expect(JSON.stringify(r)).not.toContain('/home/ana');
  });
});

describe('registration', () => {
  it('registers exactly the contract channels and can remove them', async () => {
    const registered = new Map<string, (event: unknown, ...args: unknown[]) => Promise<unknown>>();
    const ipcMain: IpcMainLike = {
      handle: (channel, l) => registered.set(channel, l as never),
      removeHandler: (channel) => registered.delete(channel),
    };
    const off = registerIpc({ ipcMain, handlers: handlers(), appOrigins: origins });
    expect([...registered.keys()].sort()).toEqual([...invokeChannels].sort());
    expect(await registered.get('badge:set')?.(appFrame, { count: 1 })).toEqual({ ok: true, data: null });
    off();
    expect(registered.size).toBe(0);
  });

  it('channels are named domain:verb', () => {
    for (const c of [...invokeChannels, ...eventChannels]) expect(c).toMatch(/^[a-z]+(-[a-z]+)*:[a-z]+(-[a-z]+)*$/);
  });

  it('the preload exposes one method per contract channel and nothing generic', async () => {
    const preload = fs.readFileSync(path.resolve(import.meta.dirname, '../../preload/index.ts'), 'utf8');
    // One object, built from the contract's layout; ipcRenderer itself never crosses the bridge.
    expect([...preload.matchAll(/exposeInMainWorld\(/g)]).toHaveLength(1);
    expect(preload).toMatch(/exposeInMainWorld\('desktop', buildBridge\(platform, call, listen\)\)/);
    expect(preload).not.toMatch(/ipcRenderer\.(send|sendSync|sendToHost)\b/);
    expect(preload).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer/);
    // What buildBridge exposes: every method and subscription reaches exactly the contract's channels.
    const calls: string[] = [];
    const listens: string[] = [];
    const bridge = buildBridge(
      'linux',
      (channel) => async () => {
        calls.push(channel);
        return { ok: true, data: null as never };
      },
      (channel) => () => {
        listens.push(channel);
        return () => undefined;
      },
    );
    for (const [key, group] of Object.entries(bridge)) {
      if (key === 'platform') continue;
      for (const fn of Object.values(group as Record<string, (a: unknown) => unknown>)) await fn(() => undefined);
    }
    expect(calls.sort()).toEqual([...invokeChannels].sort());
    expect(listens.sort()).toEqual([...eventChannels].sort());
  });
});
