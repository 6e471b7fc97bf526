/**
 * Answers the early-start script (src/early-start.ts) fetched before the app ran: each is taken at most
 * once, and only while fresh; null means "fetch it yourself".
 */
type Early = { at: number; refresh?: Promise<Response | null>; list?: Promise<Response | null> };

const FRESH_MS = 15_000;

export function takeEarly(kind: 'refresh' | 'list', now = Date.now()): Promise<Response | null> | null {
  const early = (window as Window & { __charlaEarly?: Early }).__charlaEarly;
  const answer = early?.[kind];
  if (!early || !answer) return null;
  delete early[kind];
  return now - early.at <= FRESH_MS ? answer : null;
}

/** Sign-in, sign-up or sign-out: what was fetched early belongs to the session before it. */
export function forgetEarly(): void {
  delete (window as Window & { __charlaEarly?: Early }).__charlaEarly;
}
