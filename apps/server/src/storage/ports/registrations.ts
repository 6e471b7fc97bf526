/**
 * Sign-ups waiting for their emailed code. Registration answers the same for a new and a taken
 * address, so a taken address gets a record too: a stand-in (`existingUserId` set, no requester
 * data) that counts attempts and expires like the real thing but can never complete.
 */
export type PendingRegistrationRecord = {
  /** Normalised; one pending sign-up per address. */
  email: string;
  /** Set when the address already belongs to an account: the stand-in. */
  existingUserId: string | null;
  username: string | null;
  displayName: string;
  passwordHash: string;
  /** Keyed hash of the 6-digit code. */
  codeHash: string;
  /** SHA-256 of the link token. */
  linkTokenHash: string;
  /** Wrong codes entered so far. */
  attempts: number;
  sentAt: Date;
  expiresAt: Date;
};

export type NewPendingRegistration = Omit<PendingRegistrationRecord, 'attempts'> & {
  /** Wrong codes already counted against this code (kept when only the requester's data changes). */
  attempts?: number;
};

export type PendingRegistrationsRepo = {
  /** Creates or replaces the address's pending sign-up; attempts start at 0 unless given. */
  put(registration: NewPendingRegistration): Promise<void>;
  find(email: string): Promise<PendingRegistrationRecord | null>;
  findByLinkToken(linkTokenHash: string): Promise<PendingRegistrationRecord | null>;
  /** Counts one wrong code atomically; returns the attempts so far (0 when nothing is pending). */
  addFailedAttempt(email: string): Promise<number>;
  /**
   * Atomically removes and returns the address's sign-up when the code hash matches, it has not
   * expired, fewer than `maxAttempts` wrong codes were entered, and it is not a stand-in. Else null.
   */
  takeByCode(
    email: string,
    codeHash: string,
    now: Date,
    maxAttempts: number,
  ): Promise<PendingRegistrationRecord | null>;
  /** The same for the mailed link's token hash (single use, never a stand-in). */
  takeByLinkToken(linkTokenHash: string, now: Date): Promise<PendingRegistrationRecord | null>;
  delete(email: string): Promise<void>;
  /** Removes sign-ups that expired before `now`; returns how many. */
  deleteExpired(now: Date): Promise<number>;
};
