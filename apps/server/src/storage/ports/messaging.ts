import type { Page } from '@charla/shared-types';
import type { LinkPreviewRecord } from './link-previews.ts';

/*
 * Messaging ports: conversations, participants, messages (+ reactions, hidden, search), invites and
 * the per-conversation change feed. Every mutation here bumps the conversation's `changeSeq` and
 * appends one change row IN THE SAME atomic step, so `changesAfter()` is the source of truth for
 * catch-up. Storage never checks permissions (who may edit, who is admin): services do. Storage does
 * enforce data invariants: gapless seq, idempotent (senderId, clientMsgId), monotonic receipts,
 * invite max uses, one direct chat per pair, visibility floors in history/search/unread.
 *
 * Search snippets: matched terms are wrapped in U+0002 (start) and U+0003 (end): `SNIPPET_START` /
 * `SNIPPET_END`. Clients HTML-escape the snippet, then replace the markers with <mark></mark>.
 * Message text must not contain those control characters (validate at the edge).
 */

export const SNIPPET_START = '\u0002';
export const SNIPPET_END = '\u0003';

/**
 * Search ranks at most the newest SEARCH_CANDIDATES matches the user may see (see MessagesRepo.search):
 * relevance ordering has to score every candidate, so an uncapped frequent word costs O(all matches).
 */
export const SEARCH_CANDIDATES = 2000;

export type ConversationKind = 'direct' | 'group' | 'channel';
export type ParticipantRole = 'owner' | 'admin' | 'member';

export type ConversationRecord = {
  id: string;
  kind: ConversationKind;
  title: string | null;
  description: string | null;
  avatarUrl: string | null;
  createdBy: string;
  createdAt: Date;
  /** Time of the last message (or creation); the conversation list is sorted by it. */
  lastActivityAt: Date;
  /** Seq of the last message; messages are 1..lastSeq, gapless. */
  lastSeq: number;
  /** Bumped by every mutation in the conversation; the change feed is 1..changeSeq. */
  changeSeq: number;
  /** Newcomers see the whole history instead of only messages after their `joinedSeq`. */
  historyForNewcomers: boolean;
  /** Announcement mode (groups and channels): only owners and admins post, edit and react. */
  onlyAdminsPost: boolean;
  /** Direct chats only: the two user ids sorted and joined with ':' (+ ':e2ee' when encrypted); unique. */
  directKey: string | null;
  /** End-to-end encrypted (MLS): set at creation, never turned off; the server never sees its content. */
  encrypted: boolean;
  deletedAt: Date | null;
};

export type NewConversation = {
  kind: 'group' | 'channel';
  title: string;
  description?: string | null;
  avatarUrl?: string | null;
  createdBy: string;
  historyForNewcomers?: boolean;
  /** End-to-end encrypted group (never a channel: the service refuses it). */
  encrypted?: boolean;
  onlyAdminsPost?: boolean;
  /** Initial members; `createdBy` is added as owner automatically (listing it again is harmless). */
  members?: { userId: string; role: ParticipantRole }[];
  now: Date;
};

export type ConversationPatch = Partial<
  Pick<ConversationRecord, 'title' | 'description' | 'avatarUrl' | 'historyForNewcomers' | 'onlyAdminsPost'>
>;

export type ParticipantRecord = {
  conversationId: string;
  userId: string;
  role: ParticipantRole;
  /** Conversation lastSeq when the user (re)joined; without historyForNewcomers they see seq > joinedSeq. */
  joinedSeq: number;
  lastReadSeq: number;
  lastDeliveredSeq: number;
  mutedUntil: Date | null;
  archived: boolean;
  pinned: boolean;
  /** "Mark as unread" in the chat list; only the member sets or clears it. */
  markedUnread: boolean;
  joinedAt: Date;
  /** Set when the user left or was removed; a left participant is not a member. */
  leftAt: Date | null;
  leftReason: 'left' | 'removed' | null;
};

export type ReceiptTimes = { userId: string; deliveredAt: Date | null; readAt: Date | null };

export type ParticipantSettings = Partial<
  Pick<ParticipantRecord, 'mutedUntil' | 'archived' | 'pinned' | 'markedUnread'>
>;

