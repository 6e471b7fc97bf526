import {
  type AuthProviders,
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
import { type RequestHandler, Router } from 'express';
import type { AppContext } from '../../app-context.ts';
import { sendData, sendEmpty } from '../../http/envelope.ts';
import { unauthenticated } from '../../http/errors.ts';
import { caller as authOf, below } from '../../http/request.ts';
import { parseInput } from '../../http/validate.ts';
import { assertCsrfSafe, clearRefreshCookie, refreshCookie } from './auth.cookies.ts';
import { isSecureCookie, requestMeta, sendGrant } from './auth.grant.ts';
import { knownDeviceCookie } from './auth.known-device.ts';
import { bearerToken } from './auth.middleware.ts';
import type { AuthService } from './auth.service.ts';

export type AuthRouteLimits = {
  /** Per-IP limit on every auth route. */
  perIp: RequestHandler;
  /** Tighter per-IP limit on routes that mail or hash (register, forgot, resend, reset). */
  sensitive: RequestHandler;
  /** Per-account limits on resending the verification mail (after requireAuth). */
  resendPerAccount: RequestHandler[];
};

/** Mounted at /auth. `providers`: the sign-in methods this server offers (password, Google, OIDC). */
export function authRoutes(
  ctx: AppContext,
  service: AuthService,
  limits: AuthRouteLimits,
  providers: AuthProviders,
): Router {
  const { requireAuth, allowedOrigins } = ctx;
  const secure = isSecureCookie(ctx);
  const router = Router();
  const p = paths.auth;
  router.use(limits.perIp, cookieParser());

  // The same 202 for a new and an already registered address: no session until the emailed code.
  router.post(below('/auth', p.register), limits.sensitive, async (req, res) => {
    const body = parseInput(registerRequestSchema, req.body);
    sendData(res, await service.register(body), 202, 'Check your email for a code to finish signing up');
  });

  router.post(below('/auth', p.registerResend), limits.sensitive, async (req, res) => {
    const { email } = parseInput(emailRequestSchema, req.body);
    sendData(res, await service.resendRegistration(email), 202, 'If a sign-up is waiting, a new code is on its way');
  });

  router.post(below('/auth', p.registerVerify), limits.sensitive, async (req, res) => {
    const body = parseInput(completeRegistrationRequestSchema, req.body);
    const grant = await service.completeRegistration(body, body.client, body.device, requestMeta(req));
    sendGrant(res, ctx, grant, body.client === 'web', 201, req);
  });

  router.post(below('/auth', p.login), async (req, res) => {
    const body = parseInput(loginRequestSchema, req.body);
    const known = [...(body.deviceTokens ?? []), ...knownDeviceCookie(req)];
    const grant = await service.login(body, body.client, body.device, requestMeta(req), known);
    sendGrant(res, ctx, grant, body.client === 'web', 200, req);
  });

  router.post(below('/auth', p.refresh), async (req, res) => {
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
  router.post(below('/auth', p.logout), async (req, res) => {
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

  router.post(below('/auth', p.logoutAll), requireAuth, async (req, res) => {
    const auth = authOf(req);
    await service.revokeAll(auth.userId);
    clearRefreshCookie(res, secure);
    sendEmpty(res, 200, 'Signed out everywhere');
  });

  router.get(below('/auth', p.me), requireAuth, async (req, res) => {
    sendData(res, await service.me(authOf(req).userId));
  });

  router.get(below('/auth', p.sessions), requireAuth, async (req, res) => {
    const auth = authOf(req);
    sendData(res, await service.listSessions(auth.userId, auth.sessionId));
  });

  router.delete('/sessions/:id', requireAuth, async (req, res) => {
    const auth = authOf(req);
    const id = String(req.params.id ?? '');
    await service.revokeSession(auth.userId, id);
    if (id === auth.sessionId) clearRefreshCookie(res, secure);
    sendEmpty(res, 200, 'Session revoked');
  });

  router.post(below('/auth', p.verifyEmail), limits.sensitive, async (req, res) => {
    const { token } = parseInput(tokenRequestSchema, req.body);
    sendData(res, await service.verifyEmail(token), 200, 'Email verified');
  });

  router.post(
    below('/auth', p.resendVerification),
    limits.sensitive,
    requireAuth,
    ...limits.resendPerAccount,
    async (req, res) => {
      const sent = await service.resendVerification(authOf(req).userId);
      sendEmpty(res, 202, sent ? 'Verification mail sent' : 'Email already verified');
    },
  );

  router.post(below('/auth', p.forgotPassword), limits.sensitive, async (req, res) => {
    const { email } = parseInput(emailRequestSchema, req.body);
    service.forgotPassword(email);
    sendEmpty(res, 202, 'If an account uses this email, a reset link is on its way');
  });

  router.post(below('/auth', p.resetPassword), limits.sensitive, async (req, res) => {
    const body = parseInput(resetPasswordRequestSchema, req.body);
    await service.resetPassword(body.token, body.password);
    clearRefreshCookie(res, secure);
    sendEmpty(res, 200, 'Password changed; sign in again');
  });

  router.post(below('/auth', p.changePassword), limits.sensitive, requireAuth, async (req, res) => {
    const auth = authOf(req);
    const body = parseInput(changePasswordRequestSchema, req.body);
    await service.changePassword(auth.userId, auth.sessionId, body.currentPassword, body.newPassword);
    sendEmpty(res, 200, 'Password changed; other devices were signed out');
  });

  router.get(below('/auth', p.providers), (_req, res) => {
    // One source of truth with the OIDC registry (a provider needs its issuer AND client id).
    sendData(res, providers);
  });

  return router;
}
