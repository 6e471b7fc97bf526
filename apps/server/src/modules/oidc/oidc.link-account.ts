import type { AppContext } from '../../app-context.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { DuplicateKeyError } from '../../storage/ports.ts';
import { proveIfGithub } from './github.social.ts';
import type { ExternalProfile, ProviderRef } from './oidc.verify.ts';

export const linkedElsewhere = (provider: ProviderRef) =>
  new AppError(
    409,
    'identity_linked_elsewhere',
    `This ${provider.name} account is already linked to another Charla account; unlink it there first`,
  );

/**
 * Signed in and linking from Settings: the external account joins that user. No email matching
 * here (the person is already signed in); an external account linked to someone else is refused.
 */
export function createAccountLinker(deps: Pick<AppContext, 'storage' | 'clock' | 'logger'>) {
  const { storage, clock, logger } = deps;

  async function insert(provider: ProviderRef, claims: ExternalProfile, userId: string) {
    try {
      await storage.identities.create({
        provider: provider.id,
        subject: claims.sub,
        userId,
        email: claims.emailVerified ? claims.email : null,
        accountName: claims.accountName,
        now: clock.now(),
      });
    } catch (err) {
      if (!(err instanceof DuplicateKeyError)) throw err;
      // Someone linked it between our check and the insert.
      if ((await storage.identities.find(provider.id, claims.sub))?.userId !== userId) throw linkedElsewhere(provider);
    }
  }

  return {
    async linkTo(provider: ProviderRef, claims: ExternalProfile, userId: string): Promise<void> {
      const user = await storage.users.findById(userId);
      if (!user || user.deletedAt) throw notFound('Account');
      const existing = await storage.identities.find(provider.id, claims.sub);
      if (existing && existing.userId !== userId) throw linkedElsewhere(provider);
      if (existing) await storage.identities.touch(existing.id, clock.now(), claims.accountName ?? undefined);
      else await insert(provider, claims, userId);
      await proveIfGithub(deps, provider, claims, userId);
      logger.info({ userId, provider: provider.id }, 'oidc: external account linked');
    },
  };
}
