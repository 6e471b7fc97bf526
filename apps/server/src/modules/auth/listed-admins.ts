import type { AppContext } from '../../app-context.ts';
import type { UserRecord } from '../../storage/ports.ts';

type Deps = Pick<AppContext, 'config' | 'storage' | 'events' | 'logger'>;

/** Whether `email` (already normalised) is listed in ADMIN_EMAILS. */
export const isListedAdminEmail = (config: Deps['config'], email: string): boolean =>
  config.ADMIN_EMAILS.some((e) => e.trim().toLowerCase() === email);

/**
 * ADMIN_EMAILS grants site admin only to someone who proved the mailbox: call this right after an
 * account's email became verified (the mailed link, a password reset link, or an OIDC provider that
 * vouches for the address). It is NOT re-applied at sign-in, so an admin another admin demoted stays
 * demoted; and whoever registers a listed address without owning it never gets the role.
 */
export async function promoteListedAdmin(deps: Deps, user: UserRecord): Promise<UserRecord> {
  if (user.role === 'admin' || !user.emailVerifiedAt || user.deletedAt) return user;
  if (!isListedAdminEmail(deps.config, user.email)) return user;
  const updated = await deps.storage.users.update(user.id, { role: 'admin' });
  deps.logger.info({ userId: user.id }, 'ADMIN_EMAILS: verified address granted site admin');
  deps.events.emit('user:updated', { userId: user.id });
  return updated ?? user;
}
