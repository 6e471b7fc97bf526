/*
 * The web client's first move, in its own tiny module script that runs before the app's bundle is
 * evaluated: it starts the session refresh and, once that answers, the first page of the chat list, so
 * the network works while the browser is still loading the app (navigation start to rows on screen was
 * bundle, then refresh, then list, one after the other). The app takes each answer once
 * (platform/early.ts) and validates it with its own schemas, as if it had fetched it itself.
 * Imports nothing, so it stays one small file; the desktop app (window.desktop) skips it: its main
 * process holds the session.
 */

/** Same values as paths.auth.refresh, the list query in api/queries.ts and CSRF_HEADER (a unit test checks). */
export const EARLY_REFRESH_URL = '/api/v1/auth/refresh';
export const EARLY_LIST_URL = '/api/v1/conversations?limit=100';
export const EARLY_CSRF_HEADER = 'x-charla-csrf';

type EarlyWindow = Window & {
  desktop?: unknown;
  __charlaEarly?: { at: number; refresh: Promise<Response | null>; list: Promise<Response | null> };
};

export function startEarly(w: EarlyWindow, fetchFn: typeof fetch): void {
  if (w.desktop || w.__charlaEarly) return;
  const refresh = fetchFn(EARLY_REFRESH_URL, {
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/json', [EARLY_CSRF_HEADER]: '1' },
    body: JSON.stringify({ client: 'web' }),
    credentials: 'include',
  }).catch(() => null);
  const list = refresh.then(async (res) => {
    if (!res?.ok) return null;
    const body: unknown = await res
      .clone()
      .json()
      .catch(() => null);
    const token = (body as { data?: { accessToken?: unknown } } | null)?.data?.accessToken;
    if (typeof token !== 'string') return null;
    return fetchFn(EARLY_LIST_URL, {
      headers: { accept: 'application/json', authorization: `Bearer ${token}` },
      credentials: 'include',
    }).catch(() => null);
  });
  w.__charlaEarly = { at: Date.now(), refresh, list };
}

/**
 * The first Intl.DateTimeFormat of a page costs 30-100 ms here (the engine loads its date data); the
 * chat list's times need one. While the app's scripts are still arriving the main thread is idle, so
 * pay it now rather than between the list's answer and its first paint. Same locale as ui/i18n.tsx.
 */
export function warmDateFormatting(language: string): void {
  try {
    new Intl.DateTimeFormat(language.slice(0, 2) === 'es' ? 'es' : 'en', { hour: 'numeric', minute: '2-digit' }).format(
      0,
    );
  } catch {
    // A browser without Intl formats nothing here either; the app reports what it must.
  }
}

if (typeof window !== 'undefined' && typeof fetch === 'function' && !(window as EarlyWindow).desktop) {
  startEarly(window, fetch.bind(window));
  warmDateFormatting(navigator.language ?? 'en');
}
