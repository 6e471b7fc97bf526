// The keychain tests talk to a real Secret Service. A desktop session has one; a headless machine
// (CI, a server, a container) gets a private D-Bus session with an unlocked gnome-keyring for the run.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const has = (cmd) =>
  (process.env.PATH ?? '').split(path.delimiter).some((dir) => dir && fs.existsSync(path.join(dir, cmd)));

/**
 * Without a session bus, runs this same script again inside `dbus-run-session` (and does not
 * return); inside it, starts an unlocked keyring whose files live in a throw-away directory.
 */
export function ensureKeyringSession() {
  if (process.platform !== 'linux') return;
  if (process.env.CHARLA_KEYRING_SESSION === '1') {
    const res = spawnSync('gnome-keyring-daemon', ['--unlock', '--components=secrets'], {
      input: 'charla-test-keyring',
      encoding: 'utf8',
    });
    for (const line of (res.stdout ?? '').split('\n')) {
      const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
      if (m) process.env[m[1]] = m[2];
    }
    return;
  }
  if (process.env.DBUS_SESSION_BUS_ADDRESS || !has('dbus-run-session') || !has('gnome-keyring-daemon')) return;
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'charla-keyring-'));
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => {});
  const res = spawnSync('dbus-run-session', ['--', process.execPath, process.argv[1], ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, CHARLA_KEYRING_SESSION: '1', XDG_DATA_HOME: data },
  });
  fs.rmSync(data, { recursive: true, force: true });
  process.exit(res.status ?? 1);
}
