import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/**
 * Signed media URL tokens (`?t=`), for <img>/<video>/<audio> tags, which cannot send an
 * Authorization header. A token is an HMAC over (media id, variant, expiry, grant) with a key derived
 * from the JWT secret (so every server node agrees). Message media tokens carry a GRANT: who they were
 * issued to and through which message. They expire (rounded up to the next hour, so the same URL and
 * the browser's cache are reused for a while), and serving re-checks that the grantee may still see the
 * media, so a URL stops working as soon as its holder leaves or is removed from the conversation.
 * Avatar tokens carry no grant and never expire: an avatar is readable by any signed-in user, its URL is
 * a capability handed out only in profiles, and replacing the avatar deletes the media.
 */
export type MediaVariant = 'original' | 'thumbnail';

/** Whom a message-media URL was issued to, and the message it was reached through (forwarded copies). */
export type MediaGrant = { viewerId: string; via: string | null };

export const MEDIA_TOKEN_TTL_MS = 60 * 60 * 1000;
/** Longest token `sign` produces (expiry, two ids of up to 64 characters, MAC); the route caps at this. */
export const MEDIA_TOKEN_MAX_LENGTH = 12 + 1 + 64 + 1 + 64 + 1 + 24;

export type MediaTokens = {
  /** `expires` null = never (avatars, which take no grant). */
  sign(mediaId: string, variant: MediaVariant, expires: Date | null, grant?: MediaGrant): string;
  /** Expiry for a token issued now: rounded up to the hour, valid for 1–2 hours. */
  expiryFor(now: Date): Date;
  /** The token's grant (null for a grant-less avatar token), or false when forged, malformed or expired. */
  check(token: string, mediaId: string, variant: MediaVariant, now: Date): { grant: MediaGrant | null } | false;
  /** check() !== false. */
  verify(token: string, mediaId: string, variant: MediaVariant, now: Date): boolean;
};

const ID = /^[\w-]{1,64}$/;

export function createMediaTokens(secret: Uint8Array): MediaTokens {
  const key = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'charla media url v1', 32));
  const mac = (mediaId: string, variant: MediaVariant, exp: string, grant: string) =>
    createHmac('sha256', key)
      .update(`${mediaId}\n${variant}\n${exp}${grant ? `\n${grant}` : ''}`)
      .digest()
      .subarray(0, 18)
      .toString('base64url');

  const check: MediaTokens['check'] = (token, mediaId, variant, now) => {
    const m = /^([0-9a-z]{1,12}|n)\.(?:([\w-]{1,64})\.([\w-]{0,64})\.)?([\w-]{24})$/.exec(token);
    if (!m) return false;
    const [, exp = '', viewerId, via, sig = ''] = m;
    const grant = viewerId ? `${viewerId}.${via ?? ''}` : '';
    const expected = Buffer.from(mac(mediaId, variant, exp, grant));
    const given = Buffer.from(sig);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
    if (exp !== 'n' && Number.parseInt(exp, 36) * 1000 <= now.getTime()) return false;
    return { grant: viewerId ? { viewerId, via: via || null } : null };
  };

  return {
    sign(mediaId, variant, expires, grant) {
      const exp = expires ? Math.floor(expires.getTime() / 1000).toString(36) : 'n';
      if (!grant) return `${exp}.${mac(mediaId, variant, exp, '')}`;
      if (!ID.test(grant.viewerId) || (grant.via !== null && !ID.test(grant.via)))
        throw new Error('media grant ids must be 1-64 word characters');
      const g = `${grant.viewerId}.${grant.via ?? ''}`;
      return `${exp}.${g}.${mac(mediaId, variant, exp, g)}`;
    },
    expiryFor(now) {
      return new Date(Math.ceil((now.getTime() + MEDIA_TOKEN_TTL_MS) / MEDIA_TOKEN_TTL_MS) * MEDIA_TOKEN_TTL_MS);
    },
    check,
    verify: (token, mediaId, variant, now) => check(token, mediaId, variant, now) !== false,
  };
}
