import type { AppContext } from '../../app-context.ts';
import type { ExternalProfile, ProviderRef } from './oidc.verify.ts';

type Deps = Pick<AppContext, 'storage' | 'clock'>;

/**
 * A GitHub login proven by sign-in or linking becomes the person's GitHub social profile, marked
 * verified. Its visibility stays whatever they chose; a new one starts as "people I share a
 * conversation with" (linking to sign in is not consent to publish it to everyone).
 */
export async function proveGithubLogin({ storage, clock }: Deps, userId: string, login: string): Promise<void> {
  const current = (await storage.socialLinks.list(userId)).find((l) => l.network === 'github');
  if (current?.verified && current.handle === login) return;
  await storage.socialLinks.save(
    { userId, network: 'github', handle: login, visibility: current?.visibility ?? 'shared', verified: true },
    clock.now(),
  );
}

/** Unlinked: the profile link stays (the person may still want it shown) but is no longer verified. */
export async function unproveGithubLogin(
  { storage, clock }: Deps,
  userId: string,
  login: string | null,
): Promise<void> {
  const current = (await storage.socialLinks.list(userId)).find((l) => l.network === 'github');
  if (!current?.verified) return;
  if (login && current.handle.toLowerCase() !== login.toLowerCase()) return;
  await storage.socialLinks.save({ ...current, verified: false }, clock.now());
}

/** Whether a typed-in GitHub handle is one of the person's linked (proven) GitHub logins. */
export async function isProvenGithubLogin({ storage }: Pick<Deps, 'storage'>, userId: string, handle: string) {
  const identities = await storage.identities.listByUser(userId);
  const wanted = handle.toLowerCase();
  return identities.some((i) => i.provider === 'github' && i.accountName?.toLowerCase() === wanted);
}

/** After a GitHub sign-in or link: its login becomes (or stays) the verified GitHub profile. */
export async function proveIfGithub(deps: Deps, provider: ProviderRef, profile: ExternalProfile, userId: string) {
  if (provider.id !== 'github' || !profile.accountName) return;
  await proveGithubLogin(deps, userId, profile.accountName);
}
