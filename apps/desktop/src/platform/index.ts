import type { Platform } from './platform.ts';
import { createWebPlatform } from './web.ts';

type ElectronModule = { createElectronPlatform: () => Platform | Promise<Platform> };

/**
 * The one place that decides the host. The Electron implementation is loaded lazily and only when
 * the preload exposed `window.desktop`, so the web bundle never runs it. (A glob import keeps the web
 * build working while platform/electron.ts does not exist yet.)
 */
export async function loadPlatform(): Promise<Platform> {
  const hasBridge = Boolean((window as { desktop?: unknown }).desktop);
  const electron = import.meta.glob<ElectronModule>('./electron.ts')['./electron.ts'];
  if (hasBridge && electron) {
    const mod = await electron();
    return mod.createElectronPlatform();
  }
  return createWebPlatform();
}
