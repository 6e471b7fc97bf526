/** `window.desktop` for the renderer. Absent in the web client; only src/platform/electron.ts reads it. */
import type { DesktopBridge } from './desktop-bridge.ts';

declare global {
  interface Window {
    desktop?: DesktopBridge;
  }
}
