/**
 * "Start Charla at login", hidden in the tray. macOS and Windows have a login item API (Electron's
 * setLoginItemSettings); Linux desktops read XDG autostart entries (~/.config/autostart/*.desktop).
 * Plain functions over injected host APIs, so the rules are tested without Electron.
 */
import path from 'node:path';

/** Passed by the login item, so a start at login opens only the tray, not the window. */
export const HIDDEN_ARG = '--hidden';

export type LoginItemHost = {
  platform: NodeJS.Platform;
  execPath: string;
  /** Electron's app.setLoginItemSettings (macOS, Windows). */
  setLoginItemSettings(settings: { openAtLogin: boolean; openAsHidden?: boolean; args?: string[] }): void;
  /** $XDG_CONFIG_HOME, or ~/.config (Linux). */
  configDir: string;
  writeFile(file: string, text: string): void;
  removeFile(file: string): void;
};

const AUTOSTART_FILE = 'charla.desktop';

/** The XDG autostart entry that starts Charla hidden at login. */
export function linuxAutostartEntry(execPath: string): string {
  // Desktop Entry Exec quoting: arguments with spaces in double quotes, with ", `, $ and \ escaped.
  const quoted = /[\s"`$\\]/.test(execPath) ? `"${execPath.replace(/(["`$\\])/g, '\\$1')}"` : execPath;
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Charla',
    `Exec=${quoted} ${HIDDEN_ARG}`,
    'X-GNOME-Autostart-enabled=true',
    'NoDisplay=true',
    '',
  ].join('\n');
}

/** Turns start-at-login on or off on this OS. */
export function applyLoginItem(launchAtLogin: boolean, host: LoginItemHost): void {
  if (host.platform === 'linux') {
    const file = path.join(host.configDir, 'autostart', AUTOSTART_FILE);
    if (launchAtLogin) host.writeFile(file, linuxAutostartEntry(host.execPath));
    else host.removeFile(file);
    return;
  }
  host.setLoginItemSettings(
    host.platform === 'darwin'
      ? { openAtLogin: launchAtLogin, openAsHidden: true }
      : { openAtLogin: launchAtLogin, args: [HIDDEN_ARG] },
  );
}

/**
 * Whether this start came from the login item: then the window stays in the tray until asked for.
 * Only with a tray, or the user would have no way to open it.
 */
export function startsHidden(input: {
  argv: readonly string[];
  platform: NodeJS.Platform;
  /** macOS: the login item opened the app (app.getLoginItemSettings().wasOpenedAtLogin). */
  wasOpenedAsHidden: boolean;
  hasTray: boolean;
}): boolean {
  if (!input.hasTray) return false;
  return input.argv.includes(HIDDEN_ARG) || (input.platform === 'darwin' && input.wasOpenedAsHidden);
}
