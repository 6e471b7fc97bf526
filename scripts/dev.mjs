// `pnpm dev`: the server on the embedded defaults (SQLite under .data/, local media, mail to
// .data/outbox, no Redis), the web client's dev server, and the Electron app where it can start.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { bin, nodeTsFlags, root } from './lib.mjs';

const serverPort = process.env.PORT ?? '4000';
const webPort = process.env.CHARLA_WEB_PORT ?? '5173';
const serverUrl = `http://127.0.0.1:${serverPort}`;
const children = [];

function start(name, cmd, args, env = {}, cwd = root) {
  const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = `[${name}] `;
  const pipe = (stream, out) => {
    let buf = '';
    stream.on('data', (d) => {
      buf += d;
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      for (const l of lines) out.write(`${prefix + l}\n`);
    });
  };
  pipe(child.stdout, process.stdout);
  pipe(child.stderr, process.stderr);
  child.on('error', (err) => {
    console.error(`${prefix}could not start: ${err.message}`);
    stop(1);
  });
  child.on('exit', (code) => {
    if (!stopping) {
      console.error(`${prefix}exited with code ${code}; stopping.`);
      stop(code ?? 1);
    }
  });
  children.push(child);
  return child;
}

/** Why Electron cannot start here, or undefined when it can. Reads electron's path.txt rather than
 * requiring the package, whose index would try to download a missing binary. */
function electronBlocker() {
  const require = createRequire(path.join(root, 'apps/desktop/package.json'));
  let pkgDir;
  try {
    pkgDir = path.dirname(require.resolve('electron/package.json'));
  } catch {
    return 'the electron package is not installed';
  }
  const pathFile = path.join(pkgDir, 'path.txt');
  const binary = fs.existsSync(pathFile) ? path.join(pkgDir, 'dist', fs.readFileSync(pathFile, 'utf8').trim()) : '';
  if (!binary || !fs.existsSync(binary)) return 'no Electron binary (installed with ELECTRON_SKIP_BINARY_DOWNLOAD)';
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return 'no display';
  return undefined;
}

async function waitFor(url, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) return true;
    } catch {}
    await new Promise((r) => setTimeout(r, 300));
  }
  return false;
}

let stopping = false;
function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  setTimeout(() => process.exit(code), 1500).unref();
  Promise.all(children.map((c) => (c.exitCode !== null ? null : new Promise((r) => c.on('exit', r))))).then(() =>
    process.exit(code),
  );
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

start(
  'server',
  process.execPath,
  [...nodeTsFlags(), '--watch-path=apps/server/src', '--watch-preserve-output', 'apps/server/src/main.ts'],
  {
    PORT: serverPort,
    DATA_DIR: process.env.DATA_DIR ?? path.join(root, '.data'),
    CORS_ORIGINS: process.env.CORS_ORIGINS ?? `http://localhost:${webPort},http://127.0.0.1:${webPort}`,
    // Mailed and shared links open the web client (Vite), not the API port.
    WEB_URL: process.env.WEB_URL ?? `http://127.0.0.1:${webPort}`,
    // Vite is the web client here: a stale apps/desktop/dist must not be served on the API port.
    WEB_DIST_DIR: process.env.WEB_DIST_DIR ?? '',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    LOG_FORMAT: process.env.LOG_FORMAT ?? 'pretty',
  },
);
start(
  'web',
  bin('vite', 'apps/desktop'),
  ['--config', 'vite.web.config.ts', '--host', '127.0.0.1', '--port', webPort, '--strictPort'],
  {
    CHARLA_SERVER_URL: serverUrl,
  },
  path.join(root, 'apps/desktop'),
);

const [serverUp, webUp] = await Promise.all([waitFor(`${serverUrl}/healthz`), waitFor(`http://127.0.0.1:${webPort}/`)]);
if (!serverUp || !webUp) {
  console.error(`Charla did not come up (server: ${serverUp ? 'up' : 'down'}, web: ${webUp ? 'up' : 'down'}).`);
  stop(1);
} else {
  const blocker = electronBlocker();
  if (blocker) {
    console.log(`\nDesktop app not started: ${blocker}. Web client running at http://127.0.0.1:${webPort}\n`);
  } else {
    console.log(`\nStarting the desktop app; the web client is also at http://127.0.0.1:${webPort}\n`);
    start(
      'desktop',
      bin('vite', 'apps/desktop'),
      ['--config', 'vite.config.ts'],
      { CHARLA_SERVER_URL: serverUrl },
      path.join(root, 'apps/desktop'),
    );
  }
  console.log('Press Ctrl+C to stop.');
}
