// Installs dependencies when they are missing or older than the lockfile, so the README's
// two commands work on a fresh clone.
import fs from 'node:fs';
import path from 'node:path';
import { pnpmCommand, root, run } from './lib.mjs';

export async function ensureDeps() {
  const marker = path.join(root, 'node_modules', '.modules.yaml');
  const lock = path.join(root, 'pnpm-lock.yaml');
  const stale = !fs.existsSync(marker) || fs.statSync(lock).mtimeMs > fs.statSync(marker).mtimeMs;
  if (!stale) return;
  console.log('Installing dependencies (pnpm install)…');
  process.env.ELECTRON_SKIP_BINARY_DOWNLOAD ??= '1';
  const [cmd, ...pre] = pnpmCommand();
  const code = await run(cmd, [...pre, 'install', '--frozen-lockfile'], { shell: process.platform === 'win32' });
  if (code !== 0) process.exit(code);
}
