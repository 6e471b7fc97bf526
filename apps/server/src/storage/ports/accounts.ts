import type { Page } from '@charla/shared-types';

export type UserRole = 'user' | 'admin';

export type UserRecord = {
  id: string;
  /** Normalised (trimmed, lower-case). */
  email: string;
  emailVerifiedAt: Date | null;
  /** As typed; unique case-insensitively. */
  username: string;
  displayName: string;
  about: string;
  avatarUrl: string | null;
  role: UserRole;
  /** null for accounts created through an external provider without a password. */
  passwordHash: string | null;
  lastSeenAt: Date | null;
  lastSeenVisibility: 'everyone' | 'nobody';
  suspendedAt: Date | null;
  deletedAt: Date | null;
  createdAt: Date;
  /** Appearance preferences, opaque here (the users service validates them); {} when none. */
  preferences: Record<string, unknown>;
};

export type NewUser = {
  email: string;
  username: string;
  displayName: string;
  passwordHash: string | null;
  role: UserRole;
  emailVerifiedAt?: Date | null;
};

export type UserPatch = Partial<
  Pick<
    UserRecord,
    | 'email'
    | 'emailVerifiedAt'
    | 'username'
    | 'displayName'
    | 'about'
    | 'avatarUrl'
    | 'role'
    | 'passwordHash'
    | 'lastSeenAt'
    | 'lastSeenVisibility'
    | 'suspendedAt'
    | 'deletedAt'
    | 'preferences'
  >
>;

export type UsersRepo = {
  /** Throws DuplicateKeyError('email' | 'username'). */
  create(user: NewUser): Promise<UserRecord>;
  findById(id: string): Promise<UserRecord | null>;
  /** One round trip for a batch (presence); unknown ids are skipped, order is not kept. */
  findByIds(ids: string[]): Promise<UserRecord[]>;
  findByEmail(email: string): Promise<UserRecord | null>;
  /** Case-insensitive. */
  findByUsername(username: string): Promise<UserRecord | null>;
  count(): Promise<number>;
  /** Site admins who can act: role 'admin', not suspended, not deleted (the "never the last admin" rule). */
  countActiveAdmins(): Promise<number>;
  /** Returns the updated user, null when missing. Throws DuplicateKeyError on a taken email/username. */
  update(id: string, patch: UserPatch): Promise<UserRecord | null>;
  /**
   * Case-insensitive, literal PREFIX search (no pattern syntax) on username and display name; the
   * email is matched (also by prefix) ONLY when `matchEmail` is true, which callers pass for site
   * admins alone: a profile hides its email, so search must not become an oracle for it. Excludes
   * deleted users and `excludeId`. Ordered by username; the cursor is the last username returned.
   */
  search(
    q: string,
    options: { excludeId?: string; limit: number; cursor?: string; matchEmail?: boolean },
  ): Promise<Page<UserRecord>>;
};

export type SessionRecord = {
  id: string;
  userId: string;
  refreshTokenHash: string;
  /** The hash rotated away most recently, kept for reuse detection and the short grace window. */
  previousTokenHash: string | null;
  rotatedAt: Date | null;
  deviceName: string;
  platform: 'web' | 'windows' | 'macos' | 'linux' | 'other';
  ip: string | null;
  userAgent: string | null;
  createdAt: Date;
  lastUsedAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
};

export type NewSession = Omit<SessionRecord, 'previousTokenHash' | 'rotatedAt' | 'revokedAt' | 'lastUsedAt'>;

export type SessionsRepo = {
  create(session: NewSession): Promise<SessionRecord>;
  findById(id: string): Promise<SessionRecord | null>;
  /** The session whose current or previous refresh-token hash matches. */
  findByTokenHash(hash: string): Promise<SessionRecord | null>;
  /**
   * Atomic compare-and-set: replaces the current hash only if it still equals `expectedHash`
   * (so two concurrent refreshes cannot both win). Returns false when it lost the race.
   */
  rotate(id: string, expectedHash: string, newHash: string, now: Date, newExpiresAt: Date): Promise<boolean>;
  touch(id: string, now: Date, ip: string | null): Promise<void>;
  revoke(id: string, now: Date): Promise<void>;
  /** Revokes every live session of the user except `exceptId`; returns the revoked ids. */
  revokeAllForUser(userId: string, now: Date, exceptId?: string): Promise<string[]>;
  /** Live (not revoked, not expired) sessions, newest use first. */
  listActive(userId: string, now: Date): Promise<SessionRecord[]>;
};

export type OneTimeTokenKind = 'verify_email' | 'reset_password';

export type OneTimeTokenRecord = {
  id: string;
  kind: OneTimeTokenKind;
  userId: string;
  tokenHash: string;
  expiresAt: Date;
  usedAt: Date | null;
  createdAt: Date;
};

export type OneTimeTokensRepo = {
  create(token: Omit<OneTimeTokenRecord, 'id' | 'usedAt' | 'createdAt'>): Promise<OneTimeTokenRecord>;
  /** Atomically marks a live, unused token used and returns it; null when unknown, used or expired. */
  consume(kind: OneTimeTokenKind, tokenHash: string, now: Date): Promise<OneTimeTokenRecord | null>;
  /** Burns every unused token of that kind for the user. */
  invalidateForUser(userId: string, kind: OneTimeTokenKind, now: Date): Promise<void>;
};

export type BlocksRepo = {
  block(blockerId: string, blockedId: string): Promise<void>;
  unblock(blockerId: string, blockedId: string): Promise<void>;
  /** True when either user has blocked the other. */
  isBlockedEitherWay(a: string, b: string): Promise<boolean>;
  /** The ids among `others` that `userId` blocked or that blocked `userId`, in one round trip. */
  blockedEitherWayAmong(userId: string, others: string[]): Promise<string[]>;
  listBlocked(blockerId: string): Promise<string[]>;
};
