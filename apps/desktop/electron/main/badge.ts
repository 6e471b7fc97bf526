/**
 * The unread count on each OS: the macOS dock badge (app.setBadgeCount), the Windows taskbar overlay
 * icon, and on Linux the tray image with the count drawn in. Repeated counts are not redrawn.
 */
import { badgeLabel, renderOverlayIcon, renderTrayIcon } from './tray-icon.ts';

export type BadgeDeps<Image> = {
  platform: NodeJS.Platform;
  setBadgeCount: (count: number) => unknown;
  /** The main window's setOverlayIcon, or null when there is no window. */
  overlay: () => { setOverlayIcon(image: Image | null, description: string): void } | null;
  /** The tray, or null when there is none. */
  tray: () => { setImage(image: Image): void; setToolTip(text: string): void } | null;
  imageFromPng: (png: Buffer) => Image;
};

export type Badge = { set(count: number): void; count(): number; refresh(): void };

export function normalizeCount(count: number): number {
  if (!Number.isFinite(count) || count < 0) return 0;
  return Math.min(Math.floor(count), 1_000_000);
}

export function createBadge<Image>(deps: BadgeDeps<Image>): Badge {
  let current = 0;
  let applied: number | null = null;
  const apply = (): void => {
    const label = badgeLabel(current);
    const tray = deps.tray();
    tray?.setToolTip(label ? `Charla — ${current} unread` : 'Charla');
    if (deps.platform === 'darwin') {
      deps.setBadgeCount(current);
    } else if (deps.platform === 'win32') {
      const png = renderOverlayIcon(current);
      deps.overlay()?.setOverlayIcon(png ? deps.imageFromPng(png) : null, label ? `${current} unread` : '');
    } else {
      // Linux: most desktops ignore setBadgeCount (it needs Unity's launcher API), so draw the count.
      tray?.setImage(deps.imageFromPng(renderTrayIcon(current)));
      deps.setBadgeCount(current);
    }
    applied = current;
  };
  return {
    set(count) {
      current = normalizeCount(count);
      if (applied !== current) apply();
    },
    count: () => current,
    /** Re-applies after the tray or window was recreated. */
    refresh: apply,
  };
}
