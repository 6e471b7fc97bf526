import { z } from 'zod';
import { trimWhere } from '../text/bounded.ts';

/*
 * Notifications that reach people when Charla is not open: Web Push subscriptions (one per signed-in
 * device), the payload the service worker receives, and the opt-in email digest of missed messages.
 */

/** A device's notification preferences, as the server applies them to its pushes. */
export const pushPrefsSchema = z
  .object({
    level: z.enum(['all', 'mentions', 'none']),
    /** "New message" only: no sender, no text. */
    hideContent: z.boolean(),
    doNotDisturb: z.boolean(),
    /** The language the service worker shows its own words in ("New message"). */
    locale: z.enum(['en', 'es']),
  })
  .strict();
export type PushPrefs = z.infer<typeof pushPrefsSchema>;

/** Unpadded base64url of exactly `bytes` bytes (padding tolerated). */
const base64url = (bytes: number) => {
  const chars = Math.ceil((bytes * 4) / 3);
  return z
    .string()
    .regex(/^[A-Za-z0-9_-]+={0,2}$/, 'Not base64url')
    .refine((s) => withoutPadding(s).length === chars, `Must encode ${bytes} bytes`);
};

/** Base64 padding removed by a walk from the end (a `/=+$/` replace backtracks quadratically). */
export const withoutPadding = (s: string): string => trimWhere(s, (c) => c === '=', 'end');

/** PushSubscription.toJSON() from the browser, plus this device's preferences. */
export const putPushSubscriptionSchema = z
  .object({
    endpoint: z
      .url({ protocol: /^https$/, error: 'The push service endpoint must be an https URL' })
      .max(1024, 'At most 1024 characters'),
    expirationTime: z.number().nullable().optional(),
    keys: z
      .object({
        /** The browser's P-256 public key, uncompressed (65 bytes). */
        p256dh: base64url(65),
        /** The 16-byte authentication secret. */
        auth: base64url(16),
      })
      .strict(),
    prefs: pushPrefsSchema,
  })
  .strict();
export type PutPushSubscription = z.infer<typeof putPushSubscriptionSchema>;

/** This device's subscription as the server holds it (the keys stay on the server). */
export const pushSubscriptionSchema = z.object({
  endpoint: z.string(),
  prefs: pushPrefsSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type PushSubscriptionDto = z.infer<typeof pushSubscriptionSchema>;

export const pushConfigSchema = z.object({
  /** False when the server cannot send pushes (no keys): the client hides the switch. */
  enabled: z.boolean(),
  /** The VAPID public key (applicationServerKey), base64url; '' when disabled. */
  vapidPublicKey: z.string(),
});
export type PushConfig = z.infer<typeof pushConfigSchema>;

/**
 * What the service worker receives, encrypted (RFC 8291) so the push service reads nothing. `hidden`
 * pushes (encrypted conversations, "hide content") carry no sender and no text: the worker says
 * "New message" in `lang`.
 */
export const pushPayloadSchema = z.object({
  v: z.literal(1),
  /** Stable across retries: the worker shows each push once, even if a retry reaches it twice. */
  id: z.string().max(64),
  /** The space the conversation is in; absent for the home space (a click switches there first). */
  spaceId: z.string().max(64).optional(),
  conversationId: z.string().max(128),
  /** The newest message of the burst: a click opens the conversation there. */
  messageId: z.string().max(128),
  seq: z.number().int().min(0),
  /** Messages in this burst (the worker adds up bursts it has not shown yet). */
  count: z.number().int().min(1),
  lang: z.enum(['en', 'es']),
  hidden: z.boolean(),
  title: z.string().max(200).optional(),
  body: z.string().max(300).optional(),
  mentioned: z.boolean().optional(),
});
export type PushPayload = z.infer<typeof pushPayloadSchema>;

export const DIGEST_DELAY_MINUTES = { min: 5, max: 24 * 60, default: 30 } as const;

/** The opt-in email of missed direct messages and mentions (per account). */
export const emailDigestSettingsSchema = z
  .object({
    enabled: z.boolean(),
    /** Unread this long (and no active device) before the digest goes out. */
    delayMinutes: z.number().int().min(DIGEST_DELAY_MINUTES.min).max(DIGEST_DELAY_MINUTES.max),
    /** Only counts and conversation names, no sender and no text. */
    hideContent: z.boolean(),
    /** The language the email is written in. */
    locale: z.enum(['en', 'es']),
  })
  .strict();
export type EmailDigestSettings = z.infer<typeof emailDigestSettingsSchema>;
export const updateEmailDigestSchema = emailDigestSettingsSchema.partial().strict();

export const emailUnsubscribeSchema = z.object({ token: z.string().min(16).max(128) }).strict();

/** REST paths under /api/v1 for notifications. */
export const notificationPaths = {
  /** GET: whether pushes are on and the VAPID public key. */
  pushConfig: '/notifications/push/config',
  /** GET this device's subscription (or null), PUT subscribes / updates its preferences, DELETE unsubscribes. */
  pushSubscription: '/notifications/push/subscription',
  /** GET / PATCH the email digest settings. */
  emailDigest: '/notifications/email',
  /** POST { token } or ?token= (RFC 8058 one-click): turns the digest off; the token works once. */
  emailUnsubscribe: '/notifications/email/unsubscribe',
} as const;
