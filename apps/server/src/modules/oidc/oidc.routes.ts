import {
  API_PREFIX,
  oidcCallbackQuerySchema,
  oidcExchangeRequestSchema,
  oidcIdTokenRequestSchema,
  oidcStartQuerySchema,
  paths,
} from '@charla/shared-types';
import cookieParser from 'cookie-parser';
import { type Request, type RequestHandler, type Response, Router } from 'express';
import type { AppContext } from '../../app-context.ts';
import { sendData } from '../../http/envelope.ts';
import { below, callerId } from '../../http/request.ts';
import { parseInput } from '../../http/validate.ts';
import { setRefreshCookie } from '../auth/auth.cookies.ts';
import { isSecureCookie, requestMeta, sendGrant } from '../auth/auth.grant.ts';
import type { AuthService } from '../auth/auth.service.ts';
import { type OidcService, PENDING_TTL_MS } from './oidc.service.ts';

/** Ties the provider's callback to the browser that started the sign-in. */
export const OIDC_BINDING_COOKIE = 'charla_oidc';
const BINDING_PATH = `${API_PREFIX}/auth/oidc`;

const providerParam = (req: Request): string => String(req.params.provider ?? '');

export function oidcRoutes(
  ctx: AppContext,
  deps: { service: OidcService; startSession: AuthService['startSession']; pendingLimiter: RequestHandler },
): Router {
  const { service, startSession, pendingLimiter } = deps;
  const secure = isSecureCookie(ctx);
  const router = Router();
  router.use(cookieParser());

  // Lax, not Strict: it must come back on the top-level redirect from the provider's site.
  const bindingCookie = { httpOnly: true, sameSite: 'lax' as const, secure, path: BINDING_PATH };
  const noStore = (res: Response) => res.set('Cache-Control', 'no-store');

  router.get('/:provider/start', pendingLimiter, async (req, res) => {
    const q = parseInput(oidcStartQuerySchema, req.query);
    const { location, binding } = await service.start(providerParam(req), {
      client: q.client,
      redirect: q.redirect,
      codeChallenge: q.code_challenge,
      state: q.state,
    });
    res.cookie(OIDC_BINDING_COOKIE, binding, { ...bindingCookie, maxAge: PENDING_TTL_MS });
    noStore(res);
    res.redirect(302, location);
  });

  router.get('/:provider/callback', async (req, res) => {
    const q = parseInput(oidcCallbackQuerySchema, req.query);
    const cookies = req.cookies as Record<string, unknown> | undefined;
    const binding = cookies?.[OIDC_BINDING_COOKIE];
    const outcome = await service.callback(providerParam(req), q, typeof binding === 'string' ? binding : undefined);
    res.clearCookie(OIDC_BINDING_COOKIE, bindingCookie);
    noStore(res);
    if (outcome.kind === 'link-done') {
      res.redirect(302, outcome.redirect);
      return;
    }
    if (outcome.kind === 'web') {
      const grant = await startSession(outcome.user, 'web', undefined, requestMeta(req));
      setRefreshCookie(res, grant.refreshToken, grant.refreshTokenExpiresAt, secure);
      // The web client then calls /auth/refresh with the cookie, as after a reload.
      res.redirect(302, `${ctx.config.webUrl}/`);
      return;
    }
    res.redirect(302, outcome.redirect);
  });

  router.post(below('/auth/oidc', paths.auth.oidcExchange), async (req, res) => {
    const body = parseInput(oidcExchangeRequestSchema, req.body);
    const user = await service.exchange(body.code, body.codeVerifier);
    sendGrant(res, ctx, await startSession(user, 'desktop', body.device, requestMeta(req)), false);
  });

  // Signed in (bearer token): link another provider to this account. The binding cookie is set on
  // this browser, so a link flow started by someone else cannot be finished here (or the reverse).
  router.post('/:provider/link', ctx.requireAuth, pendingLimiter, async (req, res) => {
    const { location, binding } = await service.start(providerParam(req), {
      client: 'web',
      linkUserId: callerId(req),
    });
    res.cookie(OIDC_BINDING_COOKIE, binding, { ...bindingCookie, maxAge: PENDING_TTL_MS });
    noStore(res);
    sendData(res, { location }, 201);
  });

  router.post('/:provider/nonce', pendingLimiter, async (req, res) => {
    noStore(res);
    sendData(res, await service.issueNonce(providerParam(req)), 201);
  });

  router.post('/:provider/id-token', async (req, res) => {
    const body = parseInput(oidcIdTokenRequestSchema, req.body);
    const user = await service.signInWithIdToken(providerParam(req), body.idToken, body.nonce);
    sendGrant(res, ctx, await startSession(user, body.client, body.device, requestMeta(req)), body.client === 'web');
  });

  return router;
}
