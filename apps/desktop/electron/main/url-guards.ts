/**
 * URL checks shared by navigation guards, openExternal and the server-URL setting.
 * Everything here is pure: parse with WHATWG URL, then allow-list.
 */

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
const MAX_URL_LENGTH = 2048;

function parse(raw: unknown): URL | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_URL_LENGTH) return null;
  // Control characters and whitespace have no business in a link we hand to the OS.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (/[\u0000-\u0020\u007f-\u009f]/.test(raw)) return null;
  try {
    return new URL(raw);
  } catch {
    return null;
  }
}

/** A link the user may open in the system browser: http(s) only, no embedded credentials. */
export function validateExternalUrl(raw: unknown): string | null {
  const url = parse(raw);
  if (!url) return null;
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (url.username || url.password) return null;
  if (!url.hostname) return null;
  return url.href;
}

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname.toLowerCase());
}

export type ServerUrlCheck = { ok: true; origin: string } | { ok: false; reason: string };

/**
 * The Charla server the app talks to. https anywhere; plain http only to this machine, because
 * the refresh token and every message would otherwise cross the network in clear text.
 */
export function checkServerUrl(raw: unknown): ServerUrlCheck {
  const url = parse(typeof raw === 'string' ? raw.trim() : raw);
  if (!url) return { ok: false, reason: 'Not a valid URL' };
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, reason: 'Use an https:// address' };
  if (url.username || url.password)
    return { ok: false, reason: 'The address must not contain a user name or password' };
  if (url.search || url.hash) return { ok: false, reason: 'The address must not contain a query or fragment' };
  if (url.pathname !== '/' && url.pathname !== '')
    return { ok: false, reason: 'Give the server address without a path' };
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname))
    return { ok: false, reason: 'Plain http is only allowed to localhost; use https://' };
  return { ok: true, origin: url.origin };
}

/** The ws(s) origin Socket.IO uses for a given http(s) server origin. */
export function websocketOrigin(httpOrigin: string): string {
  return httpOrigin.replace(/^http/, 'ws');
}

/** Origin of a URL, or null when it has none (about:blank, data:, garbage). */
export function originOf(raw: string): string | null {
  const url = parse(raw);
  if (!url) return null;
  // Custom standard schemes (app://charla) report origin "null" in Node; rebuild it.
  if (url.origin === 'null') return url.host ? `${url.protocol}//${url.host}` : null;
  return url.origin;
}
