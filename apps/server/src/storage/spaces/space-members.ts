import type { Storage } from '../ports.ts';
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
