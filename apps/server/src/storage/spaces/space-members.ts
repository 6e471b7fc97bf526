import type { SpaceRecord, Storage } from '../ports.ts';
import { currentSpace, isHomeSpace } from './space-scope.ts';

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
