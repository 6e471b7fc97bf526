/**
 * Auto-update through electron-updater against a generic provider (a static file server holding
 * latest*.yml). Off in development and when no URL is configured; when an update has downloaded the
 * renderer is told so it can offer "update ready, restart".
 */
import { validateExternalUrl } from './url-guards.ts';

export type UpdaterLike = {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  setFeedURL(options: { provider: 'generic'; url: string }): void;
  checkForUpdates(): Promise<unknown>;
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void;
  on(event: 'update-downloaded', listener: (info: { version: string }) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
};

export type UpdaterController = { enabled: boolean; reason?: string; install(): boolean };

export function feedUrlProblem(url: string | undefined): string | null {
  if (!url) return 'no update URL configured (CHARLA_UPDATE_URL)';
  const valid = validateExternalUrl(url);
  if (!valid) return 'update URL is not a valid http(s) URL';
  // Updates carry code: https only, except a local test server.
  const parsed = new URL(valid);
  if (parsed.protocol !== 'https:' && !['localhost', '127.0.0.1', '[::1]'].includes(parsed.hostname))
    return 'update URL must use https';
  return null;
}

export function setupUpdater(options: {
  isDev: boolean;
  feedUrl: string | undefined;
  loadUpdater: () => UpdaterLike;
  onReady: (version: string) => void;
  log?: (message: string) => void;
  /** Hours between checks (a long-running messenger stays open for days). */
  intervalHours?: number;
  setInterval?: (fn: () => void, ms: number) => unknown;
}): UpdaterController {
  const log = options.log ?? (() => undefined);
  if (options.isDev) return { enabled: false, reason: 'development build', install: () => false };
  const problem = feedUrlProblem(options.feedUrl);
  if (problem) {
    log(`updater: off (${problem})`);
    return { enabled: false, reason: problem, install: () => false };
  }
  const updater = options.loadUpdater();
  updater.autoDownload = true;
  updater.autoInstallOnAppQuit = true;
  updater.setFeedURL({ provider: 'generic', url: options.feedUrl as string });
  let readyVersion: string | null = null;
  updater.on('update-downloaded', (info) => {
    readyVersion = info.version;
    options.onReady(info.version);
  });
  updater.on('error', (error) => log(`updater: ${error.message}`));
  const check = (): void => {
    updater.checkForUpdates().catch((error: unknown) => log(`updater: check failed (${String(error)})`));
  };
  check();
  (options.setInterval ?? setInterval)(check, (options.intervalHours ?? 6) * 3_600_000);
  return {
    enabled: true,
    install() {
      if (!readyVersion) return false;
      updater.quitAndInstall(false, true);
      return true;
    },
  };
}
