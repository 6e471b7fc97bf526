import { type Me, type PublicProfile, type UserPreferences, userPreferencesSchema } from '@charla/shared-types';
import type { UserRecord } from '../../storage/ports.ts';

export function toMe(u: UserRecord): Me {
  return {
    id: u.id,
    email: u.email,
    emailVerified: u.emailVerifiedAt !== null,
    username: u.username,
    displayName: u.displayName,
    about: u.about,
    avatarUrl: u.avatarUrl,
    role: u.role,
    lastSeenVisibility: u.lastSeenVisibility,
    hasPassword: u.passwordHash !== null,
    createdAt: u.createdAt.toISOString(),
    preferences: storedPreferences(u.preferences),
  };
}

/** What was stored, minus anything no longer valid (a retired accent, a hand-edited row). */
export function storedPreferences(raw: Record<string, unknown>): UserPreferences {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    const one = userPreferencesSchema.safeParse({ [key]: value });
    if (one.success) Object.assign(out, one.data);
  }
  return out as UserPreferences;
}

/**
 * What others see; last seen only when the user shares it, and only to viewers `mayFollow` allows
 * (people sharing a chat with them, as for live presence): a stranger polling it would rebuild it.
 */
export function toPublicProfile(u: UserRecord, mayFollow = false): PublicProfile {
  const deleted = u.deletedAt !== null;
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    about: deleted ? '' : u.about,
    avatarUrl: deleted ? null : u.avatarUrl,
    lastSeenAt:
      mayFollow && !deleted && u.lastSeenVisibility === 'everyone' && u.lastSeenAt ? u.lastSeenAt.toISOString() : null,
    deleted,
  };
}
