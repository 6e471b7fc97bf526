// @vitest-environment node
/**
 * Checks electron-builder.yml offline: packages the Linux `dir` target against a stand-in Electron
 * distribution (a dummy executable carrying a fuse wire, and resources/), without rebuilding native
 * modules, then asserts the layout: app.asar with main/preload/renderer, keytar unpacked, the fuses
 * flipped, the executable name and the .desktop entry with the charla:// protocol.
 * It packages a staged copy of apps/desktop (package.json, build/, the real node_modules, stub
 * bundles) so it tests the packaging config, not whatever state the renderer build is in.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describeIf } from '@charla/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';

const run = promisify(execFile);

/** Like run, but a failure carries the tool's own output (electron-builder explains itself there). */
async function runLogged(file: string, args: string[], options: Parameters<typeof run>[2]) {
  try {
    return await run(file, args, options);
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${e.message}\n${String(e.stdout ?? '').slice(-3000)}\n${String(e.stderr ?? '').slice(-3000)}`);
  }
}
const desktop = path.resolve(import.meta.dirname, '../..');
const root = path.resolve(desktop, '../..');
const builderBin = path.join(desktop, 'node_modules/.bin/electron-builder');
const keytarNode = path.join(desktop, 'node_modules/keytar/build/Release/keytar.node');
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const FUSES = [
  'RunAsNode',
  'EnableCookieEncryption',
  'EnableNodeOptionsEnvironmentVariable',
  'EnableNodeCliInspectArguments',
  'EnableEmbeddedAsarIntegrityValidation',
  'OnlyLoadAppFromAsar',
  'LoadBrowserProcessSpecificV8Snapshot',
  'GrantFileProtocolExtraPrivileges',
];

const available = process.platform === 'linux' && fs.existsSync(builderBin);
const reason = 'the offline packaging check needs Linux and electron-builder installed';

let tmp: string;
let appDir: string;
let keytarHash: string | null;

const hash = (file: string) =>
  fs.existsSync(file) ? createHash('sha256').update(fs.readFileSync(file)).digest('hex') : null;

/** Reads the asar header (pickle: u32 size fields, then the JSON file tree). */
function asarFiles(file: string): Set<string> {
  const buf = fs.readFileSync(file);
  const json = JSON.parse(buf.toString('utf8', 16, 16 + buf.readUInt32LE(12))) as { files: Record<string, unknown> };
  const out = new Set<string>();
  const walk = (node: { files?: Record<string, unknown> }, prefix: string) => {
    for (const [name, child] of Object.entries(node.files ?? {})) {
      out.add(`${prefix}${name}`);
      walk(child as { files?: Record<string, unknown> }, `${prefix}${name}/`);
    }
  };
  walk(json, '');
  return out;
}

describeIf(available, reason, 'electron-builder config (offline, stand-in Electron)', () => {
  beforeAll(async () => {
    keytarHash = hash(keytarNode);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'charla-package-'));
    const dist = path.join(tmp, 'electron-dist');
    fs.mkdirSync(path.join(dist, 'resources'), { recursive: true });
    // A fuse wire like Electron's: sentinel, version 1, 8 fuses, all at their defaults.
    const wire = Buffer.concat([
      Buffer.from(`#!/bin/sh\necho stand-in\n# ${SENTINEL}`),
      Buffer.from([1, 8]),
      Buffer.from('10110100'),
      Buffer.from('\n'),
    ]);
    fs.writeFileSync(path.join(dist, 'electron'), wire, { mode: 0o755 });
    fs.writeFileSync(path.join(dist, 'version'), '45.4.1');

    const project = path.join(tmp, 'app');
    fs.mkdirSync(path.join(project, 'dist-electron'), { recursive: true });
    fs.mkdirSync(path.join(project, 'dist-renderer', 'assets'), { recursive: true });
    fs.copyFileSync(path.join(desktop, 'package.json'), path.join(project, 'package.json'));
    fs.cpSync(path.join(desktop, 'build'), path.join(project, 'build'), { recursive: true });
    fs.symlinkSync(path.join(desktop, 'node_modules'), path.join(project, 'node_modules'), 'dir');
    fs.writeFileSync(path.join(project, 'dist-electron', 'main.js'), 'export {};\n');
    fs.writeFileSync(path.join(project, 'dist-electron', 'preload.cjs'), '"use strict";\n');
    fs.writeFileSync(path.join(project, 'dist-electron', 'main.js.map'), '{}');
    fs.writeFileSync(path.join(project, 'dist-renderer', 'index.html'), '<!doctype html>');
    fs.writeFileSync(path.join(project, 'dist-renderer', 'assets', 'index.js'), '');
    // Force electron-builder's npm collector: the staged dir is no pnpm workspace.
    const env = { ...process.env, CI: '1', npm_config_user_agent: 'npm/10 node/v24', npm_execpath: '' };
    await runLogged(
      builderBin,
      [
        '--config',
        path.join(root, 'electron-builder.yml'),
        '--projectDir',
        '.',
        '--linux',
        'dir',
        `-c.electronDist=${dist}`,
        '-c.npmRebuild=false',
        `-c.directories.output=${path.join(tmp, 'out')}`,
        `-c.afterPack=${path.join(import.meta.dirname, 'write-desktop-entry.cjs')}`,
      ],
      { cwd: project, env, maxBuffer: 32 * 1024 * 1024 },
    );
    appDir = path.join(tmp, 'out', 'linux-unpacked');
  }, 120_000);

  afterAll(async () => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    // A failed rebuild deletes keytar's build output; other tests need it, so restore it if so.
    if (keytarHash && hash(keytarNode) !== keytarHash)
      await run('pnpm', ['rebuild', 'keytar'], { cwd: desktop }).catch(() => undefined);
  }, 120_000);

  it('names the executable per linux.executableName', () => {
    expect(fs.existsSync(path.join(appDir, 'charla'))).toBe(true);
    expect(fs.existsSync(path.join(appDir, 'electron'))).toBe(false);
  });

  it('packs main, preload and renderer into app.asar, without renderer-only node_modules', () => {
    const asar = path.join(appDir, 'resources', 'app.asar');
    expect(fs.existsSync(asar)).toBe(true);
    const files = asarFiles(asar);
    for (const f of ['package.json', 'dist-electron/main.js', 'dist-electron/preload.cjs', 'dist-renderer/index.html'])
      expect(files, f).toContain(f);
    for (const f of ['node_modules/electron-store', 'node_modules/electron-updater', 'node_modules/keytar'])
      expect(files, f).toContain(f);
    for (const f of ['node_modules/react', 'node_modules/react-dom', 'node_modules/zod', 'node_modules/electron'])
      expect(files, f).not.toContain(f);
    expect([...files].some((f) => f.endsWith('.ts') || f.endsWith('.map'))).toBe(false);
  });

  it('unpacks keytar (a native addon cannot load from inside asar)', () => {
    const unpacked = path.join(appDir, 'resources', 'app.asar.unpacked', 'node_modules', 'keytar');
    expect(fs.existsSync(path.join(unpacked, 'build', 'Release', 'keytar.node'))).toBe(true);
    expect(fs.existsSync(path.join(unpacked, 'lib', 'keytar.js'))).toBe(true);
  });

  it('flips the Electron fuses', () => {
    const bin = fs.readFileSync(path.join(appDir, 'charla'));
    const at = bin.indexOf(SENTINEL) + SENTINEL.length;
    const count = bin[at + 1] ?? 0;
    const state = Object.fromEntries(
      FUSES.slice(0, count).map((name, i) => [name, String.fromCharCode(bin[at + 2 + i] ?? 0)]),
    );
    expect(state).toMatchObject({
      RunAsNode: '0',
      EnableCookieEncryption: '1',
      EnableNodeOptionsEnvironmentVariable: '0',
      EnableNodeCliInspectArguments: '0',
      EnableEmbeddedAsarIntegrityValidation: '1',
      OnlyLoadAppFromAsar: '1',
      GrantFileProtocolExtraPrivileges: '0',
    });
  });

  it('declares the charla:// protocol, category and exec in the .desktop entry', () => {
    const entry = fs.readFileSync(path.join(appDir, 'charla.desktop'), 'utf8');
    expect(entry).toMatch(/^Name=Charla$/m);
    expect(entry).toMatch(/^Exec=\/opt\/Charla\/charla %U$/m);
    expect(entry).toMatch(/^MimeType=x-scheme-handler\/charla;$/m);
    expect(entry).toMatch(/^Categories=Network;InstantMessaging;$/m);
    expect(entry).toMatch(/^StartupWMClass=charla$/m);
  });

  it('leaves the development keytar build intact', () => {
    expect(keytarHash).not.toBeNull();
    expect(hash(keytarNode)).toBe(keytarHash);
  });
});
