/*
 * Find friends: one row per user who turned discovery by email on, holding the salted hash of their
 * (verified) email. No row means "not discoverable", the default. The hash is all a lookup sees.
 */

export type DiscoveryRecord = { userId: string; emailHash: string; createdAt: Date };

export type DiscoveryRepo = {
  /** Turns discovery on (or refreshes the hash). */
  set(userId: string, emailHash: string, now: Date): Promise<DiscoveryRecord>;
  find(userId: string): Promise<DiscoveryRecord | null>;
  /** Turns discovery off; false when it was off. */
  clear(userId: string): Promise<boolean>;
  /** The rows whose hash is one of these (at most a few hundred per call). */
  match(emailHashes: string[]): Promise<DiscoveryRecord[]>;
};