export type MessageKind = 'text' | 'media' | 'system';

export type ReplySnapshot = {
  id: string;
  senderId: string;
  /** First characters of the quoted text ('' when it was deleted or had only media). */
  text: string;
  kind: MessageKind;
};

export type ForwardedFrom = { messageId: string; conversationId: string; senderId: string };

/** Payload of a system message (join, leave, removal, title/avatar change...); free-form for services. */
export type SystemPayload = { event: string; [key: string]: unknown };

export type ReactionSummary = { emoji: string; count: number; userIds: string[] };

export type MessageRecord = {
  id: string;
  conversationId: string;
  seq: number;
  senderId: string;
  /** null only for server-generated (system) messages. */
  clientMsgId: string | null;
  kind: MessageKind;
  /** Plain text, <= 4096 chars; '' on a tombstone. */
  text: string;
  /** Media ids; [] on a tombstone. */
  attachments: string[];
  replyTo: ReplySnapshot | null;
  forwardedFrom: ForwardedFrom | null;
  /** Mentioned user ids. */
  mentions: string[];
  system: SystemPayload | null;
  /**
   * Detected at send time and on edit (ISO 639-1, or 'unknown' when too short or ambiguous); null when
   * not detected: system and media-only messages, encrypted conversations, messages older than detection.
   */
  language: string | null;
  /** Sorted by first reaction time; emptied by delete-for-everyone. */
  reactions: ReactionSummary[];
  editedAt: Date | null;
  /** Tombstone: content wiped, row and seq kept. */
  deletedAt: Date | null;
  createdAt: Date;
  /** Preview of the first link (storage/ports/link-previews.ts); wiped with the content. */
  linkPreview?: LinkPreviewRecord | null;
};

export type NewMessage = {
  conversationId: string;
  senderId: string;
  clientMsgId: string | null;
  kind: MessageKind;
  text: string;
  attachments?: string[];
  replyTo?: ReplySnapshot | null;
  forwardedFrom?: ForwardedFrom | null;
  mentions?: string[];
  system?: SystemPayload | null;
  language?: string | null;
  now: Date;
};

/**
 * What a write that moved a conversation's change counter tells its caller, so nothing re-reads the
 * conversation to publish it: the counter right after the write (events carry it) and the active
 * members after it (who to tell).
 */
export type Committed = { changeSeq: number; memberIds: string[] };

export type SendResult = Committed & {
  message: MessageRecord;
  /**
   * false: (senderId, clientMsgId) existed, `message` is the original and nothing was written.
   * true: this call completed the send, so the caller attaches media and publishes it. That
   * includes finishing an earlier attempt that was cut short (a crash): its caller never answered.
   */
  created: boolean;
};

/**
 * History window by seq, ascending. At most one of before/after/around; none = the latest `limit`.
 * `before`/`after` are exclusive; `around` centres the window on that seq (inclusive).
 */
export type HistoryQuery = { before?: number; after?: number; around?: number; limit: number };

export type ChangeType =
  | 'conversation.created'
  | 'conversation.updated'
  | 'conversation.deleted'
  | 'participant.joined'
  | 'participant.left'
  | 'participant.updated'
  /** Private (audience = that user): mute/archive/pin. */
  | 'participant.settings'
  | 'message.created'
  | 'message.updated'
  | 'message.deleted'
  /** Private (audience = that user): delete-for-me. */
  | 'message.hidden'
  | 'reaction.updated'
  | 'receipt.updated'
  /** An MLS handshake or application message (storage/ports/e2ee.ts). */
  | 'e2ee.message'
  /** Private (audience = the added user): a Welcome waits for one of their devices. */
  | 'e2ee.welcome';

/**
 * One entry of a conversation's change feed. It carries references, never content (a deleted
 * message's text must not survive in the log): services hydrate `entityId` (a message id for
 * message./reaction. types, a user id for participant./receipt. types, the conversation id otherwise).
 */
export type ChangeRecord = {
  conversationId: string;
  changeSeq: number;
  type: ChangeType;
  entityId: string;
  /** Seq of the message concerned (message./reaction. types), else null. */
  messageSeq: number | null;
  /** Who caused it (null for none/unknown). */
  actorId: string | null;
  /** Only this user may see the entry; null = every member. */
  audience: string | null;
  /** Small non-content facts, e.g. { lastReadSeq, lastDeliveredSeq } or { role } or { emoji }. */
  data: Record<string, unknown> | null;
  createdAt: Date;
};

