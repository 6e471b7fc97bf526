import { AsyncLocalStorage } from 'node:async_hooks';
import { HOME_SPACE_ID } from '@charla/shared-types';
import type { SpaceRecord, Storage } from '../ports.ts';

/**
 * The space a piece of work acts in. HTTP requests and socket commands enter one (modules/spaces
 * sets it from the X-Charla-Space header or the socket's handshake); everything they start, awaited
 * or not, stays in it. Work outside any scope (start-up, timers) acts in the home space.
 */
export type SpaceScope = { spaceId: string; space: SpaceRecord | null };

const scopes = new AsyncLocalStorage<SpaceScope>();
const HOME: SpaceScope = { spaceId: HOME_SPACE_ID, space: null };

export const currentSpace = (): SpaceScope => scopes.getStore() ?? HOME;
export const currentSpaceId = (): string => scopes.getStore()?.spaceId ?? HOME_SPACE_ID;
export const isHomeSpace = (spaceId: string): boolean => spaceId === HOME_SPACE_ID;
/** Space ids become file and database names: only these characters (checked before any lookup or path). */
export const isSpaceId = (value: string): boolean => /^[A-Za-z0-9_-]{1,64}$/.test(value);

export function runInSpace<T>(scope: SpaceScope, fn: () => T): T {
  return scopes.run(scope, fn);
}

/** Repositories kept once for the whole server, in the home database (accounts and devices). */
export const GLOBAL_REPOS = [
  'users',
  'sessions',
  'oneTimeTokens',
  'pendingRegistrations',
  'blocks',
  'identities',
  'pushSubscriptions',
  'pushQueue',
  'emailDigest',
  'contacts',
  'discovery',
  'socialLinks',
  'spaces',
] as const satisfies readonly (keyof Storage)[];

/** Repositories each space keeps in its own database. */
export const SPACE_REPOS = [
  'conversations',
  'participants',
  'messages',
  'invites',
  'media',
  'sharedItems',
  'reports',
  'auditLog',
  'stats',
  'translations',
  'linkPreviews',
  'points',
  'leaderboards',
  'pointsHistory',
] as const satisfies readonly (keyof Storage)[];

/** End-to-end encryption: a device and its KeyPackages belong to the account; groups to the space. */
export const GLOBAL_E2EE_METHODS = new Set<keyof Storage['e2ee']>([
  'registerDevice',
  'findDevice',
  'listDevices',
  'revokeDevice',
  'revokeSessionDevices',
  'addKeyPackages',
  'keyPackageStatus',
  'claimKeyPackage',
]);

/**
 * Translation quotas are the account's and the site's (they cap the paid provider's daily bill):
 * counted once in the home database, whatever space the text was in. The cache and the auto
 * setting belong to the space's messages.
 */
export const GLOBAL_TRANSLATION_METHODS = new Set<keyof Storage['translations']>(['reserve', 'release', 'usage']);
