import { createHash } from 'node:crypto';
import type https from 'node:https';
import type { PushPayload } from '@charla/shared-types';
import webpush from 'web-push';
import type { PushSubscriptionRecord } from '../../storage/ports.ts';
import type { VapidKeys } from './push.keys.ts';

/** What became of one push, as the queue needs to know it. */
export type PushOutcome =
  /** The push service took it (2xx). */
  | { kind: 'sent'; status: number }
  /** The subscription is over (404/410 expired or unsubscribed, 403 bound to another key): delete it. */
  | { kind: 'gone'; status: number }
  /** Try again later (429, 5xx, 401, a network error or timeout); `retryAfterMs` from Retry-After. */
  | { kind: 'retry'; status: number | null; retryAfterMs: number | null; error: string }
  /** This push can never succeed (400, 413…): drop it, keep the subscription. */
  | { kind: 'rejected'; status: number; error: string };

export type PushMessage = {
  payload: PushPayload;
  /** Seconds the push service keeps it for an offline device. */
  ttlSeconds: number;
  urgency: 'high' | 'normal';
  /** Collapses undelivered pushes of one conversation at the push service (RFC 8030 Topic). */
  topicKey: string;
};

export type PushSender = (subscription: PushSubscriptionRecord, message: PushMessage) => Promise<PushOutcome>;

/** A Topic header value: at most 32 base64url characters (RFC 8030 §5.4), the same for a conversation. */
export function pushTopic(key: string): string {
  return createHash('sha256').update(key).digest('base64url').slice(0, 32);
}

/** Retry-After as seconds or an HTTP date, in ms (capped at an hour); null when absent or unreadable. */
export function retryAfterMs(value: unknown, now = Date.now()): number | null {
  const raw = Array.isArray(value) ? value[0] : value;
  if (typeof raw !== 'string' || !raw.trim()) return null;
  const seconds = Number(raw.trim());
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(raw) - now;
  return Number.isFinite(ms) ? Math.min(Math.max(0, Math.round(ms)), 3_600_000) : null;
}

/** The maintained web-push library does VAPID (RFC 8292) and aes128gcm (RFC 8291); this maps its answers. */
export function createWebPushSender(keys: VapidKeys, agent: https.Agent, timeoutMs = 10_000): PushSender {
  return async (subscription, message) => {
    try {
      const result = await webpush.sendNotification(
        { endpoint: subscription.endpoint, keys: { p256dh: subscription.p256dh, auth: subscription.auth } },
        JSON.stringify(message.payload),
        {
          vapidDetails: { subject: keys.subject, publicKey: keys.publicKey, privateKey: keys.privateKey },
          contentEncoding: 'aes128gcm',
          TTL: message.ttlSeconds,
          urgency: message.urgency,
          topic: pushTopic(message.topicKey),
          timeout: timeoutMs,
          agent,
        },
      );
      return { kind: 'sent', status: result.statusCode };
    } catch (err) {
      if (err instanceof webpush.WebPushError) {
        const status = err.statusCode;
        const error = `${status} ${String(err.body ?? '').slice(0, 200)}`.trim();
        if (status === 404 || status === 410 || status === 403) return { kind: 'gone', status };
        if (status === 429 || status === 401 || status >= 500)
          return { kind: 'retry', status, retryAfterMs: retryAfterMs(err.headers?.['retry-after']), error };
        return { kind: 'rejected', status, error };
      }
      return {
        kind: 'retry',
        status: null,
        retryAfterMs: null,
        error: err instanceof Error ? err.message : String(err),
      };
    }
  };
}
