import {
  type DeleteAccountRequest,
  type Me,
  type Page,
  type PublicProfile,
  RECENT_SIGN_IN_MS,
  type UpdateMe,
} from '@charla/shared-types';
import type { AppContext } from '../../app-context.ts';
import { badRequest, conflict, forbidden, notFound, validationFailed } from '../../http/errors.ts';
import { DuplicateKeyError, type UserRecord } from '../../storage/ports.ts';
import { storedPreferences, toMe, toPublicProfile } from './users.mapper.ts';

/** Checks a password against its stored hash (the auth module's hasher). */
export type PasswordCheck = { verify(password: string, hash: string): Promise<boolean> };

type Deps = Pick<AppContext, 'storage' | 'clock' | 'events' | 'logger'> & { hasher: PasswordCheck };

/** Ids come from URLs: anything that cannot be an id is simply not found. */
const plausibleId = (id: string) => id.length > 0 && id.length <= 100;

export function createUsersService(deps: Deps) {
  const { storage, clock, events, hasher } = deps;

  async function live(id: string): Promise<UserRecord> {
    const user = plausibleId(id) ? await storage.users.findById(id) : null;
    if (!user || user.deletedAt) throw notFound('User');
    return user;
  }

  return {
    /**
     * People search by username and display name. Emails are matched only for site admins: profiles
     * hide them, so extending a prefix one character at a time must not reveal anyone's address.
     */
    async search(me: string, q: string, limit: number, cursor?: string): Promise<Page<PublicProfile>> {
      const caller = await storage.users.findById(me);
      const matchEmail = caller?.role === 'admin' && !caller.suspendedAt && !caller.deletedAt;
      const page = await storage.users.search(q, {
        excludeId: me,
        limit,
        matchEmail,
        ...(cursor ? { cursor } : {}),
      });
      return { items: page.items.map((u) => toPublicProfile(u)), nextCursor: page.nextCursor };
    },

    /** Deleted accounts still resolve (as "Deleted account") so old conversations can show them. */
    async profile(viewerId: string, id: string): Promise<PublicProfile> {
      const user = plausibleId(id) ? await storage.users.findById(id) : null;
      if (!user) throw notFound('User');
      // Last seen follows the live-presence rule: a shared direct chat or group, no block either way.
      const [sharing, blocked] = await Promise.all([
        storage.participants.sharingChatsWith(viewerId, [id]),
        storage.blocks.blockedEitherWayAmong(viewerId, [id]),
      ]);
      return toPublicProfile(user, sharing.length > 0 && blocked.length === 0);
    },

    async me(id: string): Promise<Me> {
      return toMe(await live(id));
    },

    async updateMe(id: string, patch: UpdateMe): Promise<Me> {
      const user = await live(id);
      try {
        const { preferences, ...profile } = patch;
        const merged = preferences
          ? Object.fromEntries(
              Object.entries({ ...storedPreferences(user.preferences), ...preferences }).filter(([, v]) => v !== null),
            )
          : undefined;
        const updated = await storage.users.update(id, { ...profile, ...(merged ? { preferences: merged } : {}) });
        if (!updated) throw notFound('User');
        events.emit('user:updated', { userId: id });
        return toMe(updated);
      } catch (err) {
        if (err instanceof DuplicateKeyError) throw conflict('This username is taken', { username: ['Already taken'] });
        throw err;
      }
    },

    /** Keeps the row (messages reference it) but strips everything personal. */
    async deleteMe(id: string, sessionId: string, confirmation: DeleteAccountRequest): Promise<void> {
      const user = await live(id);
      const now = clock.now();
      if (user.passwordHash) {
        if (!confirmation.password) throw validationFailed({ password: ['Required'] }, 'Enter your password');
        if (!(await hasher.verify(confirmation.password, user.passwordHash)))
          throw validationFailed({ password: ['Wrong password'] }, 'Wrong password');
      } else {
        // No password to re-check (Google/OIDC account): a fresh sign-in through the provider plus the
        // typed username stand in for it.
        if (confirmation.confirmUsername?.toLowerCase() !== user.username.toLowerCase())
          throw validationFailed(
            { confirmUsername: ['Type your username to confirm'] },
            'Type your username to confirm',
          );
        const session = await storage.sessions.findById(sessionId);
        if (!session || now.getTime() - session.createdAt.getTime() > RECENT_SIGN_IN_MS)
          throw forbidden('Sign in again, then delete your account within 10 minutes');
      }
      const tag = id.replace(/-/g, '').slice(0, 24);
      await storage.users.update(id, {
        email: `deleted-${id}@deleted.invalid`,
        emailVerifiedAt: null,
        username: `deleted_${tag}`,
        displayName: 'Deleted account',
        about: '',
        avatarUrl: null,
        passwordHash: null,
        lastSeenAt: null,
        lastSeenVisibility: 'nobody',
        deletedAt: now,
      });
      await storage.oneTimeTokens.invalidateForUser(id, 'verify_email', now);
      await storage.oneTimeTokens.invalidateForUser(id, 'reset_password', now);
      for (const identity of await storage.identities.listByUser(id))
        await storage.identities.remove(identity.provider, identity.subject);
      const revoked = await storage.sessions.revokeAllForUser(id, now);
      for (const sessionId of revoked) events.emit('session:revoked', { sessionId, userId: id });
      events.emit('user:deleted', { userId: id });
    },

    async block(me: string, other: string): Promise<void> {
      if (me === other) throw badRequest('You cannot block yourself');
      await live(other);
      await storage.blocks.block(me, other);
      events.emit('user:blocked', { userId: me, otherId: other });
    },

    async unblock(me: string, other: string): Promise<void> {
      if (!plausibleId(other)) throw notFound('User');
      await storage.blocks.unblock(me, other);
    },

    async blocked(me: string): Promise<PublicProfile[]> {
      const ids = await storage.blocks.listBlocked(me);
      const users = await Promise.all(ids.map((id) => storage.users.findById(id)));
      return users.filter((u): u is UserRecord => u !== null).map((u) => toPublicProfile(u));
    },
  };
}

export type UsersService = ReturnType<typeof createUsersService>;
