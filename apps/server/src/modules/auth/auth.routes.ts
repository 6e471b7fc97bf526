import {
  type AuthResult,
  changePasswordRequestSchema,
  completeRegistrationRequestSchema,
  emailRequestSchema,
  loginRequestSchema,
  paths,
  refreshRequestSchema,
  registerRequestSchema,
  resetPasswordRequestSchema,
  tokenRequestSchema,
} from '@charla/shared-types';
import cookieParser from 'cookie-parser';
import { type Request, type RequestHandler, type Response, Router } from 'express';
import type { AppContext } from '../../app-context.ts';
import { sendData, sendEmpty } from '../../http/envelope.ts';
import { unauthenticated } from '../../http/errors.ts';
import { parseInput } from '../../http/validate.ts';
import { authProvidersFromConfig } from '../oidc/oidc.registry.ts';
import { assertCsrfSafe, clearRefreshCookie, refreshCookie, setRefreshCookie } from './auth.cookies.ts';
import { knownDeviceCookie, rememberDevice } from './auth.known-device.ts';
import { authOf, bearerToken } from './auth.middleware.ts';
import type { AuthService, RequestMeta, SessionGrant } from './auth.service.ts';

export type AuthRouteLimits = {
  /** Per-IP limit on every auth route. */
  perIp: RequestHandler;
  /** Tighter per-IP limit on routes that mail or hash (register, forgot, resend, reset). */
  sensitive: RequestHandler;
  /** Per-account limits on resending the verification mail (after requireAuth). */
  resendPerAccount: RequestHandler[];
};

export const requestMeta = (req: Request): RequestMeta => ({
  ip: req.ip ?? null,
  userAgent: req.get('user-agent') ?? null,
});

export function isSecureCookie(ctx: Pick<AppContext, 'config'>): boolean {
  return Boolean(ctx.config.tls) || ctx.config.publicUrl.startsWith('https:');
}

