import type { ConversationPermissions, PostRestriction } from '@charla/shared-types';
import { AppError } from '../../http/errors.ts';
import type { ConversationRecord, ParticipantRecord, Storage } from '../../storage/ports.ts';

/**
 * Who may do what in a conversation: the ONE place these rules live. Services enforce them on every
 * REST and socket path (send, forward, edit, react), and the same function fills the `permissions`
 * flags of the conversation DTO, so the client's composer can never disagree with the server.
 */

/** The viewer's account-level standing (ALLOW_UNVERIFIED_CHAT); true where nothing limits it. */
export type ViewerStanding = { mayChat: boolean };
export type Standing = (userId: string) => Promise<ViewerStanding>;

export const everyoneMayChat: Standing = async () => ({ mayChat: true });

/**
 * ALLOW_UNVERIFIED_CHAT=false: only accounts with a verified email send, forward, edit, react and
 * start conversations (reading, joining and leaving stay open). With the default (true) this costs
 * no lookup at all.
 */
export function createStanding(storage: Storage, allowUnverifiedChat: boolean): Standing {
  if (allowUnverifiedChat) return everyoneMayChat;
  return async (userId) => {
    const user = await storage.users.findById(userId);
    return { mayChat: Boolean(user?.emailVerifiedAt) && !user?.deletedAt };
  };
}

/** Throws 403 email_unverified when the account may not chat yet. */
export async function requireChat(standing: Standing, userId: string): Promise<ViewerStanding> {
  const s = await standing(userId);
  if (!s.mayChat) throw postingError('email_unverified');
  return s;
}

const isModerator = (c: ConversationRecord, me: ParticipantRecord | null) =>
  c.kind !== 'direct' && me !== null && (me.role === 'owner' || me.role === 'admin');

/** Null when the viewer may post; else why not. `me` is the ACTIVE membership or null. */
export function postRestriction(
  c: ConversationRecord,
  me: ParticipantRecord | null,
  viewer: ViewerStanding = { mayChat: true },
): PostRestriction | null {
  if (!me) return 'not_member';
  if (c.onlyAdminsPost && c.kind !== 'direct' && !isModerator(c, me)) return 'admins_only';
  if (!viewer.mayChat) return 'email_unverified';
  return null;
}

/** `wasRemoved`: a non-member who was removed may not join again by themselves (removal is a ban). */
export function permissionsFor(
  c: ConversationRecord,
  me: ParticipantRecord | null,
  viewer: ViewerStanding = { mayChat: true },
  wasRemoved = false,
): ConversationPermissions {
  const restriction = postRestriction(c, me, viewer);
  const moderator = isModerator(c, me);
  return {
    canPost: restriction === null,
    cannotPostReason: restriction,
    // Reactions follow the posting rule: in an announcement channel members read, they do not answer.
    canReact: restriction === null,
    canEditInfo: moderator,
    canInvite: moderator,
    canModerate: moderator,
    canJoin: me === null && !wasRemoved && c.kind === 'channel' && c.deletedAt === null,
  };
}

const messages: Record<PostRestriction, string> = {
  not_member: 'Join the conversation to post in it',
  admins_only: 'Only admins can post in this conversation',
  email_unverified: 'Verify your email address to send messages',
};

export const postingError = (restriction: PostRestriction): AppError =>
  restriction === 'email_unverified'
    ? new AppError(403, 'email_unverified', messages.email_unverified)
    : new AppError(403, 'posting_restricted', messages[restriction]);

/** Throws the 403 for a member who may not post (send, forward into, edit, react). */
export function requirePost(
  c: ConversationRecord,
  me: ParticipantRecord,
  viewer: ViewerStanding = { mayChat: true },
): void {
  const restriction = postRestriction(c, me, viewer);
  if (restriction) throw postingError(restriction);
}
