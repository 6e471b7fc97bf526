import { conflict } from '../../http/errors.ts';
import type { Storage } from '../../storage/ports.ts';
import { type Membership, requireMember } from '../messaging/conversations.access.ts';

/** An active member of an encrypted conversation (404 for non-members, like every conversation route). */
export async function requireEncryptedMember(
  storage: Storage,
  conversationId: string,
  userId: string,
): Promise<Membership> {
  const m = await requireMember(storage, conversationId, userId);
  if (!m.conversation.encrypted) throw conflict('This conversation is not end-to-end encrypted');
  return m;
}
