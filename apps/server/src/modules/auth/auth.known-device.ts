import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Clock } from '../../app-context.ts';
import { REFRESH_COOKIE_PATH } from './auth.cookies.ts';

/** How long a device stays "known" after its last sign-in. */
export const KNOWN_DEVICE_TTL_MS = 180 * 24 * 60 * 60 * 1000;
/** Web: one cookie holding the tokens of the last few accounts signed in on this browser. */
export const KNOWN_DEVICE_COOKIE = 'charla_kd';
export const KNOWN_DEVICE_MAX = 5;
const PREFIX = 'kd1';

/**
 * A device that signed in to an account before gets a token bound to that account: `kd1.<user id>.
 * <device id>.<issued at>.<HMAC>`, signed with the server secret, nothing stored. With it, the right
 * password gets through a per-account lock that strangers guessing passwords have triggered (its own
 * small budget for wrong passwords still applies).
 */
export function createKnownDevices(secret: Uint8Array, clock: Clock, ttlMs = KNOWN_DEVICE_TTL_MS) {
  const mac = (body: string) => createHmac('sha256', secret).update(`known-device\u0000${body}`).digest('base64url');
  const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
  return {
    /** A new token for this account on this device (a fresh device id keeps devices apart). */
    issue(userId: string, deviceId = randomBytes(12).toString('base64url')): string {
      const body = `${PREFIX}.${userId}.${deviceId}.${clock.now().getTime().toString(36)}`;
      return `${body}.${mac(body)}`;
    },
    /** The device id of the first valid, unexpired token for `userId` among `tokens`, else null. */
    match(tokens: readonly string[], userId: string): string | null {
      for (const token of tokens.slice(0, KNOWN_DEVICE_MAX * 2)) {
        const parts = token.split('.');
        if (parts.length !== 5 || parts[0] !== PREFIX || parts[1] !== userId) continue;
        const [, , deviceId = '', issued = '', signature = ''] = parts;
        if (!same(signature, mac(parts.slice(0, 4).join('.')))) continue;
        const age = clock.now().getTime() - Number.parseInt(issued, 36);
        if (Number.isFinite(age) && age >= 0 && age < ttlMs) return deviceId;
      }
      return null;
    },
  };
}

/** The account a token names (clients keep one per account; no secret in it). */
export const knownDeviceUser = (token: string): string | undefined =>
  token.startsWith(`${PREFIX}.`) ? token.split('.')[1] : undefined;

export function knownDeviceCookie(req: Request): string[] {
  const value = (req.cookies as Record<string, unknown> | undefined)?.[KNOWN_DEVICE_COOKIE];
  if (typeof value !== 'string' || value.length > 2048) return [];
  return value.split('~').filter((t) => t.length > 0 && t.length <= 256);
}

/** Puts this account's new token first; keeps the other accounts' (at most KNOWN_DEVICE_MAX). */
export function rememberDevice(req: Request, res: Response, token: string, secure: boolean): void {
  const userId = knownDeviceUser(token);
  const others = knownDeviceCookie(req).filter((t) => knownDeviceUser(t) !== userId);
  res.cookie(KNOWN_DEVICE_COOKIE, [token, ...others].slice(0, KNOWN_DEVICE_MAX).join('~'), {
    httpOnly: true,
    sameSite: 'strict',
    secure,
    path: REFRESH_COOKIE_PATH,
    maxAge: KNOWN_DEVICE_TTL_MS,
  });
}
