import type { EmailDigestSettings, PushPrefs } from '@charla/shared-types';

/*
 * Notifications that reach people when Charla is not open: Web Push subscriptions (one per session),
 * the durable push queue, and the email digest of missed messages.
 */

export type PushSubscriptionRecord = {
  id: string;
  userId: string;
  /** The session (signed-in device) that subscribed: signing out or revoking it removes the subscription. */
  sessionId: string;
  /** The push service URL; unique. */
  endpoint: string;
  /** base64url P-256 public key and auth secret of the browser (RFC 8291). */
  p256dh: string;
  auth: string;
  prefs: PushPrefs;
  createdAt: Date;
  updatedAt: Date;
};

export type NewPushSubscription = Omit<PushSubscriptionRecord, 'id' | 'createdAt' | 'updatedAt'> & { now: Date };

export type PushSubscriptionsRepo = {
  /**
   * Subscribes a session: one subscription per session and per endpoint. An endpoint already held by
   * another session (or user) moves to this one; the session's previous endpoint is dropped, with its
   * queued pushes. Keeps `createdAt` when the same session re-subscribes the same endpoint.
   */
  upsert(subscription: NewPushSubscription): Promise<PushSubscriptionRecord>;
  findById(id: string): Promise<PushSubscriptionRecord | null>;
  findBySession(sessionId: string): Promise<PushSubscriptionRecord | null>;
  listByUser(userId: string): Promise<PushSubscriptionRecord[]>;
  /** Each removes the subscriptions and their queued pushes; returns how many subscriptions went. */
  deleteById(id: string): Promise<number>;
  deleteBySession(sessionId: string): Promise<number>;
  deleteByUser(userId: string): Promise<number>;
};

export type PushContent = { hidden: true } | { hidden: false; title: string; body: string; mentioned: boolean };

export type PushJobRecord = {
  id: string;
  subscriptionId: string;
  userId: string;
  /** The space the conversation is in ('home' for the home space). */
  spaceId: string;
  conversationId: string;
  /** The newest message of the burst and its seq. */
  messageId: string;
  seq: number;
  /** Messages coalesced into this push. */
  count: number;
  urgency: 'high' | 'normal';
  content: PushContent;
  /** 'pending' waits for dueAt; 'sending' is leased by a worker until leaseUntil. */
  state: 'pending' | 'sending';
  dueAt: Date;
  leaseUntil: Date | null;
  /** Delivery attempts started (claims). */
  attempts: number;
  lastError: string | null;
  createdAt: Date;
};

export type EnqueuePush = {
  subscriptionId: string;
  userId: string;
  spaceId: string;
  conversationId: string;
  messageId: string;
  seq: number;
  urgency: 'high' | 'normal';
  content: PushContent;
  now: Date;
  /** When a new burst goes out (now + the coalescing window). */
  dueAt: Date;
};

export type PushQueueRepo = {
  /**
   * Queues a push, or folds it into the subscription's pending push for the same conversation (one
   * push per burst): the newer message, content and seq win, the count grows, urgency only rises and
   * the due time stays. A push already being sent is left alone (this starts the next burst).
   * Nothing is queued for a subscription that no longer exists (null).
   */
  enqueue(push: EnqueuePush): Promise<PushJobRecord | null>;
  /**
   * Leases up to `limit` pushes that are due (pending with dueAt <= now, or sending with an expired
   * lease: its worker died), oldest due first; each claim counts an attempt. Two workers never hold
   * the same push at once.
   */
  claimDue(now: Date, leaseMs: number, limit: number): Promise<PushJobRecord[]>;
  /** Delivered (or dropped): gone from the queue. Only the holder of the lease may complete it. */
  complete(id: string, leaseUntil: Date): Promise<boolean>;
  /**
   * Back to pending at `dueAt` (retry with backoff). When a newer burst for the same subscription
   * and conversation is already pending, this one folds into it (count added, earlier due time kept).
   */
  retry(id: string, leaseUntil: Date, dueAt: Date, error: string): Promise<boolean>;
  /** Read on some device: pending pushes of that conversation up to `seq` are cancelled. */
  cancelRead(userId: string, conversationId: string, seq: number): Promise<number>;
  /** The next due time of a pending push, for the worker's timer; null when none. */
  nextDue(): Promise<Date | null>;
  counts(): Promise<{ pending: number; sending: number }>;
};

export type DigestSettingsRecord = EmailDigestSettings & {
  userId: string;
  lastSentAt: Date | null;
  updatedAt: Date;
};

export type MissedMessageRecord = {
  userId: string;
  /** The space the conversation is in ('home' for the home space). */
  spaceId: string;
  conversationId: string;
  messageId: string;
  seq: number;
  /** A mention in a group (else a direct message). */
  mention: boolean;
  createdAt: Date;
};

export type EmailDigestRepo = {
  /** null: never configured (the digest is off). */
  findSettings(userId: string): Promise<DigestSettingsRecord | null>;
  saveSettings(userId: string, settings: EmailDigestSettings, now: Date): Promise<DigestSettingsRecord>;
  /** Turns the digest off and drops what it had collected. */
  disable(userId: string, now: Date): Promise<void>;
  /** Remembers missed messages; repeats (same user and message) are ignored. */
  recordMissed(entries: MissedMessageRecord[]): Promise<void>;
  listMissed(userId: string): Promise<MissedMessageRecord[]>;
  /** Read on some device: forgets that conversation's missed messages up to `seq`. */
  clearRead(userId: string, conversationId: string, seq: number): Promise<number>;
  /** Forgets missed messages created up to `until` (they went out in a digest). */
  clearUntil(userId: string, until: Date): Promise<number>;
  /**
   * Users with the digest on whose oldest missed message is at least their delay old at `now`, and
   * whose last digest is at least `minGapMs` old (or never sent).
   */
  dueUsers(now: Date, minGapMs: number, limit: number): Promise<string[]>;
  /**
   * Claims this digest: sets lastSentAt to `next` only if it still equals `previous` (so two nodes
   * never both send one). False when someone else claimed it. (Swapped, it gives a claim back.)
   */
  claimSend(userId: string, previous: Date | null, next: Date | null): Promise<boolean>;
  /** Unsubscribe links: a token (stored hashed) works once, until it expires. */
  createUnsubscribeToken(userId: string, tokenHash: string, expiresAt: Date, now: Date): Promise<void>;
  /** The user of a live, unused token, burning it; null when unknown, used or expired. */
  consumeUnsubscribeToken(tokenHash: string, now: Date): Promise<string | null>;
};
