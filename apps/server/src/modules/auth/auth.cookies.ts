import { API_PREFIX, CSRF_HEADER } from '@charla/shared-types';
import type { Request, Response } from 'express';
import { AppError } from '../../http/errors.ts';

export const REFRESH_COOKIE = 'charla_rt';
/** Only the auth routes ever receive the refresh cookie. */
export const REFRESH_COOKIE_PATH = `${API_PREFIX}/auth`;

export function setRefreshCookie(res: Response, token: string, expires: Date, secure: boolean): void {
  res.cookie(REFRESH_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure, path: REFRESH_COOKIE_PATH, expires });
}

export function clearRefreshCookie(res: Response, secure: boolean): void {
  res.clearCookie(REFRESH_COOKIE, { httpOnly: true, sameSite: 'strict', secure, path: REFRESH_COOKIE_PATH });
}

export function refreshCookie(req: Request): string | undefined {
  const cookies = req.cookies as Record<string, unknown> | undefined;
  const value = cookies?.[REFRESH_COOKIE];
  return typeof value === 'string' && value.length >= 20 && value.length <= 200 ? value : undefined;
}

/**
 * CSRF defence for cookie-authenticated calls, on top of SameSite=Strict: a custom header (which a
 * cross-site form cannot send and cross-site fetch cannot send without passing CORS) and, when the
 * browser says where the request comes from, an allowed Origin.
 */
export function assertCsrfSafe(req: Request, allowedOrigins: ReadonlySet<string>): void {
  const origin = req.get('origin');
  if (origin && !allowedOrigins.has(origin)) throw new AppError(403, 'forbidden', 'Cross-site request refused');
  if (!req.get(CSRF_HEADER)) throw new AppError(403, 'forbidden', `Missing ${CSRF_HEADER} header`);
}
