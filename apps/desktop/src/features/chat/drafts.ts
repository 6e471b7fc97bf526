/** Unsent composer text, per conversation, in localStorage (it survives reloads and restarts). */
const DRAFT_PREFIX = 'charla.draft.';

export const draftKey = (conversationId: string) => `${DRAFT_PREFIX}${conversationId}`;

/**
 * Removes every draft. Called when the session ends (sign-out, revoked or expired session), so the
 * next person at this browser or desktop does not find the previous user's unsent text.
 */
export function clearDrafts(storage: Pick<Storage, 'length' | 'key' | 'removeItem'> = localStorage): void {
  const keys: string[] = [];
  for (let i = 0; i < storage.length; i++) {
    const key = storage.key(i);
    if (key?.startsWith(DRAFT_PREFIX)) keys.push(key);
  }
  for (const key of keys) storage.removeItem(key);
}
