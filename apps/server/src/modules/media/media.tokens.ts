import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/**
 * Signed media URL tokens (`?t=`), for <img>/<video>/<audio> tags, which cannot send an
 * Authorization header. A token is an HMAC over (media id, variant, expiry) with a key derived from
 * the JWT secret (so every server node agrees). Message media tokens expire: they are issued only
 * after the access check, and the expiry is rounded up to the next hour so the same URL (and the
 * browser's cache) is reused for a while. Avatar tokens never expire: an avatar is readable by any
 * signed-in user, its URL is a capability handed out only in profiles, and replacing the avatar
 * deletes the media, which kills the URL.
 */
export type MediaVariant = 'original' | 'thumbnail';

export const MEDIA_TOKEN_TTL_MS = 60 * 60 * 1000;

export type MediaTokens = {
  /** `expires` null = never (avatars). */
  sign(mediaId: string, variant: MediaVariant, expires: Date | null): string;
  /** Expiry for a token issued now: rounded up to the hour, valid for 1–2 hours. */
  expiryFor(now: Date): Date;
  verify(token: string, mediaId: string, variant: MediaVariant, now: Date): boolean;
};

export function createMediaTokens(secret: Uint8Array): MediaTokens {
  const key = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'charla media url v1', 32));
  const mac = (mediaId: string, variant: MediaVariant, exp: string) =>
    createHmac('sha256', key).update(`${mediaId}\n${variant}\n${exp}`).digest().subarray(0, 18).toString('base64url');

  return {
    sign(mediaId, variant, expires) {
      const exp = expires ? Math.floor(expires.getTime() / 1000).toString(36) : 'n';
      return `${exp}.${mac(mediaId, variant, exp)}`;
    },
    expiryFor(now) {
      return new Date(Math.ceil((now.getTime() + MEDIA_TOKEN_TTL_MS) / MEDIA_TOKEN_TTL_MS) * MEDIA_TOKEN_TTL_MS);
    },
    verify(token, mediaId, variant, now) {
      const m = /^([0-9a-z]{1,12}|n)\.([\w-]{24})$/.exec(token);
      if (!m) return false;
      const [, exp, sig] = m as unknown as [string, string, string];
      const expected = Buffer.from(mac(mediaId, variant, exp));
      const given = Buffer.from(sig);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
      return exp === 'n' || Number.parseInt(exp, 36) * 1000 > now.getTime();
    },
  };
}
