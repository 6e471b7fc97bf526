// Starts a real Charla server for the browser tests: embedded SQLite in a temp dir, a development
// build of the web client, cheap bcrypt. Removes its data when stopped.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bin, nodeTsFlags, root } from './lib.mjs';

// A development build of the current source, so React and react-query report what they only report
// in development (duplicate keys, queries without a queryFn...): e2e/support.ts fails a test on any
// console error or warning. Built on every start, so a spec never runs against a stale client.
const webDir = path.join(root, 'apps/desktop/dist-e2e');
const build = spawnSync(
  bin('vite', 'apps/desktop'),
  ['build', '--config', 'vite.web.config.ts', '--outDir', webDir, '--emptyOutDir', '--logLevel', 'warn'],
  {
    cwd: path.join(root, 'apps/desktop'),
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, NODE_ENV: 'development' },
  },
);
if (build.status !== 0) {
  console.error('e2e-server: the development build of the web client failed');
  process.exit(1);
}

// One data dir per port, so the tests (apps/desktop/e2e/support.ts) can read the mail outbox.
const dataDir = path.join(os.tmpdir(), `charla-e2e-${process.env.CHARLA_E2E_PORT ?? '4100'}`);
fs.rmSync(dataDir, { recursive: true, force: true });
fs.mkdirSync(dataDir, { recursive: true });
const child = spawn(process.execPath, [...nodeTsFlags(), path.join(root, 'apps/server/src/main.ts')], {
  stdio: 'inherit',
  env: {
    ...process.env,
    NODE_ENV: 'test',
    // Always the embedded store, whatever MONGODB_URI the shell exports.
    MONGODB_URI: '',
    HOST: '127.0.0.1',
    PORT: process.env.CHARLA_E2E_PORT ?? '4100',
    DATA_DIR: dataDir,
    BCRYPT_COST: '4',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    WEB_DIST_DIR: webDir,
    CHARLA_DISABLE_RATE_LIMITS: process.env.CHARLA_DISABLE_RATE_LIMITS ?? '',
    // A fixed address that becomes a site admin once it is verified (apps/desktop/e2e/admin.e2e.ts).
    ADMIN_EMAILS: process.env.CHARLA_E2E_ADMIN_EMAIL ?? 'admin@charla.test',
  },
});
const stop = () => child.kill('SIGTERM');
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
child.on('exit', (code) => {
  fs.rmSync(dataDir, { recursive: true, force: true });
  process.exit(code ?? 0);
});
