import { randomInt } from 'node:crypto';
import { cutToLength, emailSchema, stripInvisibleCharacters, trimWhere } from '@charla/shared-types';
import type { AppContext } from '../../app-context.ts';
import { conflict, unprocessable } from '../../http/errors.ts';
import { DuplicateKeyError, type UserRecord } from '../../storage/ports.ts';
import { isListedAdminEmail, promoteListedAdmin } from '../auth/listed-admins.ts';
import { proveIfGithub } from './github.social.ts';
import { createAccountLinker } from './oidc.link-account.ts';
import type { ExternalProfile, OidcClaims, ProviderRef } from './oidc.verify.ts';

type Deps = Pick<AppContext, 'config' | 'storage' | 'clock' | 'events' | 'logger'> & {
  /** Revokes every session of a user (the auth service's, so realtime hears about it). */
  revokeAll(userId: string): Promise<void>;
};

const USERNAME_MAX_BASE = 24;
/** Claims are provider-signed but user-chosen: bound them before any processing. */
const CLAIM_INPUT_MAX = 256;
const isSeparator = (unit: string) => unit === '_' || unit === '.';

/** "Zoë Ñúñez" -> "Zoe_Nunez"; null when fewer than 3 usable characters remain. */
export function usernameCandidate(raw: string | null): string | null {
  if (!raw) return null;
  const ascii = trimWhere(
    cutToLength(raw, CLAIM_INPUT_MAX)
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[^A-Za-z0-9_.]+/g, '_'),
    isSeparator,
  ).slice(0, USERNAME_MAX_BASE);
  return ascii.length >= 3 ? ascii : null;
}

/**
 * The provider's name claim as a display name. It cannot be sent back for correction, so what the
 * schema would refuse (invisible and text-direction characters, controls) is stripped instead.
 */
export function displayNameFromClaim(name: string | null, fallback: string): string {
  const clean = stripInvisibleCharacters(cutToLength(name ?? '', CLAIM_INPUT_MAX)).trim();
  return cutToLength(clean, 64).trim() || fallback;
}

export function deriveUsername(claims: Pick<OidcClaims, 'preferredUsername' | 'email' | 'name'>): string {
  const local = claims.email?.split('@')[0] ?? null;
  // preferred_username may be an email address (Keycloak, Auth0): use its local part.
  const preferred = claims.preferredUsername?.split('@')[0] ?? null;
  return usernameCandidate(preferred) ?? usernameCandidate(local) ?? usernameCandidate(claims.name) ?? 'user';
}

/**
 * Finds or creates the local account behind a verified ID token:
 * 1. a linked identity (provider, sub) wins;
 * 2. else an account with the same email is linked, but ONLY when the provider asserts the email is
 *    verified (otherwise anyone could claim someone else's address at a lax provider);
 * 3. else a new password-less account is created.
 */
export function createOidcAccounts(deps: Deps) {
  const { config, storage, clock, events, logger } = deps;

  async function fromIdentity(provider: ProviderRef, claims: ExternalProfile): Promise<UserRecord | null> {
    const sub = claims.sub;
    const identity = await storage.identities.find(provider.id, sub);
    if (!identity) return null;
    const user = await storage.users.findById(identity.userId);
    if (!user || user.deletedAt) {
      // The account was deleted (and anonymised): the person may start afresh with the same login.
      await storage.identities.remove(provider.id, sub);
      return null;
    }
    await storage.identities.touch(identity.id, clock.now(), claims.accountName ?? undefined);
    return user;
  }

  async function link(provider: ProviderRef, claims: ExternalProfile, user: UserRecord, email: string | null) {
    try {
      await storage.identities.create({
        provider: provider.id,
        subject: claims.sub,
        userId: user.id,
        email,
        accountName: claims.accountName,
        now: clock.now(),
      });
    } catch (err) {
      if (!(err instanceof DuplicateKeyError)) throw err;
      // A concurrent callback for the same identity linked it first: use whatever it linked.
      const winner = await fromIdentity(provider, claims);
      if (winner) return winner;
      throw err;
    }
    return user;
  }

  async function linkExisting(provider: ProviderRef, claims: ExternalProfile, user: UserRecord, email: string) {
    if (!claims.emailVerified || user.deletedAt)
      throw conflict(
        `An account with ${email} already exists. ${provider.name} did not confirm that this address is yours, so it cannot be linked: sign in with your password instead.`,
      );
    let current = user;
    if (!user.emailVerifiedAt) {
      // Pre-hijacking defence: whoever set this password never proved the mailbox, and the provider
      // just did. Their password and sessions go; the owner can set a password with "forgot password".
      const hadPassword = user.passwordHash !== null;
      current = (await storage.users.update(user.id, { emailVerifiedAt: clock.now(), passwordHash: null })) ?? user;
      current = await promoteListedAdmin(deps, current);
      if (hadPassword) {
        await deps.revokeAll(user.id);
        logger.warn({ userId: user.id, provider: provider.id }, 'oidc: unverified account claimed by verified email');
      }
      events.emit('user:updated', { userId: user.id });
    }
    return link(provider, claims, current, email);
  }

  async function create(provider: ProviderRef, claims: ExternalProfile, email: string): Promise<UserRecord> {
    const verified = claims.emailVerified;
    // ADMIN_EMAILS only counts for an address the provider vouches for.
    const admin = verified && isListedAdminEmail(config, email);
    const role = admin || (await storage.users.count()) === 0 ? 'admin' : 'user';
    const base = deriveUsername(claims);
    const displayName = displayNameFromClaim(claims.name, base);
    for (let attempt = 0; attempt < 8; attempt++) {
      const username = attempt === 0 ? base : `${base.slice(0, USERNAME_MAX_BASE)}${randomInt(1000, 100_000)}`;
      try {
        const user = await storage.users.create({
          email,
          username,
          displayName,
          passwordHash: null,
          role,
          emailVerifiedAt: verified ? clock.now() : null,
        });
        return await link(provider, claims, user, email);
      } catch (err) {
        if (!(err instanceof DuplicateKeyError)) throw err;
        if (err.field === 'email') throw conflict(`An account with ${email} already exists; try signing in again`);
        if (err.field !== 'username') throw err;
      }
    }
    throw conflict('Could not choose a free username; try again');
  }

  async function resolveUser(provider: ProviderRef, claims: ExternalProfile): Promise<UserRecord> {
    const linked = await fromIdentity(provider, claims);
    if (linked) return linked;
    const parsed = emailSchema.safeParse(claims.email ?? '');
    if (!parsed.success) throw unprocessable(noEmailMessage(provider));
    const email = parsed.data;
    const existing = await storage.users.findByEmail(email);
    if (existing) return linkExisting(provider, claims, existing, email);
    return create(provider, claims, email);
  }

  return {
    async resolve(provider: ProviderRef, claims: ExternalProfile): Promise<UserRecord> {
      const user = await resolveUser(provider, claims);
      await proveIfGithub(deps, provider, claims, user.id);
      return user;
    },

    ...createAccountLinker(deps),
  };
}

const noEmailMessage = (provider: ProviderRef) =>
  provider.id === 'github'
    ? 'Your GitHub account has no verified email address: verify one at GitHub, or sign in another way and link GitHub in Settings'
    : `${provider.name} did not share a valid email address; allow Charla to see your email and try again`;

export type OidcAccounts = ReturnType<typeof createOidcAccounts>;
