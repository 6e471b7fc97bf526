// @vitest-environment node
import { describe, expect, it, vi } from 'vitest';
import { feedUrlProblem, setupUpdater, type UpdaterLike } from './updater.ts';

function fakeUpdater() {
  const listeners: Record<string, (arg: never) => void> = {};
  const updater = {
    autoDownload: false,
    autoInstallOnAppQuit: false,
    setFeedURL: vi.fn(),
    checkForUpdates: vi.fn(async () => null),
    quitAndInstall: vi.fn(),
    on: vi.fn((event: string, l: (arg: never) => void) => {
      listeners[event] = l;
    }),
  };
  return { updater: updater as typeof updater & UpdaterLike, listeners };
}

describe('updater', () => {
  it('is off in development and never loads electron-updater', () => {
    const load = vi.fn();
    const c = setupUpdater({
      isDev: true,
      feedUrl: 'https://updates.example.com',
      loadUpdater: load,
      onReady: vi.fn(),
    });
    expect(c.enabled).toBe(false);
    expect(load).not.toHaveBeenCalled();
  });

  it.each([
    [undefined, /no update URL/],
    ['ftp://updates.example.com', /not a valid/],
    ['http://updates.example.com', /https/],
    ['javascript:alert(1)', /not a valid/],
  ])('is off for feed URL %s', (url, reason) => {
    expect(feedUrlProblem(url)).toMatch(reason);
    expect(setupUpdater({ isDev: false, feedUrl: url, loadUpdater: vi.fn(), onReady: vi.fn() }).enabled).toBe(false);
  });

  it('uses the generic provider, announces a downloaded update and installs only then', () => {
    const { updater, listeners } = fakeUpdater();
    const onReady = vi.fn();
    const c = setupUpdater({
      isDev: false,
      feedUrl: 'https://updates.example.com/charla',
      loadUpdater: () => updater,
      onReady,
      setInterval: vi.fn(),
    });
    expect(c.enabled).toBe(true);
    expect(updater.setFeedURL).toHaveBeenCalledWith({ provider: 'generic', url: 'https://updates.example.com/charla' });
    expect(updater.checkForUpdates).toHaveBeenCalledTimes(1);
    expect(c.install()).toBe(false);
    expect(updater.quitAndInstall).not.toHaveBeenCalled();
    (listeners['update-downloaded'] as (i: { version: string }) => void)({ version: '1.2.3' });
    expect(onReady).toHaveBeenCalledWith('1.2.3');
    expect(c.install()).toBe(true);
    expect(updater.quitAndInstall).toHaveBeenCalledWith(false, true);
  });
});
