import type { Device } from '@charla/shared-types';
import type { SessionRecord } from '../../storage/ports.ts';

/** A readable default device name ("Firefox on Linux") when the client sends none. */
export function deviceFromUserAgent(userAgent: string | null, fallbackPlatform: SessionRecord['platform']): Device {
  const ua = userAgent ?? '';
  const browser = /Electron\//.test(ua)
    ? 'Charla desktop'
    : /Edg\//.test(ua)
      ? 'Edge'
      : /Firefox\//.test(ua)
        ? 'Firefox'
        : /Chrom(e|ium)\//.test(ua)
          ? 'Chrome'
          : /Safari\//.test(ua)
            ? 'Safari'
            : /^curl\//.test(ua)
              ? 'curl'
              : undefined;
  const os = /Windows/.test(ua)
    ? 'windows'
    : /Mac OS X|Macintosh/.test(ua)
      ? 'macos'
      : /Linux|X11/.test(ua)
        ? 'linux'
        : undefined;
  const osName = { windows: 'Windows', macos: 'macOS', linux: 'Linux' };
  const name = [browser, os ? `on ${osName[os]}` : undefined].filter(Boolean).join(' ') || 'Unknown device';
  const platform = fallbackPlatform === 'web' ? 'web' : (os ?? fallbackPlatform);
  return { name: name.slice(0, 100), platform };
}
