// @vitest-environment node
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditSources, type SourceFile } from './security-audit.ts';

const desktop = path.resolve(import.meta.dirname, '../..');
const root = path.resolve(desktop, '../..');

function sources(dir: string): SourceFile[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'))
    .map((f) => ({
      path: path.relative(desktop, path.join(dir, f)),
      text: fs.readFileSync(path.join(dir, f), 'utf8'),
    }));
}

const real = [...sources(path.join(desktop, 'electron/main')), ...sources(path.join(desktop, 'electron/preload'))];
const config = fs.readFileSync(path.join(root, 'electron-builder.yml'), 'utf8');

describe('security audit', () => {
  it('the main process, preload and packaging config pass', () => {
    expect(real.length).toBeGreaterThan(10);
    expect(auditSources(real, config)).toEqual([]);
  });

  // platform/index.ts may test for the bridge's presence to pick the implementation.
  it('no renderer file imports electron or ipcRenderer; only platform/electron.ts uses window.desktop', () => {
    const renderer = fs
      .readdirSync(path.join(desktop, 'src'), { recursive: true, encoding: 'utf8' })
      .filter((f) => /\.(ts|tsx)$/.test(f) && !/\.test\.tsx?$/.test(f));
    for (const f of renderer) {
      const text = fs.readFileSync(path.join(desktop, 'src', f), 'utf8');
      expect(text, f).not.toMatch(/from\s+['"]electron['"]|ipcRenderer/);
      if (f !== path.join('platform', 'electron.ts')) expect(text, f).not.toMatch(/window\.desktop\.\w/);
    }
  });

  // The audit itself must catch what it claims to: feed it each violation.
  const bad = (text: string, file = 'electron/main/bad.ts'): SourceFile[] => [
    ...real.filter((f) => f.path !== file),
    { path: file, text },
  ];
  it.each([
    ['nodeIntegration enabled', 'new BrowserWindow({ webPreferences: buildWebPreferences(p), nodeIntegration: true })'],
    ['contextIsolation disabled', 'const prefs = { contextIsolation: false };'],
    ['sandbox disabled', 'const prefs = { sandbox: false };'],
    ['webSecurity disabled', 'const prefs = { webSecurity: false };'],
    ['webPreferences not built by buildWebPreferences()', 'new BrowserWindow({ webPreferences: { preload } });'],
    ['shell.openExternal not behind the URL validator', "ipcMain.on('x', (_e, url) => shell.openExternal(url));"],
    ['shell.openExternal not behind the URL validator', 'void shell.openExternal(details.url);'],
    ['app loaded from file://', "win.loadFile('index.html');"],
    ['ipcRenderer imported outside the preload', "import { ipcRenderer } from 'electron';"],
    ['generic IPC exposed', "contextBridge.exposeInMainWorld('ipc', ipcRenderer);"],
  ])('flags %s', (rule, text) => {
    expect(auditSources(bad(text), config).map((f) => f.rule)).toContain(rule);
  });

  it('flags a missing CSP', () => {
    const withoutCsp = real.map((f) =>
      f.path.endsWith('app-protocol.ts')
        ? { ...f, text: f.text.replace("headers['Content-Security-Policy']", 'x') }
        : f,
    );
    expect(auditSources(withoutCsp, config).map((f) => f.rule)).toContain('missing CSP');
    const noHeader = real.map((f) =>
      f.path.endsWith('main/index.ts') ? { ...f, text: f.text.replace('installCspHeader(', 'noop(') } : f,
    );
    expect(auditSources(noHeader, config).map((f) => f.rule)).toContain('missing CSP');
  });

  it('flags an openExternalSafely that no longer validates', () => {
    const weakened = real.map((f) =>
      f.path.endsWith('main/security.ts')
        ? { ...f, text: f.text.replace('const url = validateExternalUrl(raw);', 'const url = String(raw);') }
        : f,
    );
    expect(auditSources(weakened, config).map((f) => f.rule)).toContain('openExternalSafely does not validate first');
  });

  it('flags a fuse left on', () => {
    expect(auditSources(real, config.replace(/runAsNode: false/, 'runAsNode: true')).map((f) => f.rule)).toContain(
      'Electron fuse not set',
    );
  });
});
