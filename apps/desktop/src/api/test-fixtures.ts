import type { ConversationSummary, Message, Participant } from '@charla/shared-types';

/** Builders for component tests: valid DTOs with overridable fields. */
export function message(over: Partial<Message> & { seq: number }): Message {
  return {
    id: `m${over.seq}`,
    conversationId: 'c1',
    senderId: 'u2',
    clientMsgId: null,
    kind: 'text',
    text: `message ${over.seq}`,
    attachments: [],
    replyTo: null,
    forwardedFrom: null,
    mentions: [],
    reactions: [],
    system: null,
    editedAt: null,
    deletedAt: null,
    createdAt: new Date(Date.UTC(2026, 0, 1, 10, 0, over.seq)).toISOString(),
    ...over,
  };
}

export function summary(over: Partial<ConversationSummary> & { id: string }): ConversationSummary {
  return {
    kind: 'direct',
    title: null,
    description: '',
    avatarUrl: null,
    createdBy: 'u1',
    createdAt: '2026-01-01T00:00:00.000Z',
    lastActivityAt: '2026-01-01T00:00:00.000Z',
    lastSeq: 0,
    changeSeq: 0,
    memberCount: 2,
    historyForNewcomers: false,
    onlyAdminsPost: false,
    peer: { id: 'u2', username: 'ben', displayName: 'Ben', avatarUrl: null, deleted: false },
    lastMessage: null,
    unreadCount: 0,
    unreadMentions: 0,
    me: {
      role: 'member',
      joinedSeq: 0,
      lastReadSeq: 0,
      lastDeliveredSeq: 0,
      mutedUntil: null,
      archived: false,
      pinned: false,
    },
    permissions: {
      canPost: true,
      cannotPostReason: null,
      canReact: true,
      canEditInfo: false,
      canInvite: false,
      canModerate: false,
      canJoin: false,
    },
    ...over,
  };
}

export function participant(userId: string, over: Partial<Participant> = {}): Participant {
  return {
    conversationId: 'c1',
    userId,
    role: 'member',
    joinedSeq: 0,
    lastReadSeq: 0,
    lastDeliveredSeq: 0,
    joinedAt: '2026-01-01T00:00:00.000Z',
    user: { id: userId, username: userId, displayName: userId.toUpperCase(), avatarUrl: null, deleted: false },
    ...over,
  };
}
