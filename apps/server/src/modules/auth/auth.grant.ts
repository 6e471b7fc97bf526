import type { AuthResult } from '@charla/shared-types';
import type { Request, Response } from 'express';
import type { AppContext } from '../../app-context.ts';
import { sendData } from '../../http/envelope.ts';
import { setRefreshCookie } from './auth.cookies.ts';
import { rememberDevice } from './auth.known-device.ts';
import type { RequestMeta, SessionGrant } from './auth.service.ts';

/* How a sign-in is answered, shared by the password routes and the OIDC ones. */

export const requestMeta = (req: Request): RequestMeta => ({
  ip: req.ip ?? null,
  userAgent: req.get('user-agent') ?? null,
});

export function isSecureCookie(ctx: Pick<AppContext, 'config'>): boolean {
  return Boolean(ctx.config.tls) || ctx.config.publicUrl.startsWith('https:');
}

/**
 * Answers a sign-in: web clients get the refresh token as an httpOnly cookie, the desktop app in the
 * body.
 */
export function sendGrant(
  res: Response,
  ctx: Pick<AppContext, 'config'>,
  grant: SessionGrant,
  viaCookie: boolean,
  status = 200,
  /** A sign-in (not a refresh): a browser also gets its known-device cookie updated. */
  signIn?: Request,
): void {
  const data: AuthResult = {
    user: grant.user,
    accessToken: grant.accessToken,
    accessTokenExpiresAt: grant.accessTokenExpiresAt,
    sessionId: grant.sessionId,
  };
  if (viaCookie) {
    setRefreshCookie(res, grant.refreshToken, grant.refreshTokenExpiresAt, isSecureCookie(ctx));
    if (signIn) rememberDevice(signIn, res, grant.deviceToken, isSecureCookie(ctx));
  } else {
    data.refreshToken = grant.refreshToken;
    data.deviceToken = grant.deviceToken;
  }
  sendData(res, data, status);
}
