import { deleteDB } from 'idb';

/*
 * Sign-out deletes this device's encrypted-chat database (keys, MLS states, decrypted messages).
 * Kept apart from idb-store.ts so the sign-out path never loads the MLS code. The server revokes the
 * session's device itself when the session ends.
 */
export const e2eeDbName = (userId: string) => `charla-e2ee-${userId}`;

export async function wipeE2eeDevice(userId: string): Promise<void> {
  await deleteDB(e2eeDbName(userId)).catch(() => undefined);
}
