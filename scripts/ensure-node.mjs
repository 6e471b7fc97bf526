// Runs the README's two commands under a Node that can run Charla. Plain Node with nothing newer
// than Node 18 can parse, because this is what an old system Node executes first.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const MIN_NODE = [22, 12];
export const NODE_MAJOR = 24;

export function nodeIsRecentEnough(version = process.versions.node) {
  const [major, minor] = version.split('.').map(Number);
  return major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
}

/** Where downloaded tools live: outside the repository, shared by every clone. */
export function cacheDir() {
  if (process.env.CHARLA_CACHE_DIR) return process.env.CHARLA_CACHE_DIR;
  const base =
    process.platform === 'win32'
      ? process.env.LOCALAPPDATA || path.join(os.homedir(), 'AppData', 'Local')
      : process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'charla');
}

/** The npm package that ships the Node binary for this machine (what the `node` package installs). */
export function nodePackageName(platform = process.platform, arch = process.arch) {
  const system = platform === 'win32' ? 'win' : platform;
  return `node-${system}-${arch}`;
}

function binaryIn(pkgDir) {
  const candidates =
    process.platform === 'win32'
      ? [path.join(pkgDir, 'bin', 'node.exe'), path.join(pkgDir, 'node.exe')]
      : [path.join(pkgDir, 'bin', 'node')];
  return candidates.find((p) => fs.existsSync(p));
}

/**
 * Node 24 from the npm registry (the user's configured one), installed once into the cache with
 * npm itself; returns the binary and the package directory (its headers build native addons).
 */
export function fetchNode() {
  const prefix = path.join(cacheDir(), `node-${NODE_MAJOR}`);
  const name = nodePackageName();
  const pkgDir = path.join(prefix, 'node_modules', name);
  let binary = binaryIn(pkgDir);
  if (!binary) {
    fs.mkdirSync(prefix, { recursive: true });
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const res = spawnSync(
      npm,
      [
        'install',
        '--prefix',
        prefix,
        '--no-save',
        '--no-package-lock',
        '--ignore-scripts',
        '--no-audit',
        '--no-fund',
        '--loglevel=error',
        `${name}@${NODE_MAJOR}`,
      ],
      { stdio: ['ignore', 'ignore', 'inherit'], shell: process.platform === 'win32' },
    );
    binary = binaryIn(pkgDir);
    if (res.status !== 0 || !binary) {
      console.error(
        `Could not fetch Node ${NODE_MAJOR} (${name}) from the npm registry. Install Node >= ${MIN_NODE.join('.')} and run this again.`,
      );
      process.exit(1);
    }
  }
  return { binary, pkgDir };
}

/**
 * Under an older Node: fetch Node 24 (cached), say so in one line, and run this same script again
 * with it, its directory first on PATH so every child process (pnpm, vite, the server) uses it too.
 * Returns only when the current Node is recent enough.
 */
export function ensureNode() {
  if (nodeIsRecentEnough()) return;
  const { binary, pkgDir } = fetchNode();
  const version = spawnSync(binary, ['--version'], { encoding: 'utf8' }).stdout.trim();
  console.log(
    `Node ${process.version} is older than Charla needs (${MIN_NODE.join('.')}): running with Node ${version} from the npm registry, cached in ${path.dirname(path.dirname(pkgDir))}.`,
  );
  const env = {
    ...process.env,
    PATH: `${path.dirname(binary)}${path.delimiter}${process.env.PATH ?? ''}`,
    // node-gyp builds native addons (better-sqlite3, keytar) against this Node's own headers.
    npm_config_nodedir: pkgDir,
  };
  // Ctrl+C reaches the child too (same process group): let it stop in its own time, then follow.
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => {});
  const res = spawnSync(binary, [process.argv[1], ...process.argv.slice(2)], { stdio: 'inherit', env });
  process.exit(res.status ?? 1);
}
