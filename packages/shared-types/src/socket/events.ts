import { z } from 'zod';
import type { Conversation, ConversationSummary, MyConversationState, Participant } from '../dto/conversation.ts';
import type { E2eeMessageEvent, E2eeRosterStaleEvent, E2eeWelcomeEvent } from '../dto/e2ee.ts';
import {
  clientMsgIdSchema,
  deleteScopeSchema,
  emojiSchema,
  type Message,
  messageTextSchema,
  type ReactionSummary,
  type Receipt,
} from '../dto/message.ts';
import type { AchievementEarnedEvent } from '../dto/points.ts';

const id = z.string().min(1).max(64);

// ---- client -> server payloads (the table in commands.ts pairs each with its command and ack) ----

/** The REST send body plus conversationId. */
export const socketSendMessageSchema = z
  .object({
    conversationId: id,
    clientMsgId: clientMsgIdSchema,
    text: messageTextSchema.default(''),
    attachments: z.array(id).max(10).default([]),
    replyToId: id.optional(),
    mentions: z.array(id).max(50).default([]),
  })
  .strict()
  .refine((m) => m.text.trim().length > 0 || m.attachments.length > 0, {
    message: 'A message needs text or an attachment',
    path: ['text'],
  });
export type SocketSendMessage = z.input<typeof socketSendMessageSchema>;

export const socketEditMessageSchema = z
  .object({ messageId: id, text: messageTextSchema.refine((t) => t.trim().length > 0, 'Required') })
  .strict();
export const socketDeleteMessageSchema = z
  .object({ messageId: id, for: deleteScopeSchema.default('everyone') })
  .strict();
export const socketReactSchema = z.object({ messageId: id, emoji: emojiSchema, on: z.boolean() }).strict();
/** Read and delivered cursors: monotonic, lower values are ignored. */
export const socketSeqSchema = z.object({ conversationId: id, seq: z.number().int().min(0) }).strict();
export const socketConversationRefSchema = z.object({ conversationId: id }).strict();
export const presenceStatusSchema = z.enum(['online', 'away', 'offline']);
export type PresenceStatus = z.infer<typeof presenceStatusSchema>;
export const socketSetPresenceSchema = z.object({ status: z.enum(['online', 'away']) }).strict();
export const socketPresenceSubscribeSchema = z.object({ userIds: z.array(id).min(1).max(500) }).strict();

export const presenceSchema = z.object({
  userId: z.string(),
  status: presenceStatusSchema,
  /** null when hidden by the user's privacy setting or never seen. */
  lastSeenAt: z.string().nullable(),
});
export type Presence = z.infer<typeof presenceSchema>;

// ---- server -> client facts ----

export type MessageCreatedEvent = {
  message: Message;
  changeSeq: number;
  /** Users to notify even if they muted the conversation (mentioned). */
  notifyEvenIfMuted: string[];
};
export type MessageUpdatedEvent = { message: Message; changeSeq: number };
/** forEveryone: the tombstone; for me: only the caller's devices get it and drop the message. */
export type MessageDeletedEvent = {
  conversationId: string;
  messageId: string;
  seq: number;
  scope: 'everyone' | 'me';
  message: Message | null;
  changeSeq: number;
};
export type ReactionUpdatedEvent = {
  conversationId: string;
  messageId: string;
  reactions: ReactionSummary[];
  /** Who changed what. */
  userId: string;
  emoji: string;
  added: boolean;
  changeSeq: number;
};
export type ReceiptUpdatedEvent = Receipt & { changeSeq: number };
export type TypingEvent = { conversationId: string; userId: string; typing: boolean };
export type ConversationCreatedEvent = { conversation: ConversationSummary };
/** `me` is present only on the events sent to the member whose own state changed. */
export type ConversationUpdatedEvent = {
  conversationId: string;
  conversation: Conversation | null;
  me: MyConversationState | null;
  changeSeq: number;
};
export type ConversationRemovedEvent = { conversationId: string; reason: 'left' | 'removed' | 'deleted' };
export type ParticipantJoinedEvent = { conversationId: string; participant: Participant; changeSeq: number };
export type ParticipantLeftEvent = {
  conversationId: string;
  userId: string;
  reason: 'left' | 'removed';
  changeSeq: number;
};
export type ParticipantUpdatedEvent = { conversationId: string; participant: Participant; changeSeq: number };

export type ServerToClientEvents = {
  'message:created': (e: MessageCreatedEvent) => void;
  'message:updated': (e: MessageUpdatedEvent) => void;
  'message:deleted': (e: MessageDeletedEvent) => void;
  'reaction:updated': (e: ReactionUpdatedEvent) => void;
  'receipt:updated': (e: ReceiptUpdatedEvent) => void;
  typing: (e: TypingEvent) => void;
  presence: (e: Presence) => void;
  'conversation:created': (e: ConversationCreatedEvent) => void;
  'conversation:updated': (e: ConversationUpdatedEvent) => void;
  'conversation:removed': (e: ConversationRemovedEvent) => void;
  'participant:joined': (e: ParticipantJoinedEvent) => void;
  'participant:left': (e: ParticipantLeftEvent) => void;
  'participant:updated': (e: ParticipantUpdatedEvent) => void;
  'e2ee:message': (e: E2eeMessageEvent) => void;
  'e2ee:welcome': (e: E2eeWelcomeEvent) => void;
  'e2ee:roster_stale': (e: E2eeRosterStaleEvent) => void;
  /** To the earner's devices only: an achievement tier was just earned (the client shows a toast). */
  'points:achievement': (e: AchievementEarnedEvent) => void;
  /**
   * To all of a user's sockets, whatever space they are open in: something new for them happened in
   * another space (the switcher refreshes its unread badges). Carries no content.
   */
  'space:activity': (e: SpaceActivityEvent) => void;
};

export type SpaceActivityEvent = { spaceId: string };

export type InterServerEvents = Record<string, never>;

/** Set by the handshake: who this socket is. */
export type SocketData = { userId: string; sessionId: string; role: 'user' | 'admin'; spaceId: string };

/** `connect_error` reasons: `err.data.code`. token_expired -> refresh then reconnect; others -> sign in again. */
export const socketAuthErrorCodes = [
  'token_expired',
  'unauthenticated',
  'session_revoked',
  'account_suspended',
  /** The handshake named a space that does not exist or that this account is not in. */
  'space_not_found',
] as const;
export type SocketAuthErrorCode = (typeof socketAuthErrorCodes)[number];
export type SocketAuthErrorData = { code: SocketAuthErrorCode };

/** Socket.IO path and the handshake field carrying the access token: `io(url, { auth: { token } })`. */
export const SOCKET_PATH = '/socket.io';
