/**
 * The desktop app end to end, in a real Electron against the real server Playwright starts:
 * launch, sign in through the UI (session kept by main), receive a message from a second client,
 * native notification raised, tray count updated, charla:// invite link handed to the renderer.
 * Runs wherever an Electron binary is installed; elsewhere it reports "skipped: no Electron binary".
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { _electron, type ElectronApplication, type Page } from '@playwright/test';
import { expect, signUpOverApi, test } from './support.ts';

const desktop = path.resolve(import.meta.dirname, '..');

/** The Electron executable, found without touching `require('electron')` (which would try to download it). */
function electronBinary(): string | null {
  const fromEnv = process.env.CHARLA_ELECTRON_PATH;
  if (fromEnv) return fs.existsSync(fromEnv) ? fromEnv : null;
  const pkg = path.join(desktop, 'node_modules', 'electron');
  const pathTxt = path.join(pkg, 'path.txt');
  if (!fs.existsSync(pathTxt)) return null;
  const exe = path.join(pkg, 'dist', fs.readFileSync(pathTxt, 'utf8').trim());
  return fs.existsSync(exe) ? exe : null;
}

const binary = electronBinary();
const hasDisplay = process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);

test.describe('Electron desktop app', () => {
  test.skip(!binary, 'no Electron binary');
  test.skip(Boolean(binary) && !hasDisplay, 'no display for Electron (set DISPLAY, e.g. under xvfb-run)');
  test.describe.configure({ mode: 'serial', timeout: 90_000 });

  let app: ElectronApplication;
  let page: Page;
  let userData: string;
  const stamp = Date.now().toString(36);
  const alice = { email: `alice-${stamp}@example.com`, username: `alice_${stamp}`, password: 'correct horse 1' };
  const bob = { email: `bob-${stamp}@example.com`, username: `bob_${stamp}`, password: 'correct horse 2' };

  async function api<T>(baseURL: string, method: string, url: string, body?: unknown, token?: string): Promise<T> {
    const res = await fetch(`${baseURL}/api/v1${url}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json()) as { data: T; message: string };
    if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${json.message}`);
    return json.data;
  }

  test.beforeAll(async ({ baseURL }) => {
    // The app loads dist-electron + dist-renderer (app://), so build them first.
    execFileSync(
      process.execPath,
      [path.join(desktop, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'vite.config.ts'],
      {
        cwd: desktop,
        stdio: 'ignore',
      },
    );
    userData = fs.mkdtempSync(path.join(os.tmpdir(), 'charla-electron-e2e-'));
    app = await _electron.launch({
      executablePath: binary as string,
      args: [desktop, ...(process.platform === 'linux' ? ['--no-sandbox'] : [])],
      env: { ...process.env, CHARLA_USER_DATA_DIR: userData, NODE_ENV: 'test' },
    });
    page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
    // Record what main shows natively, without changing behaviour.
    await app.evaluate(({ Notification, Tray }) => {
      const g = globalThis as unknown as { shown: string[]; tooltips: string[] };
      g.shown = [];
      g.tooltips = [];
      const show = Notification.prototype.show;
      Notification.prototype.show = function (this: Electron.Notification) {
        g.shown.push(`${this.title}|${this.body}`);
        return show.call(this);
      };
      const setToolTip = Tray.prototype.setToolTip;
      Tray.prototype.setToolTip = function (this: Electron.Tray, text: string) {
        g.tooltips.push(text);
        return setToolTip.call(this, text);
      };
    });
    // Point the app at the test server (through the real IPC, as the server screen does).
    const result = await page.evaluate(
      (serverUrl) => window.desktop?.settings.update({ serverUrl }),
      baseURL as string,
    );
    expect(result?.ok).toBe(true);
    await signUpOverApi(baseURL as string, { ...alice, displayName: 'Alice' });
    await page.reload();
  });

  test.afterAll(async () => {
    await app?.close();
    if (userData) fs.rmSync(userData, { recursive: true, force: true });
  });

  test('starts with a secure window on the app:// origin', async () => {
    expect(page.url()).toMatch(/^app:\/\/charla\//);
    // No Node in the renderer, only the bridge.
    expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
    expect(await page.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe('undefined');
    expect(await page.evaluate(() => Object.keys(window.desktop ?? {}).sort())).toEqual(
      ['app', 'badge', 'deepLinks', 'notifications', 'platform', 'session', 'settings', 'shell', 'updates'].sort(),
    );
    // A remote page cannot be navigated to inside the app window.
    await page.evaluate(() => {
      window.location.href = 'https://example.com/';
    });
    await page.waitForTimeout(500);
    expect(page.url()).toMatch(/^app:\/\/charla\//);
  });

  test('signs in through the UI; the renderer never sees the refresh token', async () => {
    await page.getByLabel('Email or username').fill(alice.username);
    await page.getByLabel('Password', { exact: true }).fill(alice.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('button', { name: 'Sign in' })).toHaveCount(0, { timeout: 15_000 });
    const info = await page.evaluate(() => window.desktop?.app.getInfo({}));
    expect(info?.ok && info.data.secretStorage.kind).toBeTruthy();
    const restored = await page.evaluate(() => window.desktop?.session.restore({}));
    expect(JSON.stringify(restored)).not.toMatch(/refreshToken/);
  });

  test('a message from a second client raises a native notification and updates the tray count', async ({
    baseURL,
  }) => {
    const base = baseURL as string;
    const b = await signUpOverApi(base, { ...bob, displayName: 'Bob' });
    const a = await api<{ user: { id: string } }>(base, 'POST', '/auth/login', {
      login: alice.username,
      password: alice.password,
    });
    const conversation = await api<{ id: string }>(
      base,
      'POST',
      '/conversations',
      { kind: 'direct', userId: a.user.id },
      b.accessToken,
    );
    // Notifications are for when the user is not looking.
    await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.blur());
    await api(
      base,
      'POST',
      `/conversations/${conversation.id}/messages`,
      { clientMsgId: crypto.randomUUID(), text: 'hello from bob' },
      b.accessToken,
    );
    await expect
      .poll(() => app.evaluate(() => (globalThis as unknown as { shown: string[] }).shown), { timeout: 15_000 })
      .toContainEqual(expect.stringContaining('hello from bob'));
    await expect
      .poll(() => app.evaluate(() => (globalThis as unknown as { tooltips: string[] }).tooltips.at(-1)), {
        timeout: 15_000,
      })
      .toBe('Charla — 1 unread');
  });

  test('a charla:// invite link from a second launch reaches the renderer', async () => {
    const received = page.evaluate(
      () =>
        new Promise<string>((resolve) => {
          window.desktop?.deepLinks.onReceived((link) => resolve(link.code));
        }),
    );
    await app.evaluate(({ app: electronApp }) => {
      electronApp.emit('second-instance', {}, ['charla', '--flag', 'charla://invite/e2eInvite123'], '');
    });
    expect(await received).toBe('e2eInvite123');
    // A hostile link is ignored.
    const none = page.evaluate(
      () =>
        new Promise<string>((resolve) => {
          window.desktop?.deepLinks.onReceived((link) => resolve(link.code));
          setTimeout(() => resolve('nothing'), 1500);
        }),
    );
    await app.evaluate(({ app: electronApp }) => {
      electronApp.emit('second-instance', {}, ['charla', 'charla://invite/../../etc/passwd'], '');
    });
    expect(await none).toBe('nothing');
  });
});
