import fs from 'node:fs';
import path from 'node:path';
import webpush from 'web-push';
import { z } from 'zod';
import type { Config } from '../../config.ts';

export type VapidKeys = {
  publicKey: string;
  privateKey: string;
  subject: string;
  source: 'env' | 'file' | 'generated';
};

const storedSchema = z.object({
  publicKey: z.string().regex(/^[A-Za-z0-9_-]{87}$/),
  privateKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
});

/** The address inside `Name <address>`, found with string searches (no backtracking pattern). */
function angleAddress(from: string): string | undefined {
  const close = from.lastIndexOf('>');
  const open = from.lastIndexOf('<', close);
  if (open < 0 || close < 0) return undefined;
  const inner = from.slice(open + 1, close);
  return inner.includes('@') && !/[\s<>]/.test(inner) ? inner : undefined;
}

/** The contact push services may use (RFC 8292): VAPID_SUBJECT, else the MAIL_FROM address. */
export function vapidSubject(config: Pick<Config, 'VAPID_SUBJECT' | 'MAIL_FROM'>): string {
  if (config.VAPID_SUBJECT) return config.VAPID_SUBJECT;
  const address = angleAddress(config.MAIL_FROM) ?? config.MAIL_FROM.trim();
  return `mailto:${address.includes('@') && !/\s/.test(address) ? address : 'no-reply@charla.local'}`;
}

/**
 * VAPID keys (RFC 8292): VAPID_PUBLIC_KEY/VAPID_PRIVATE_KEY when set, else DATA_DIR/vapid.json,
 * generated on first start. Every subscription is bound to the public key, so a new key pair
 * silently ends every existing subscription: several server processes must share one (set the
 * variables, or share DATA_DIR).
 */
export function resolveVapidKeys(
  config: Pick<Config, 'VAPID_PUBLIC_KEY' | 'VAPID_PRIVATE_KEY' | 'VAPID_SUBJECT' | 'MAIL_FROM' | 'dataDir'>,
): VapidKeys {
  const subject = vapidSubject(config);
  if (config.VAPID_PUBLIC_KEY && config.VAPID_PRIVATE_KEY)
    return { publicKey: config.VAPID_PUBLIC_KEY, privateKey: config.VAPID_PRIVATE_KEY, subject, source: 'env' };
  const file = path.join(config.dataDir, 'vapid.json');
  try {
    const stored = storedSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
    if (stored.success) return { ...stored.data, subject, source: 'file' };
    throw new Error(
      `${file} is not a VAPID key pair: move it away to generate a new one (which ends every push subscription)`,
    );
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  fs.mkdirSync(config.dataDir, { recursive: true });
  const keys = webpush.generateVAPIDKeys();
  // wx: two processes starting on one fresh DATA_DIR must not each write their own pair.
  try {
    fs.writeFileSync(file, `${JSON.stringify(keys)}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return resolveVapidKeys(config);
    throw err;
  }
  return { ...keys, subject, source: 'generated' };
}
