import type { Request, RequestHandler } from 'express';
import type { Clock } from '../../app-context.ts';
import { unauthenticated } from '../../http/errors.ts';
import type { AuthContext } from '../../http/request.ts';
import type { Storage } from '../../storage/ports.ts';
import type { AccessTokens } from './auth.tokens.ts';

export type { AuthContext } from '../../http/request.ts';

/**
 * Verifies the JWT, then that its session is still live, so logout, revocation and suspension take
 * effect on the next request rather than when the 15-minute token expires.
 */
export function createAccessTokenVerifier(deps: { tokens: AccessTokens; storage: Storage; clock: Clock }) {
  return async function verifyAccessToken(token: string): Promise<AuthContext> {
    const claims = await deps.tokens.verify(token);
    const session = await deps.storage.sessions.findById(claims.sessionId);
    if (!session || session.userId !== claims.userId) throw unauthenticated('Invalid access token');
    if (session.revokedAt || session.expiresAt <= deps.clock.now())
      throw unauthenticated('This session has ended; sign in again', 'session_revoked');
    return claims;
  };
}

export function bearerToken(req: Request): string | undefined {
  const header = req.get('authorization');
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

export function createRequireAuth(verify: (token: string) => Promise<AuthContext>): RequestHandler {
  return async (req, _res, next) => {
    // Several routers share a prefix (/conversations): the first one to run checks the token.
    if (req.auth) return next();
    const token = bearerToken(req);
    if (!token) throw unauthenticated();
    req.auth = await verify(token);
    next();
  };
}