export type ConversationListItem = {
  conversation: ConversationRecord;
  me: ParticipantRecord;
  /** Latest message the user may see (tombstones included, hidden-for-me excluded); null when none. */
  lastMessage: MessageRecord | null;
  /** Visible messages with seq > lastReadSeq, not sent by me, not deleted, not hidden for me. */
  unreadCount: number;
  /** Subset of the unread ones that mention me. */
  unreadMentions: number;
  /** Active members (the list counts them with the page, not one query per row). */
  memberCount: number;
};

export type ChangedConversation = {
  conversationId: string;
  changeSeq: number;
  /** 'left': the user is no longer a member (left, removed, or the conversation was deleted). */
  membership: 'active' | 'left';
};

export type SearchHit = {
  message: MessageRecord;
  /** Excerpt with matches wrapped in SNIPPET_START/SNIPPET_END. */
  snippet: string;
};

export type PublicChannel = ConversationRecord & { memberCount: number };

export type ConversationsRepo = {
  /** Group or channel with its members; first change rows: conversation.created + participant.joined. */
  create(input: NewConversation): Promise<ConversationRecord>;
  /**
   * One direct chat per pair (and one encrypted direct chat per pair, a separate conversation): returns
   * the existing one (created: false), re-activating left members.
   */
  createDirect(
    a: string,
    b: string,
    now: Date,
    options?: { encrypted?: boolean },
  ): Promise<{ conversation: ConversationRecord; created: boolean }>;
  /** Includes soft-deleted ones (check `deletedAt`). */
  findById(id: string): Promise<ConversationRecord | null>;
  findDirect(a: string, b: string): Promise<ConversationRecord | null>;
  /** Null when missing or deleted. Appends conversation.updated. */
  update(
    id: string,
    patch: ConversationPatch,
    actorId: string,
    now: Date,
  ): Promise<(Committed & { conversation: ConversationRecord }) | null>;
  /**
   * Soft delete; appends conversation.deleted. `memberIds`: the members it had (who to tell). Null
   * when missing or already deleted.
   */
  softDelete(id: string, actorId: string, now: Date): Promise<Committed | null>;
  /**
   * The user's active, non-deleted conversations, newest activity first. `archived` filters by my
   * archive flag when given. Cursor is opaque.
   */
  listForUser(
    userId: string,
    options: { limit: number; cursor?: string; archived?: boolean },
  ): Promise<Page<ConversationListItem>>;
  /** Same as one row of listForUser; null when not an active member or deleted. */
  getForUser(conversationId: string, userId: string): Promise<ConversationListItem | null>;
  /** Public channels whose title contains `q` (case-insensitive; '' = all), ordered by title. */
  searchPublic(q: string, options: { limit: number; cursor?: string }): Promise<Page<PublicChannel>>;
  /**
   * Conversations of the user (incl. ones they left since `cursor`) whose feed changed since `cursor`
   * (opaque; null = all). May report a conversation again: compare `changeSeq` with what you hold.
   * Returns the cursor to pass next time.
   */
  changedSince(userId: string, cursor: string | null): Promise<{ items: ChangedConversation[]; cursor: string }>;
  /**
   * Change rows with changeSeq > `after`, ascending, that `viewerId` may see (audience null or them;
   * message changes above their visibility floor). Never skips a row still being written: the result
   * is a gap-free prefix. `changeSeq` is the position reached: pass it as `after` next time (it skips
   * rows the viewer may not see; when !hasMore it is the conversation's counter unless a write is in flight).
   */
  changesAfter(
    conversationId: string,
    after: number,
    options: { viewerId: string; limit: number },
  ): Promise<{ items: ChangeRecord[]; changeSeq: number; hasMore: boolean }>;
};

