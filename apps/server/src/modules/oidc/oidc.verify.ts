import { timingSafeEqual } from 'node:crypto';
import { errors, jwtVerify } from 'jose';
import { AppError, unauthenticated } from '../../http/errors.ts';
import { type OidcProvider, providerUnavailable } from './oidc.registry.ts';

/** Asymmetric algorithms only: `none` and HS* (which a public JWKS would turn into forgery) never pass. */
export const ID_TOKEN_ALGORITHMS = ['RS256', 'ES256', 'PS256'];
/** Small allowance for clock drift between us and the provider. */
const CLOCK_TOLERANCE_S = 60;

/** The subset of ID token claims Charla uses. */
export type OidcClaims = {
  sub: string;
  email: string | null;
  /** Only a provider assertion of `email_verified: true` counts; missing means unverified. */
  emailVerified: boolean;
  name: string | null;
  preferredUsername: string | null;
};

/** What account resolution needs of a provider: its registry key and the name people see. */
export type ProviderRef = { id: string; name: string };

/** Who the provider says signed in, whatever the protocol (an OIDC ID token, GitHub's REST API). */
export type ExternalProfile = OidcClaims & {
  /** The login or address people know the account by (GitHub login, else the email). */
  accountName: string | null;
};

export const profileFromClaims = (claims: OidcClaims): ExternalProfile => ({
  ...claims,
  accountName: claims.email ?? claims.preferredUsername,
});

const str = (v: unknown, max = 320): string | null =>
  typeof v === 'string' && v.trim() !== '' && v.length <= max ? v.trim() : null;

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function rejection(err: unknown, provider: OidcProvider): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof errors.JWTExpired) return unauthenticated('ID token has expired');
  if (err instanceof errors.JWTClaimValidationFailed) {
    const what = err.claim === 'iss' ? 'issuer' : err.claim === 'aud' ? 'audience' : `"${err.claim}" claim`;
    return unauthenticated(`ID token rejected: unexpected ${what}`);
  }
  if (err instanceof errors.JOSEAlgNotAllowed)
    return unauthenticated('ID token rejected: signing algorithm not allowed');
  if (err instanceof errors.JWSSignatureVerificationFailed || err instanceof errors.JWKSNoMatchingKey)
    return unauthenticated('ID token rejected: bad signature');
  if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid) return providerUnavailable(provider.name);
  if (err instanceof errors.JOSEError) return unauthenticated('ID token rejected: malformed token');
  // fetch() failures while loading the key set.
  return providerUnavailable(provider.name);
}

/**
 * Verifies an ID token: signature against the provider's JWKS, issuer, audience (our client id),
 * expiry, and the nonce we issued for this sign-in.
 */
export async function verifyIdToken(
  provider: OidcProvider,
  idToken: string,
  expected: { nonce: string; now: Date },
): Promise<OidcClaims> {
  try {
    const [keys, issuers] = await Promise.all([provider.keys(), provider.acceptedIssuers()]);
    const { payload } = await jwtVerify(idToken, keys, {
      algorithms: ID_TOKEN_ALGORITHMS,
      issuer: issuers,
      audience: provider.clientId,
      currentDate: expected.now,
      clockTolerance: CLOCK_TOLERANCE_S,
      requiredClaims: ['sub', 'iat', 'exp'],
    });
    // With several audiences the authorized party must be us (OIDC Core §3.1.3.7).
    if (Array.isArray(payload.aud) && payload.aud.length > 1 && payload.azp !== provider.clientId)
      throw unauthenticated('ID token rejected: unexpected authorized party');
    const nonce = typeof payload.nonce === 'string' ? payload.nonce : '';
    if (!nonce || !safeEqual(nonce, expected.nonce)) throw unauthenticated('ID token rejected: nonce mismatch');
    const sub = str(payload.sub, 255);
    if (!sub) throw unauthenticated('ID token rejected: missing subject');
    return {
      sub,
      email: str(payload.email),
      // Some providers (e.g. Cognito) send the string "true".
      emailVerified: payload.email_verified === true || payload.email_verified === 'true',
      name: str(payload.name, 200),
      preferredUsername: str(payload.preferred_username, 200),
    };
  } catch (err) {
    throw rejection(err, provider);
  }
}