/**
 * Answers a sign-in: web clients get the refresh token as an httpOnly cookie, the desktop app in the
 * body. Exported for the OIDC routes.
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

export function authRoutes(ctx: AppContext, service: AuthService, limits: AuthRouteLimits): Router {
  const { requireAuth, allowedOrigins } = ctx;
  const secure = isSecureCookie(ctx);
  const router = Router();
  const p = paths.auth;
  router.use('/auth', limits.perIp, cookieParser());

  // The same 202 for a new and an already registered address: no session until the emailed code.
  router.post(p.register, limits.sensitive, async (req, res) => {
    const body = parseInput(registerRequestSchema, req.body);
    sendData(res, await service.register(body), 202, 'Check your email for a code to finish signing up');
  });

  router.post(p.registerResend, limits.sensitive, async (req, res) => {
    const { email } = parseInput(emailRequestSchema, req.body);
    sendData(res, await service.resendRegistration(email), 202, 'If a sign-up is waiting, a new code is on its way');
  });

  router.post(p.registerVerify, limits.sensitive, async (req, res) => {
    const body = parseInput(completeRegistrationRequestSchema, req.body);
    const grant = await service.completeRegistration(body, body.client, body.device, requestMeta(req));
    sendGrant(res, ctx, grant, body.client === 'web', 201, req);
  });

  router.post(p.login, async (req, res) => {
    const body = parseInput(loginRequestSchema, req.body);
    const known = [...(body.deviceTokens ?? []), ...knownDeviceCookie(req)];
    const grant = await service.login(body, body.client, body.device, requestMeta(req), known);
    sendGrant(res, ctx, grant, body.client === 'web', 200, req);
  });

  router.post(p.refresh, async (req, res) => {
    const body = parseInput(refreshRequestSchema, req.body ?? {});
    if (body.refreshToken) {
      sendGrant(res, ctx, await service.refresh(body.refreshToken, requestMeta(req)), false);
      return;
    }
    const cookie = refreshCookie(req);
    if (!cookie) throw unauthenticated('No refresh token');
    assertCsrfSafe(req, allowedOrigins);
    try {
      sendGrant(res, ctx, await service.refresh(cookie, requestMeta(req)), true);
    } catch (err) {
      // A dead cookie is useless to the browser; a 409 (just rotated) keeps it for the retry.
      if ((err as { status?: number }).status === 401) clearRefreshCookie(res, secure);
      throw err;
    }
  });

  /** Ends the session named by the access token, or else by the refresh token (body, or cookie + CSRF). */
  router.post(p.logout, async (req, res) => {
    const body = parseInput(refreshRequestSchema, req.body ?? {});
    const access = bearerToken(req);
    let done = false;
    if (access) {
      const auth = await ctx.verifyAccessToken(access).catch(() => undefined);
      if (auth) {
        await service.logoutSession(auth.userId, auth.sessionId);
        done = true;
      }
    }
    const cookie = refreshCookie(req);
    if (!done && body.refreshToken) done = await service.logoutByRefreshToken(body.refreshToken);
    if (!done && cookie) {
      assertCsrfSafe(req, allowedOrigins);
      done = await service.logoutByRefreshToken(cookie);
    }
    if (cookie) clearRefreshCookie(res, secure);
    if (!done) throw unauthenticated('No live session to sign out of');
    sendEmpty(res, 200, 'Signed out');
  });

  router.post(p.logoutAll, requireAuth, async (req, res) => {
    const auth = authOf(req);
    await service.revokeAll(auth.userId);
    clearRefreshCookie(res, secure);
    sendEmpty(res, 200, 'Signed out everywhere');
  });

  router.get(p.me, requireAuth, async (req, res) => {
    sendData(res, await service.me(authOf(req).userId));
  });

  router.get(p.sessions, requireAuth, async (req, res) => {
    const auth = authOf(req);
    sendData(res, await service.listSessions(auth.userId, auth.sessionId));
  });

  router.delete('/auth/sessions/:id', requireAuth, async (req, res) => {
    const auth = authOf(req);
    const id = String(req.params.id ?? '');
    await service.revokeSession(auth.userId, id);
    if (id === auth.sessionId) clearRefreshCookie(res, secure);
    sendEmpty(res, 200, 'Session revoked');
  });

  router.post(p.verifyEmail, limits.sensitive, async (req, res) => {
    const { token } = parseInput(tokenRequestSchema, req.body);
    sendData(res, await service.verifyEmail(token), 200, 'Email verified');
  });

  router.post(p.resendVerification, limits.sensitive, requireAuth, ...limits.resendPerAccount, async (req, res) => {
    const sent = await service.resendVerification(authOf(req).userId);
    sendEmpty(res, 202, sent ? 'Verification mail sent' : 'Email already verified');
  });

  router.post(p.forgotPassword, limits.sensitive, async (req, res) => {
    const { email } = parseInput(emailRequestSchema, req.body);
    service.forgotPassword(email);
    sendEmpty(res, 202, 'If an account uses this email, a reset link is on its way');
  });

  router.post(p.resetPassword, limits.sensitive, async (req, res) => {
    const body = parseInput(resetPasswordRequestSchema, req.body);
    await service.resetPassword(body.token, body.password);
    clearRefreshCookie(res, secure);
    sendEmpty(res, 200, 'Password changed; sign in again');
  });

  router.post(p.changePassword, limits.sensitive, requireAuth, async (req, res) => {
    const auth = authOf(req);
    const body = parseInput(changePasswordRequestSchema, req.body);
    await service.changePassword(auth.userId, auth.sessionId, body.currentPassword, body.newPassword);
    sendEmpty(res, 200, 'Password changed; other devices were signed out');
  });

  router.get(p.providers, (_req, res) => {
    // One source of truth with the OIDC registry (a provider needs its issuer AND client id).
    sendData(res, authProvidersFromConfig(ctx.config));
  });

  return router;
}
