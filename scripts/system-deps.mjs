// The system packages `npm test` needs besides Node: a browser for the UI tests, redis-server for the
// multi-node tests, a Secret Service for the keychain tests, and a compiler for the native addons
// (better-sqlite3, keytar) when no prebuilt binary fits. Installed where we can (Debian/Ubuntu as root
// or with passwordless sudo); otherwise the one command to run is printed and the tests that need the
// missing pieces are skipped with that reason.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const has = (cmd) =>
  (process.env.PATH ?? '')
    .split(path.delimiter)
    .some((dir) => dir && fs.existsSync(path.join(dir, process.platform === 'win32' ? `${cmd}.exe` : cmd)));

/** The browser the Playwright suite drives (apps/desktop/playwright.config.ts uses the same default). */
export function chromiumPath() {
  if (process.env.CHARLA_CHROMIUM_PATH) return process.env.CHARLA_CHROMIUM_PATH;
  return process.platform === 'linux' ? '/usr/bin/chromium' : undefined;
}

/** Debian package -> whether what it provides is here. Everything .ci/run used to install. */
export function needs() {
  const chromium = chromiumPath();
  return [
    { pkg: 'chromium', present: !chromium || fs.existsSync(chromium), what: 'browser tests' },
    { pkg: 'redis-server', present: has('redis-server'), what: 'multi-node and Redis tests' },
    { pkg: 'gnome-keyring', present: has('gnome-keyring-daemon'), what: 'keychain tests' },
    { pkg: 'dbus-x11', present: has('dbus-run-session'), what: 'keychain tests' },
    {
      pkg: 'libsecret-1-dev',
      present: fs.existsSync('/usr/include/libsecret-1/libsecret/secret.h'),
      what: 'building keytar',
    },
    { pkg: 'g++', present: has('g++'), what: 'building native addons' },
    { pkg: 'make', present: has('make'), what: 'building native addons' },
    { pkg: 'python3', present: has('python3'), what: 'building native addons' },
  ];
}

function canSudo() {
  if (typeof process.getuid === 'function' && process.getuid() === 0) return 'root';
  if (!has('sudo')) return null;
  return spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0 ? 'sudo' : null;
}

export function installCommand(pkgs) {
  if (process.platform === 'darwin') return `brew install ${pkgs.includes('redis-server') ? 'redis' : ''}`.trim();
  return `sudo apt-get install -y --no-install-recommends ${pkgs.join(' ')}`;
}

/**
 * Installs what is missing where it can. Returns the packages still missing and the command that
 * would install them (for the skip reasons and the summary).
 */
export function ensureSystemPackages() {
  if (process.platform !== 'linux') return { missing: [], command: '' };
  let missing = needs().filter((n) => !n.present);
  if (missing.length === 0) return { missing: [], command: '' };
  const pkgs = missing.map((n) => n.pkg);
  const who = has('apt-get') ? canSudo() : null;
  if (who) {
    console.log(`Installing the system packages the tests need: ${pkgs.join(' ')}`);
    const sudo = who === 'root' ? [] : ['sudo', '-n'];
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const apt = (args) => {
      const [cmd, ...rest] = [...sudo, 'apt-get', ...args];
      return spawnSync(cmd, rest, { stdio: ['ignore', 'ignore', 'inherit'], env }).status === 0;
    };
    if (!(apt(['update', '-qq']) && apt(['install', '-y', '-qq', '--no-install-recommends', ...pkgs])))
      console.log('Installing system packages failed; the tests that need them are skipped.');
    missing = needs().filter((n) => !n.present);
  }
  const left = missing.map((n) => n.pkg);
  const command = left.length ? installCommand(left) : '';
  if (left.length) {
    console.log(
      `Missing system packages (${missing.map((n) => `${n.pkg}: ${n.what}`).join(', ')}). Install them with:\n  ${command}\nUntil then the tests that need them are skipped.`,
    );
  }
  return { missing: left, command };
}
