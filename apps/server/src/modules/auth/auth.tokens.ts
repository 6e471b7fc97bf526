import { createHash, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { errors, jwtVerify, SignJWT } from 'jose';
import type { Clock } from '../../app-context.ts';
import { unauthenticated } from '../../http/errors.ts';
import type { UserRole } from '../../storage/ports.ts';

const ISSUER = 'charla';
const AUDIENCE = 'charla-api';

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

export function createAccessTokens(secret: Uint8Array, ttlSeconds: number, clock: Clock): AccessTokens {
  return {
    async sign({ userId, sessionId, role }) {
      const now = Math.floor(clock.now().getTime() / 1000);
      const exp = now + ttlSeconds;
      const token = await new SignJWT({ sid: sessionId, role })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(userId)
        .setJti(randomUUID())
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt(now)
        .setExpirationTime(exp)
        .sign(secret);
      return { token, expiresAt: new Date(exp * 1000) };
    },
    async verify(token) {
      if (token.length > 4096) throw unauthenticated('Invalid access token');
      try {
        const { payload } = await jwtVerify(token, secret, {
          algorithms: ['HS256'],
          issuer: ISSUER,
          audience: AUDIENCE,
          currentDate: clock.now(),
          requiredClaims: ['sub', 'sid', 'jti', 'exp'],
        });
        const role = payload.role === 'admin' ? 'admin' : 'user';
        if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string')
          throw unauthenticated('Invalid access token');
        return { userId: payload.sub, sessionId: payload.sid, role };
      } catch (err) {
        if (err instanceof errors.JWTExpired) throw unauthenticated('Access token expired', 'token_expired');
        throw unauthenticated('Invalid access token');
      }
    },
  };
}

/** Opaque refresh / one-time token: 32 random bytes (256 bits), base64url. */
export const newOpaqueToken = (): string => randomBytes(32).toString('base64url');

/** Only this hash is stored: a leaked database yields no usable token. */
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('base64url');