export type ParticipantsRepo = {
  /**
   * Adds (or re-activates) a member with joinedSeq = the conversation's lastSeq and read up to it.
   * Already active: returns it untouched with added: false. Appends participant.joined when added.
   * Null when the conversation is missing or deleted.
   */
  add(
    conversationId: string,
    userId: string,
    role: ParticipantRole,
    actorId: string,
    now: Date,
  ): Promise<(Committed & { participant: ParticipantRecord; added: boolean }) | null>;
  /** Includes left participants (check `leftAt`). */
  find(conversationId: string, userId: string): Promise<ParticipantRecord | null>;
  /** Active members, owners first then by join time. Cursor is opaque. */
  list(conversationId: string, options: { limit: number; cursor?: string }): Promise<Page<ParticipantRecord>>;
  /** Active member ids (fan-out). */
  listUserIds(conversationId: string): Promise<string[]>;
  /**
   * The ids among `others` that share a live direct chat or group (not a channel) with `userId`,
   * both still members: whose presence `userId` may follow. One round trip for the whole batch.
   */
  sharingChatsWith(userId: string, others: string[]): Promise<string[]>;
  countActive(conversationId: string): Promise<number>;
  countOwners(conversationId: string): Promise<number>;
  /** Null when not an active member. Appends participant.updated { role }. */
  setRole(
    conversationId: string,
    userId: string,
    role: ParticipantRole,
    actorId: string,
    now: Date,
  ): Promise<(Committed & { participant: ParticipantRecord }) | null>;
  /** Null when not an active member. Appends participant.left { reason }; `memberIds` are those who stay. */
  remove(
    conversationId: string,
    userId: string,
    reason: 'left' | 'removed',
    actorId: string,
    now: Date,
  ): Promise<Committed | null>;
  /** My mute/archive/pin/marked-unread. Null when not an active member. Appends private participant.settings. */
  updateSettings(
    conversationId: string,
    userId: string,
    settings: ParticipantSettings,
    now: Date,
  ): Promise<{ participant: ParticipantRecord; changeSeq: number } | null>;
  /**
   * Monotonic receipts: values <= the stored one are ignored (changed: false), values above lastSeq are
   * capped. Read implies delivered. Appends receipt.updated { lastReadSeq, lastDeliveredSeq } on change.
   * Null when not an active member.
   */
  markRead(
    conversationId: string,
    userId: string,
    seq: number,
    now: Date,
  ): Promise<(Committed & { participant: ParticipantRecord; changed: boolean }) | null>;
  markDelivered(
    conversationId: string,
    userId: string,
    seq: number,
    now: Date,
  ): Promise<(Committed & { participant: ParticipantRecord; changed: boolean }) | null>;
  /**
   * When each of `userIds` got (delivered) and read message `seq`: the time their cursor first reached
   * it (read implies delivered, so deliveredAt <= readAt). Null where it has not, or did so before
   * times were kept. One entry per given user, in order.
   */
  receiptTimes(conversationId: string, seq: number, userIds: string[]): Promise<ReceiptTimes[]>;
  /** Active members other than the sender whose lastReadSeq >= seq (who read a message). */
  readersOf(conversationId: string, seq: number, excludeUserId: string): Promise<ParticipantRecord[]>;
};

