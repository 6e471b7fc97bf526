import type { RequestHandler } from 'express';
import type { AppContext, Clock } from '../../app-context.ts';
import type { Config } from '../../config.ts';
import type { Storage } from '../../storage/ports.ts';
import { type AuthContext, createAccessTokenVerifier, createRequireAuth } from './auth.middleware.ts';
import { createPasswordHasher, type PasswordHasher } from './auth.password.ts';
import { type AccessTokens, createAccessTokens, resolveJwtSecret } from './auth.tokens.ts';

export type AuthCore = {
  tokens: AccessTokens;
  /** The server secret (JWT_SECRET or the generated one), for other keyed hashes and signatures. */
  secret: Uint8Array;
  hasher: PasswordHasher;
  verifyAccessToken(token: string): Promise<AuthContext>;
  requireAuth: RequestHandler;
};

/** The pieces every module needs to know who calls; built once by createApp. */
export function createAuthCore(deps: { config: Config; storage: Storage; clock: Clock }): AuthCore {
  const { config, storage, clock } = deps;
  const secret = resolveJwtSecret(config.JWT_SECRET, config.dataDir);
  const tokens = createAccessTokens(secret, config.ACCESS_TOKEN_TTL_SECONDS, clock);
  const verifyAccessToken = createAccessTokenVerifier({ tokens, storage, clock });
  return {
    tokens,
    secret,
    hasher: createPasswordHasher(config.BCRYPT_COST),
    verifyAccessToken,
    requireAuth: createRequireAuth(verifyAccessToken),
  };
}

export type { AccountEvents } from './account-events.ts';
export type { AuthContext } from './auth.middleware.ts';
export type { AppContext };
