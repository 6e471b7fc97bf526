/**
 * External identities: a (provider, subject) pair from an OpenID Connect provider bound to one
 * local user. The pair is unique, so one Google account can never sign into two Charla accounts;
 * a user may link several providers.
 */
export type IdentityRecord = {
  id: string;
  /** Registry key of the provider, e.g. 'google' or 'oidc'. */
  provider: string;
  /** The provider's `sub` claim: stable per provider, never reassigned. */
  subject: string;
  userId: string;
  /** Email as the provider reported it when the identity was linked (informational only). */
  email: string | null;
  /** The login or address people know the account by (a GitHub login); null when unknown. */
  accountName: string | null;
  createdAt: Date;
  lastUsedAt: Date;
};

export type NewIdentity = {
  provider: string;
  subject: string;
  userId: string;
  email: string | null;
  accountName?: string | null | undefined;
  now: Date;
};

export type IdentitiesRepo = {
  /** Throws DuplicateKeyError('identity') when (provider, subject) is already linked. */
  create(identity: NewIdentity): Promise<IdentityRecord>;
  find(provider: string, subject: string): Promise<IdentityRecord | null>;
  /** Oldest link first. */
  listByUser(userId: string): Promise<IdentityRecord[]>;
  /** Marks a sign-in; `accountName`, when given, replaces the stored one (logins can be renamed). */
  touch(id: string, now: Date, accountName?: string): Promise<void>;
  /** False when there was nothing to remove. */
  remove(provider: string, subject: string): Promise<boolean>;
};
