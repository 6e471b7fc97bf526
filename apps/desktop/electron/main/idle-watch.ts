/**
 * The computer's own idea of "away": the screen is locked, or nobody touched the keyboard or mouse
 * (in any app) for a while. The renderer combines it with its own (window hidden, no input in
 * Charla) and reports presence, so messages reach the user by notification instead of the screen.
 * Electron's powerMonitor is passed in, so this is tested with fakes.
 */
export const SYSTEM_AWAY_AFTER_SECONDS = 5 * 60;

export type IdleHost = {
  /** powerMonitor.getSystemIdleTime(). */
  idleSeconds(): number;
  /** powerMonitor 'lock-screen' / 'unlock-screen' (plus suspend/resume, which lock too). */
  onLock(listener: () => void): () => void;
  onUnlock(listener: () => void): () => void;
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
};

export function watchSystemIdle(
  host: IdleHost,
  onChange: (away: boolean) => void,
  options: { awayAfterSeconds?: number; pollMs?: number } = {},
): { away(): boolean; stop(): void } {
  const limit = options.awayAfterSeconds ?? SYSTEM_AWAY_AFTER_SECONDS;
  let locked = false;
  let away = false;
  const update = () => {
    const next = locked || host.idleSeconds() >= limit;
    if (next === away) return;
    away = next;
    onChange(next);
  };
  const offLock = host.onLock(() => {
    locked = true;
    update();
  });
  const offUnlock = host.onUnlock(() => {
    locked = false;
    update();
  });
  const timer = host.setInterval(update, options.pollMs ?? 15_000);
  return {
    away: () => away,
    stop() {
      host.clearInterval(timer);
      offLock();
      offUnlock();
    },
  };
}
