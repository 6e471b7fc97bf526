import { createHash, createSecretKey, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import type { Clock } from '../../app-context.ts';
import { unauthenticated } from '../../http/errors.ts';
import type { UserRole } from '../../storage/ports.ts';

const ISSUER = 'charla';
const AUDIENCE = 'charla-api';
/** Seconds of clock difference tolerated on exp (servers behind one load balancer drift a little). */
export const CLOCK_TOLERANCE_SECONDS = 5;

/**
 * JWT_SECRET when set; otherwise 48 random bytes generated once into DATA_DIR/jwt-secret (0600)
 * and reused, so restarts keep sessions valid without a hard-coded default.
 */
export function resolveJwtSecret(configured: string | undefined, dataDir: string): Uint8Array {
  if (configured) return new TextEncoder().encode(configured);
  const file = path.join(dataDir, 'jwt-secret');
  try {
    const existing = fs.readFileSync(file, 'utf8').trim();
    if (existing.length >= 32) return new TextEncoder().encode(existing);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  fs.writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return new TextEncoder().encode(secret);
}

export type AccessClaims = { userId: string; sessionId: string; role: UserRole };

export type AccessTokens = {
  sign(claims: AccessClaims): Promise<{ token: string; expiresAt: Date }>;
  /** Signature, issuer, audience and expiry only; the session check is the caller's. */
  verify(token: string): Promise<AccessClaims>;
};

/**
 * Charla's own access tokens, signed and verified with jsonwebtoken: HS256 only (an explicit
 * allow-list, so `alg: none` and an RS/ES token made with our secret as a "public key" are refused),
 * issuer and audience checked, exp required with a small tolerance. jose stays for OpenID Connect ID
 * tokens, which need a provider's JWKS.
 */
export function createAccessTokens(secret: Uint8Array, ttlSeconds: number, clock: Clock): AccessTokens {
  const key = createSecretKey(Buffer.from(secret));
  return {
    async sign({ userId, sessionId, role }) {
      const now = Math.floor(clock.now().getTime() / 1000);
      const exp = now + ttlSeconds;
      const token = jwt.sign({ sid: sessionId, role, iat: now, exp }, key, {
        algorithm: 'HS256',
        header: { alg: 'HS256', typ: 'JWT' },
        subject: userId,
        jwtid: randomUUID(),
        issuer: ISSUER,
        audience: AUDIENCE,
      });
      return { token, expiresAt: new Date(exp * 1000) };
    },
    async verify(token) {
      if (token.length > 4096) throw unauthenticated('Invalid access token');
      let payload: jwt.JwtPayload | string;
      try {
        payload = jwt.verify(token, key, {
          algorithms: ['HS256'],
          issuer: ISSUER,
          audience: AUDIENCE,
          clockTimestamp: Math.floor(clock.now().getTime() / 1000),
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
        });
      } catch (err) {
        if (err instanceof jwt.TokenExpiredError) throw unauthenticated('Access token expired', 'token_expired');
        throw unauthenticated('Invalid access token');
      }
      // jsonwebtoken checks exp only when present: a token without one never expires, so refuse it.
      if (
        typeof payload === 'string' ||
        typeof payload.exp !== 'number' ||
        typeof payload.jti !== 'string' ||
        typeof payload.sub !== 'string' ||
        typeof payload.sid !== 'string'
      )
        throw unauthenticated('Invalid access token');
      return { userId: payload.sub, sessionId: payload.sid, role: payload.role === 'admin' ? 'admin' : 'user' };
    },
  };
}

/** Opaque refresh / one-time token: 32 random bytes (256 bits), base64url. */
export const newOpaqueToken = (): string => randomBytes(32).toString('base64url');

/** Only this hash is stored: a leaked database yields no usable token. */
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('base64url');
