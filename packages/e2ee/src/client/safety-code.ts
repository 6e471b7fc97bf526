import { buf, concat, equalBytes, toHex, utf8 } from '../bytes.ts';

/*
 * Safety codes, per pair of users: each user's fingerprint is derived from the signature keys of
 * their devices (their MLS credentials), the code is both fingerprints as 60 digits, in a stable order
 * so both sides see the same. Comparing it (reading the numbers or scanning the QR code) proves no one
 * (the server included) slipped in a device. It changes whenever either user's devices change.
 */

const VERSION = 'charla-safety-v1';
const ITERATIONS = 1024;

async function digest(b: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-512', buf(b)));
}

const compare = (a: Uint8Array, b: Uint8Array): number => {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return a.length - b.length;
};

/** 32 bytes identifying a user's current device keys (sorted, so order of listing does not matter). */
export async function userFingerprint(userId: string, signatureKeys: Uint8Array[]): Promise<Uint8Array> {
  const keys = [...signatureKeys]
    .sort(compare)
    .filter((k, i, all) => i === 0 || !equalBytes(k, all[i - 1] as Uint8Array));
  const material = concat(...keys);
  let h = await digest(concat(utf8(VERSION), utf8(userId), new Uint8Array([0]), material));
  for (let i = 0; i < ITERATIONS; i++) h = await digest(concat(h, material));
  return h.slice(0, 32);
}

/** 30 digits from a fingerprint: six groups of five, each from 5 bytes mod 100000 (as Signal does). */
function digits(fp: Uint8Array): string {
  let out = '';
  for (let i = 0; i < 6; i++) {
    let n = 0;
    for (let j = 0; j < 5; j++) n = n * 256 + (fp[i * 5 + j] as number);
    out += String(n % 100000).padStart(5, '0');
  }
  return out;
}

export type SafetyCode = {
  /** 60 digits in 12 groups of 5, the same on both sides. */
  groups: string[];
  /** What the QR code encodes: both users and fingerprints. */
  qr: string;
};

export function safetyCode(
  a: { userId: string; fingerprint: Uint8Array },
  b: { userId: string; fingerprint: Uint8Array },
): SafetyCode {
  const [first, second] = a.userId < b.userId ? [a, b] : [b, a];
  const all = digits(first.fingerprint) + digits(second.fingerprint);
  return {
    groups: all.match(/.{5}/g) ?? [],
    qr: `charla-sc:1:${first.userId}:${toHex(first.fingerprint)}:${second.userId}:${toHex(second.fingerprint)}`,
  };
}

/** True when a scanned QR payload is the same code (scanned from the other person's screen). */
export const sameCode = (mine: SafetyCode, scanned: string): boolean => mine.qr === scanned.trim();
