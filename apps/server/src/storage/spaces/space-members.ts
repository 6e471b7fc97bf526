import { HOME_SPACE_ID } from '@charla/shared-types';
import type { SpaceRecord, Storage } from '../ports.ts';
import { currentSpace, isHomeSpace, runInSpace } from './space-scope.ts';

/**
 * Whether this account is in the space the caller is working in (everyone is in the home space).
 * Conversations in a space only ever hold its members: starting a chat with, or adding, anyone
 * else is answered as if they did not exist.
 */
export async function inCurrentSpace(storage: Storage, userId: string): Promise<boolean> {
  const { spaceId } = currentSpace();
  if (isHomeSpace(spaceId)) return true;
  return (await storage.spaces.findMember(spaceId, userId)) !== null;
}

/** The rules of the space the caller is working in, read fresh (an owner may have just changed them); null at home. */
export async function currentSpaceRules(storage: Storage): Promise<SpaceRecord | null> {
  const { spaceId } = currentSpace();
  return isHomeSpace(spaceId) ? null : storage.spaces.findById(spaceId);
}

/** Channels: anyone at home; in a space, members only when its owners allow it (admins always). */
export async function mayCreateChannelHere(storage: Storage, userId: string): Promise<boolean> {
  const rules = await currentSpaceRules(storage);
  if (!rules || rules.membersMayCreateChannels) return true;
  const me = await storage.spaces.findMember(rules.id, userId);
  return me !== null && me.role !== 'member';
}

/**
 * Runs `fn` in the home space and then in every space this account is in: for account-level
 * changes that touch state each space keeps (a new or revoked encryption device changes the
 * rosters of the account's encrypted groups in every space).
 */
export async function inEverySpaceOf(storage: Storage, userId: string, fn: () => Promise<void>): Promise<void> {
  await runInSpace({ spaceId: HOME_SPACE_ID, space: null }, fn);
  for (const { space } of await storage.spaces.listForUser(userId)) await runInSpace({ spaceId: space.id, space }, fn);
}
