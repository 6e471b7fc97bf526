import { AppError, forbidden, notFound } from '../../http/errors.ts';
import type { ConversationRecord, ParticipantRecord, ParticipantRole, Storage } from '../../storage/ports.ts';

export type Membership = { conversation: ConversationRecord; me: ParticipantRecord };

/**
 * The conversation and the caller's active membership, or 404: a private conversation's existence is
 * never revealed to a non-member (REST and sockets use this same check).
 */
export async function requireMember(storage: Storage, conversationId: string, userId: string): Promise<Membership> {
  const [conversation, me] = await Promise.all([
    storage.conversations.findById(conversationId),
    storage.participants.find(conversationId, userId),
  ]);
  if (!conversation || conversation.deletedAt || !me || me.leftAt) throw notFound('Conversation');
  return { conversation, me };
}

/** Members, or anyone for a public channel (read-only access: `me` is null for a non-member). */
export async function requireReader(
  storage: Storage,
  conversationId: string,
  userId: string,
): Promise<{ conversation: ConversationRecord; me: ParticipantRecord | null }> {
  const [conversation, me] = await Promise.all([
    storage.conversations.findById(conversationId),
    storage.participants.find(conversationId, userId),
  ]);
  if (!conversation || conversation.deletedAt) throw notFound('Conversation');
  const active = me && !me.leftAt ? me : null;
  if (!active && conversation.kind !== 'channel') throw notFound('Conversation');
  return { conversation, me: active };
}

const rank: Record<ParticipantRole, number> = { member: 0, admin: 1, owner: 2 };
export const atLeast = (role: ParticipantRole, needed: ParticipantRole) => rank[role] >= rank[needed];

export function requireRole(m: Membership, needed: ParticipantRole, what = 'do that'): void {
  if (m.conversation.kind === 'direct') throw forbidden(`Direct chats have no admins: you cannot ${what}`);
  if (!atLeast(m.me.role, needed)) throw forbidden(`Only a group ${needed} can ${what}`);
}

/** The lowest seq the member may see (0 when the group shows full history to newcomers). */
export const visibilityFloor = (c: ConversationRecord, p: ParticipantRecord | null) =>
  !p || c.historyForNewcomers ? 0 : p.joinedSeq;

/** Removal is a ban until someone adds the person back: invites and public joins do not undo it. */
export const removedError = () =>
  new AppError(403, 'removed_from_conversation', 'You were removed from this conversation; an admin can add you back');
