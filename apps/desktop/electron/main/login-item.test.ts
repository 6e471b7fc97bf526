import { describe, expect, it } from 'vitest';
import { applyLoginItem, HIDDEN_ARG, type LoginItemHost, linuxAutostartEntry, startsHidden } from './login-item.ts';

function fakeHost(platform: NodeJS.Platform, execPath = '/opt/Charla/charla') {
  const files = new Map<string, string>();
  const loginItems: unknown[] = [];
  const host: LoginItemHost = {
    platform,
    execPath,
    configDir: '/home/ana/.config',
    setLoginItemSettings: (s) => loginItems.push(s),
    writeFile: (f, t) => files.set(f, t),
    removeFile: (f) => files.delete(f),
  };
  return { host, files, loginItems };
}

describe('start at login', () => {
  it('macOS and Windows use the login item, asking for a hidden start', () => {
    const mac = fakeHost('darwin');
    applyLoginItem(true, mac.host);
    applyLoginItem(false, mac.host);
    expect(mac.loginItems).toEqual([
      { openAtLogin: true, openAsHidden: true },
      { openAtLogin: false, openAsHidden: true },
    ]);
    const win = fakeHost('win32');
    applyLoginItem(true, win.host);
    expect(win.loginItems).toEqual([{ openAtLogin: true, args: [HIDDEN_ARG] }]);
    expect(win.files.size).toBe(0);
  });

  it('Linux writes and removes an XDG autostart entry that starts hidden', () => {
    const linux = fakeHost('linux');
    applyLoginItem(true, linux.host);
    const entry = linux.files.get('/home/ana/.config/autostart/charla.desktop');
    expect(entry).toContain('[Desktop Entry]');
    expect(entry).toContain(`Exec=/opt/Charla/charla ${HIDDEN_ARG}`);
    expect(linux.loginItems).toEqual([]);
    applyLoginItem(false, linux.host);
    expect(linux.files.size).toBe(0);
  });

  it('quotes an executable path with spaces or shell characters in the entry', () => {
    expect(linuxAutostartEntry('/home/ana/My Apps/Charla "beta"/charla')).toContain(
      'Exec="/home/ana/My Apps/Charla \\"beta\\"/charla" --hidden',
    );
    expect(linuxAutostartEntry('/opt/$HOME/charla')).toContain('Exec="/opt/\\$HOME/charla" --hidden');
  });

  it('a start from the login item stays in the tray; a normal start, or no tray, shows the window', () => {
    const base = { platform: 'win32' as const, wasOpenedAsHidden: false, hasTray: true };
    expect(startsHidden({ ...base, argv: ['charla.exe', HIDDEN_ARG] })).toBe(true);
    expect(startsHidden({ ...base, argv: ['charla.exe'] })).toBe(false);
    expect(startsHidden({ ...base, argv: ['charla.exe', HIDDEN_ARG], hasTray: false })).toBe(false);
    expect(startsHidden({ ...base, platform: 'darwin', argv: ['Charla'], wasOpenedAsHidden: true })).toBe(true);
    expect(startsHidden({ ...base, platform: 'linux', argv: ['charla'], wasOpenedAsHidden: true })).toBe(false);
  });
});
