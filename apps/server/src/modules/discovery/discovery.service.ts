import { createHash, createHmac } from 'node:crypto';
import {
  DISCOVERY_HASH_ALGORITHM,
  type DiscoveryResult,
  type DiscoverySettings,
  normaliseDiscoveryEmail,
} from '@charla/shared-types';
import type { AppContext } from '../../app-context.ts';
import { AppError, notFound } from '../../http/errors.ts';
import type { UserRecord } from '../../storage/ports.ts';
import { toPublicProfile } from '../users/users.mapper.ts';

type Deps = Pick<AppContext, 'storage' | 'clock'> & { secret: Uint8Array };

/** hex(SHA-256(salt + "\n" + normalised email)): what the client computes (dto/discovery.ts). */
export const discoveryHash = (salt: string, email: string): string =>
  createHash('sha256')
    .update(`${salt}\n${normaliseDiscoveryEmail(email)}`)
    .digest('hex');

/**
 * Find friends. Only people who turned discovery on (off by default) and whose email is verified can
 * be found, and only by someone who already knows that address: the server never learns the
 * caller's address book beyond the hashes, and never says which hashes matched nobody.
 */
export function createDiscoveryService({ storage, clock, secret }: Deps) {
  // Derived from the server secret: stable across restarts, different per deployment, so hashes
  // from one Charla server are useless against another.
  const salt = createHmac('sha256', secret).update('charla-discovery-salt-v1').digest('base64url').slice(0, 32);
  const hashOf = (u: UserRecord) => discoveryHash(salt, u.email);

  async function live(userId: string): Promise<UserRecord> {
    const user = await storage.users.findById(userId);
    if (!user || user.deletedAt) throw notFound('User');
    return user;
  }

  return {
    salt,

    async settings(userId: string): Promise<DiscoverySettings> {
      const [user, row] = await Promise.all([live(userId), storage.discovery.find(userId)]);
      // A hash made under another secret (JWT_SECRET rotated) is refreshed the next time its owner looks.
      if (row && row.emailHash !== hashOf(user)) await storage.discovery.set(userId, hashOf(user), clock.now());
      return { discoverableByEmail: row !== null, salt, algorithm: DISCOVERY_HASH_ALGORITHM };
    },

    async update(userId: string, discoverableByEmail: boolean): Promise<DiscoverySettings> {
      const user = await live(userId);
      if (discoverableByEmail) {
        // An unverified address may be someone else's: being found under it would impersonate them.
        if (!user.emailVerifiedAt)
          throw new AppError(403, 'email_unverified', 'Verify your email address before others can find you by it');
        await storage.discovery.set(userId, hashOf(user), clock.now());
      } else {
        await storage.discovery.clear(userId);
      }
      return { discoverableByEmail, salt, algorithm: DISCOVERY_HASH_ALGORITHM };
    },

    async lookup(userId: string, hashes: string[]): Promise<DiscoveryResult> {
      const rows = await storage.discovery.match(hashes);
      const others = rows.filter((r) => r.userId !== userId);
      if (!others.length) return { matches: [] };
      const [users, blocked] = await Promise.all([
        storage.users.findByIds(others.map((r) => r.userId)),
        storage.blocks.blockedEitherWayAmong(
          userId,
          others.map((r) => r.userId),
        ),
      ]);
      const byId = new Map(users.map((u) => [u.id, u] as const));
      const hidden = new Set(blocked);
      const matches = others.flatMap((r) => {
        const u = byId.get(r.userId);
        // The stored hash must still be the one of a verified, current address of a live account.
        const findable =
          u && !u.deletedAt && !u.suspendedAt && u.emailVerifiedAt && !hidden.has(u.id) && hashOf(u) === r.emailHash;
        return findable ? [{ hash: r.emailHash, user: toPublicProfile(u) }] : [];
      });
      return { matches };
    },

    /** A deleted account can no longer be found. */
    async forget(userId: string): Promise<void> {
      await storage.discovery.clear(userId);
    },
  };
}

export type DiscoveryService = ReturnType<typeof createDiscoveryService>;
