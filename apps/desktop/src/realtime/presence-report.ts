/**
 * When this device counts as away: the page is hidden, or nobody touched it for a while. The server
 * then treats the user as not looking (presence shows "away", and messages reach them as Web Push
 * and in the email digest instead of only on this screen).
 */
export const AWAY_AFTER_MS = 5 * 60_000;

export type DeviceStatus = 'online' | 'away';

type Host = {
  doc: Pick<Document, 'visibilityState' | 'addEventListener' | 'removeEventListener'>;
  win: Pick<Window, 'addEventListener' | 'removeEventListener'>;
  now: () => number;
};

const INPUT = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart', 'focus'] as const;

/**
 * Calls `onChange` with each change of this device's status, and once at the start when it begins
 * away (a tab opened in the background). Input is only timestamped; one timer checks idleness.
 */
export function watchAway(
  onChange: (status: DeviceStatus) => void,
  idleMs = AWAY_AFTER_MS,
  host: Host = { doc: document, win: window, now: () => Date.now() },
): { status(): DeviceStatus; stop(): void } {
  let lastInput = host.now();
  let status: DeviceStatus = host.doc.visibilityState === 'hidden' ? 'away' : 'online';
  let timer: ReturnType<typeof setTimeout> | undefined;

  const set = (next: DeviceStatus) => {
    if (next === status) return;
    status = next;
    onChange(next);
  };
  const arm = () => {
    clearTimeout(timer);
    if (status === 'away') return;
    timer = setTimeout(check, Math.max(0, lastInput + idleMs - host.now()));
  };
  function check() {
    if (host.now() - lastInput >= idleMs) set('away');
    arm();
  }
  const onInput = () => {
    lastInput = host.now();
    if (status === 'away' && host.doc.visibilityState !== 'hidden') {
      set('online');
      arm();
    }
  };
  const onVisibility = () => {
    if (host.doc.visibilityState === 'hidden') {
      set('away');
      clearTimeout(timer);
    } else {
      lastInput = host.now();
      set('online');
      arm();
    }
  };

  for (const e of INPUT) host.win.addEventListener(e, onInput, { passive: true, capture: true });
  host.doc.addEventListener('visibilitychange', onVisibility);
  if (status === 'away') onChange('away');
  arm();
  return {
    status: () => status,
    stop() {
      clearTimeout(timer);
      for (const e of INPUT) host.win.removeEventListener(e, onInput, { capture: true });
      host.doc.removeEventListener('visibilitychange', onVisibility);
    },
  };
}

/**
 * This device's presence as reported to the server: away when the page is (watchAway) or the
 * computer is (desktop: idle or locked). Sends only changes; a fresh socket starts online.
 */
export function reportPresence(
  send: (status: DeviceStatus) => void,
  onSystemAway?: (handler: (away: boolean) => void) => () => void,
  watch: (onChange: (status: DeviceStatus) => void) => { status(): DeviceStatus; stop(): void } = watchAway,
): () => void {
  let page: DeviceStatus = 'online';
  let system = false;
  let last: DeviceStatus = 'online';
  const report = () => {
    const next: DeviceStatus = page === 'away' || system ? 'away' : 'online';
    if (next === last) return;
    last = next;
    send(next);
  };
  const pageWatch = watch((s) => {
    page = s;
    report();
  });
  const offSystem = onSystemAway?.((away) => {
    system = away;
    report();
  });
  return () => {
    pageWatch.stop();
    offSystem?.();
  };
}
