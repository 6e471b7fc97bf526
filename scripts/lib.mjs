// Small helpers shared by the root scripts. Plain Node (no dependencies) so they run before install.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const PNPM_VERSION = '10.34.9';

/** The pnpm to use: the one on PATH when it is major 10, otherwise a pinned one through npx. */
export function pnpmCommand() {
  const probe = spawnSync('pnpm', ['--version'], { encoding: 'utf8', shell: process.platform === 'win32' });
  if (probe.status === 0 && probe.stdout.trim().startsWith('10.')) return ['pnpm'];
  return ['npx', '--yes', `pnpm@${PNPM_VERSION}`];
}

/** A dependency's executable: the root's node_modules/.bin first, then the given package's. */
export function bin(name, packageDir = '.') {
  for (const dir of [root, path.join(root, packageDir)]) {
    const p = path.join(dir, 'node_modules', '.bin', name);
    if (fs.existsSync(p)) return p;
  }
  return name;
}

/** Node flags that let Node run the server's TypeScript directly (a no-op where it is the default). */
export function nodeTsFlags() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  return major < 23 || (major === 23 && minor < 6) ? ['--experimental-strip-types', '--no-warnings'] : [];
}

/** Runs a command inheriting stdio; resolves with its exit code. */
export function run(cmd, args, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: 'inherit', cwd: root, ...options });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    child.on('error', (err) => {
      console.error(`could not start ${cmd}: ${err.message}`);
      resolve(127);
    });
  });
}