export type MessagesRepo = {
  /**
   * Atomically assigns seq = lastSeq + 1 (gapless under concurrency), bumps lastActivityAt, marks the
   * sender read up to it and appends message.created. Idempotent on (senderId, clientMsgId).
   * Null when the conversation is missing or deleted. Crash-safe: a send cut short at any step never
   * blocks its clientMsgId nor leaves a hole in 1..lastSeq (see contract/send-crash.contract.ts); a
   * seq that a dead writer reserved and nobody can use becomes a tombstone (kind 'system', system
   * null, deleted). Throws StorageUnavailableError while an earlier attempt may still be running.
   */
  send(input: NewMessage): Promise<SendResult | null>;
  findById(id: string): Promise<MessageRecord | null>;
  /** In no particular order; unknown ids are skipped. */
  findByIds(ids: string[]): Promise<MessageRecord[]>;
  /**
   * Retention (a space's setting): permanently removes up to `limit` of the oldest messages sent
   * before `before`, with their reactions, receipts, search entries, translations and shared
   * items. Returns how many went; fewer than `limit` means none older are left.
   */
  purgeOlderThan(before: Date, limit: number): Promise<number>;
  findBySeq(conversationId: string, seq: number): Promise<MessageRecord | null>;
  /**
   * Visible history for `viewerId`, ascending by seq: above their visibility floor (joinedSeq unless
   * historyForNewcomers; 0 for a non-member the service let in, e.g. a public channel reader) and not
   * hidden for them. `limit` is clamped to 1..100.
   */
  history(conversationId: string, viewerId: string, query: HistoryQuery): Promise<MessageRecord[]>;
  /**
   * Null when missing or deleted. Sets editedAt (and language when given), drops the message's cached
   * translations, appends message.updated.
   */
  edit(
    id: string,
    change: { text: string; mentions: string[]; language?: string | null },
    actorId: string,
    now: Date,
  ): Promise<(Committed & { message: MessageRecord }) | null>;
  /**
   * Tombstone: wipes text/attachments/mentions/replyTo/reactions/language and the message's cached
   * translations. Null when missing or already deleted.
   */
  deleteForEveryone(id: string, actorId: string, now: Date): Promise<(Committed & { message: MessageRecord }) | null>;
  /**
   * Which of `messageIds` are hidden (deleted-for-me) for `userId` (from REQUEST(api): the change feed
   * hydrates current snapshots, and a later edit/reaction on a message I hid must stay hidden).
   */
  hiddenFor(userId: string, messageIds: string[]): Promise<string[]>;
  /** Delete-for-me. Null when the message is missing or already hidden. Appends private message.hidden. */
  hideForUser(id: string, userId: string, now: Date): Promise<{ changeSeq: number } | null>;
  /**
   * Add/remove one emoji of one user (several emoji per user allowed). `changed` is false when it was
   * already in that state. Null when the message is missing or deleted. Appends reaction.updated { emoji }.
   */
  setReaction(
    id: string,
    userId: string,
    emoji: string,
    on: boolean,
    now: Date,
  ): Promise<(Committed & { message: MessageRecord; changed: boolean }) | null>;
  /**
   * Full-text search over what the user may see: active memberships of non-deleted conversations,
   * above their floor, not deleted, not hidden for them. Best match first. Cursor is opaque.
   * Capped: only the newest SEARCH_CANDIDATES visible matches (newest by send order) are ranked and
   * paged, so a very frequent word costs O(cap), not O(matches); older matches need a more specific
   * query or the conversation's history. The SQLite cursor keeps the window of its first page.
   */
  search(
    userId: string,
    q: string,
    options: { conversationId?: string; limit: number; cursor?: string },
  ): Promise<Page<SearchHit>>;
};

export type InviteRecord = {
  code: string;
  conversationId: string;
  createdBy: string;
  createdAt: Date;
  expiresAt: Date | null;
  maxUses: number | null;
  uses: number;
  revokedAt: Date | null;
};

export type AcceptInviteResult =
  | ({
      status: 'joined' | 'already_member';
      conversation: ConversationRecord;
      participant: ParticipantRecord;
    } & Committed)
  /** removed: the user was removed from the conversation, which an invite never undoes (a member must add them). */
  | { status: 'not_found' | 'revoked' | 'expired' | 'exhausted' | 'removed' };

export type InvitesRepo = {
  /** `code` is chosen by the service (random). Throws DuplicateKeyError('code'). */
  create(input: {
    code: string;
    conversationId: string;
    createdBy: string;
    expiresAt: Date | null;
    maxUses: number | null;
    now: Date;
  }): Promise<InviteRecord>;
  findByCode(code: string): Promise<InviteRecord | null>;
  /** Newest first, revoked ones included. */
  listForConversation(conversationId: string): Promise<InviteRecord[]>;
  /** False when unknown or already revoked. */
  revoke(code: string, now: Date): Promise<boolean>;
  /** Revokes every live invite `createdBy` made for the conversation; returns how many. */
  revokeByCreator(conversationId: string, createdBy: string, now: Date): Promise<number>;
  /**
   * Atomically: checks revoked/expired/maxUses and the conversation exists, adds the user as member
   * (participant.joined, via invite) and counts one use. An active member costs no use. Someone who
   * was removed (leftReason 'removed') is refused with status 'removed', whatever the invite.
   */
  accept(code: string, userId: string, now: Date): Promise<AcceptInviteResult>;
};
