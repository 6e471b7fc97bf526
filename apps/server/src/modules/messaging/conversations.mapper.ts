import type {
  Conversation,
  ConversationSummary,
  MyConversationState,
  Participant,
  UserCard,
} from '@charla/shared-types';
import type {
  ConversationListItem,
  ConversationRecord,
  ParticipantRecord,
  Storage,
  UserRecord,
} from '../../storage/ports.ts';
import { serverMayReadContent } from './content-policy.ts';
import { permissionsFor, type ViewerStanding } from './conversations.permissions.ts';
import { toPreview } from './messages.mapper.ts';

export function toUserCard(id: string, user: UserRecord | null): UserCard {
  if (!user || user.deletedAt)
    return { id, username: 'deleted', displayName: 'Deleted account', avatarUrl: null, deleted: true };
  return { id, username: user.username, displayName: user.displayName, avatarUrl: user.avatarUrl, deleted: false };
}

/** Per-request user lookups with a cache (a member list names the same users again and again). */
export function createUserCards(storage: Storage) {
  const cache = new Map<string, Promise<UserCard>>();
  return {
    get(id: string): Promise<UserCard> {
      let card = cache.get(id);
      if (!card) {
        card = storage.users.findById(id).then((u) => toUserCard(id, u));
        cache.set(id, card);
      }
      return card;
    },
  };
}
export type UserCards = ReturnType<typeof createUserCards>;

export function toMyState(p: ParticipantRecord): MyConversationState {
  return {
    role: p.role,
    joinedSeq: p.joinedSeq,
    lastReadSeq: p.lastReadSeq,
    lastDeliveredSeq: p.lastDeliveredSeq,
    mutedUntil: p.mutedUntil ? p.mutedUntil.toISOString() : null,
    archived: p.archived,
    pinned: p.pinned,
    markedUnread: p.markedUnread,
  };
}

export async function toParticipantDto(p: ParticipantRecord, cards: UserCards): Promise<Participant> {
  return {
    conversationId: p.conversationId,
    userId: p.userId,
    role: p.role,
    joinedSeq: p.joinedSeq,
    lastReadSeq: p.lastReadSeq,
    lastDeliveredSeq: p.lastDeliveredSeq,
    joinedAt: p.joinedAt.toISOString(),
    user: await cards.get(p.userId),
  };
}

/** The other member of a direct chat, from its sorted "a:b" key. */
export function directPeerId(c: ConversationRecord, viewerId: string): string | null {
  if (c.kind !== 'direct' || !c.directKey) return null;
  const [a, b] = c.directKey.split(':');
  return a === viewerId ? (b ?? null) : (a ?? null);
}

export async function toConversationDto(
  c: ConversationRecord,
  viewerId: string,
  storage: Storage,
  cards: UserCards,
  /** Already counted (a list page counts its rows' members in one query). */
  knownMemberCount?: number,
): Promise<Conversation> {
  const peerId = directPeerId(c, viewerId);
  const [memberCount, peer] = await Promise.all([
    knownMemberCount ?? storage.participants.countActive(c.id),
    peerId ? cards.get(peerId) : Promise.resolve(null),
  ]);
  return {
    id: c.id,
    kind: c.kind,
    title: c.kind === 'direct' ? null : c.title,
    description: c.description ?? '',
    avatarUrl: c.avatarUrl,
    createdBy: c.createdBy,
    createdAt: c.createdAt.toISOString(),
    lastActivityAt: c.lastActivityAt.toISOString(),
    lastSeq: c.lastSeq,
    changeSeq: c.changeSeq,
    memberCount,
    historyForNewcomers: c.historyForNewcomers,
    onlyAdminsPost: c.onlyAdminsPost,
    peer,
    encrypted: c.encrypted,
  };
}

export async function toSummary(
  item: ConversationListItem,
  viewerId: string,
  storage: Storage,
  cards: UserCards,
  viewer?: ViewerStanding,
): Promise<ConversationSummary> {
  // An encrypted chat's list row previews only system lines (the server cannot read the rest).
  const last =
    item.lastMessage && (serverMayReadContent(item.conversation) || item.lastMessage.kind === 'system')
      ? item.lastMessage
      : null;
  return {
    ...(await toConversationDto(item.conversation, viewerId, storage, cards, item.memberCount)),
    lastMessage: last
      ? {
          ...toPreview(last),
          senderName: last.senderId ? (await cards.get(last.senderId)).displayName : null,
        }
      : null,
    unreadCount: item.unreadCount,
    unreadMentions: item.unreadMentions,
    me: toMyState(item.me),
    permissions: permissionsFor(item.conversation, item.me, viewer),
  };
}
