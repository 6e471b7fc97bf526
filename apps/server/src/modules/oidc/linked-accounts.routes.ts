import { type LinkedAccount, type LinkedAccountList, paths } from '@charla/shared-types';
import { Router } from 'express';
import type { AppContext } from '../../app-context.ts';
import { sendData, sendEmpty } from '../../http/envelope.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { below, callerId, idParam } from '../../http/request.ts';
import type { IdentityRecord } from '../../storage/ports.ts';
import { unproveGithubLogin } from './github.social.ts';
import type { OidcRegistry } from './oidc.registry.ts';

const KNOWN_NAMES: Record<string, string> = { google: 'Google', github: 'GitHub', oidc: 'Single sign-on' };

/**
 * Settings › Linked accounts: the external accounts one can sign in with, and unlinking them.
 * Never the last way in: without a password, at least one other linked account (of a provider this
 * server still offers) must remain.
 */
export function linkedAccountRoutes(ctx: AppContext, registry: OidcRegistry): Router {
  const { storage, requireAuth, logger } = ctx;
  const router = Router();
  const configured = () => new Map(registry.list().map((p) => [p.id, p.name]));
  const toDto = (i: IdentityRecord, names: Map<string, string>): LinkedAccount => ({
    id: i.id,
    provider: i.provider,
    providerName: names.get(i.provider) ?? KNOWN_NAMES[i.provider] ?? i.provider,
    accountName: i.accountName ?? i.email,
    linkedAt: i.createdAt.toISOString(),
    lastUsedAt: i.lastUsedAt.toISOString(),
  });
  // Two unlinks of one person's last two accounts must not both pass the "another way remains"
  // check: one at a time per user (per process; a second node is the remaining gap).
  const queues = new Map<string, Promise<unknown>>();
  const oneAtATime = <T>(userId: string, work: () => Promise<T>): Promise<T> => {
    const next = (queues.get(userId) ?? Promise.resolve()).catch(() => undefined).then(work);
    queues.set(userId, next);
    void next.finally(() => queues.get(userId) === next && queues.delete(userId)).catch(() => undefined);
    return next;
  };

  router.get(below('/auth/linked-accounts', paths.auth.linkedAccounts), requireAuth, async (req, res) => {
    const userId = callerId(req);
    const [user, identities] = await Promise.all([
      storage.users.findById(userId),
      storage.identities.listByUser(userId),
    ]);
    if (!user) throw notFound('Account');
    const names = configured();
    const body: LinkedAccountList = {
      items: identities.map((i) => toDto(i, names)),
      hasPassword: user.passwordHash !== null,
    };
    sendData(res, body);
  });

  router.delete('/:id', requireAuth, async (req, res) => {
    const userId = callerId(req);
    const id = idParam(req, 'id', 'Linked account');
    await oneAtATime(userId, async () => {
      const [user, identities] = await Promise.all([
        storage.users.findById(userId),
        storage.identities.listByUser(userId),
      ]);
      const target = identities.find((i) => i.id === id);
      if (!user || !target) throw notFound('Linked account');
      const names = configured();
      const others = identities.filter((i) => i.id !== id && names.has(i.provider));
      if (user.passwordHash === null && others.length === 0)
        throw new AppError(
          409,
          'last_sign_in_method',
          'This is your only way to sign in: set a password or link another account before unlinking it',
        );
      await storage.identities.remove(target.provider, target.subject);
      if (target.provider === 'github') await unproveGithubLogin(ctx, userId, target.accountName);
      logger.info({ userId, provider: target.provider }, 'oidc: external account unlinked');
    });
    sendEmpty(res, 200, 'Account unlinked');
  });

  return router;
}
