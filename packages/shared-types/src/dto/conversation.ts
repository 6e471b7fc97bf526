import { z } from 'zod';
import { messageSchema, receiptSchema, systemEventSchema } from './message.ts';
import { visibleName } from './name.ts';

const id = z.string().min(1).max(64);

export const conversationKindSchema = z.enum(['direct', 'group', 'channel']);
export type ConversationKind = z.infer<typeof conversationKindSchema>;
export const participantRoleSchema = z.enum(['owner', 'admin', 'member']);
export type ParticipantRole = z.infer<typeof participantRoleSchema>;

/** Like display names: no control, invisible or text-direction characters (dto/name.ts). */
export const conversationTitleSchema = z
  .string()
  .trim()
  .min(1, 'Required')
  .max(100, 'At most 100 characters')
  .superRefine(visibleName);
export const conversationDescriptionSchema = z.string().trim().max(500, 'At most 500 characters');

/** The small user card shown beside members and in direct chats. */
export const userCardSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  avatarUrl: z.string().nullable(),
  deleted: z.boolean(),
});
export type UserCard = z.infer<typeof userCardSchema>;

export const participantSchema = z.object({
  conversationId: z.string(),
  userId: z.string(),
  role: participantRoleSchema,
  /** The member sees messages with seq > joinedSeq (0 when the group shows full history). */
  joinedSeq: z.number().int().nonnegative(),
  lastReadSeq: z.number().int().nonnegative(),
  lastDeliveredSeq: z.number().int().nonnegative(),
  joinedAt: z.string(),
  user: userCardSchema,
});
export type Participant = z.infer<typeof participantSchema>;

/** The caller's own per-conversation state. */
export const myConversationStateSchema = z.object({
  role: participantRoleSchema,
  joinedSeq: z.number().int().nonnegative(),
  lastReadSeq: z.number().int().nonnegative(),
  lastDeliveredSeq: z.number().int().nonnegative(),
  /** ISO time; null = not muted. A far-future value means "until unmuted". */
  mutedUntil: z.string().nullable(),
  archived: z.boolean(),
  pinned: z.boolean(),
  /** "Mark as unread": shown as unread until the member opens it or clears the flag. */
  markedUnread: z.boolean().optional(),
});
export type MyConversationState = z.infer<typeof myConversationStateSchema>;

/** What every member sees alike. */
export const conversationSchema = z.object({
  id: z.string(),
  kind: conversationKindSchema,
  /** null for direct chats (clients show the peer's name). */
  title: z.string().nullable(),
  description: z.string(),
  avatarUrl: z.string().nullable(),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
  lastActivityAt: z.string(),
  /** Highest message seq. */
  lastSeq: z.number().int().nonnegative(),
  /** Bumped by every mutation in the conversation; the change feed's cursor. */
  changeSeq: z.number().int().nonnegative(),
  memberCount: z.number().int().nonnegative(),
  /** Groups: whether newcomers see messages from before they joined. */
  historyForNewcomers: z.boolean(),
  /** Announcement mode (groups and channels): only owners and admins post, edit and react. */
  onlyAdminsPost: z.boolean(),
  /** Direct chats: the other user. */
  peer: userCardSchema.nullable(),
});
export type Conversation = z.infer<typeof conversationSchema>;

export const messagePreviewSchema = z.object({
  id: z.string(),
  seq: z.number().int(),
  senderId: z.string().nullable(),
  kind: z.enum(['text', 'media', 'system']),
  /** At most ~120 characters; '' when deleted. */
  text: z.string(),
  /** Media ids, so a list can say "Photo", a file's name or a voice message's length. */
  attachments: z.array(z.string()).optional(),
  /** The sender's display name at the time of listing (groups show "Ana: …"); null when unknown. */
  senderName: z.string().nullable().optional(),
  deleted: z.boolean(),
  createdAt: z.string(),
  /** For a system message: what happened (a preview must not read as "You: " with nothing after it). */
  system: systemEventSchema.nullable().optional(),
});
export type MessagePreview = z.infer<typeof messagePreviewSchema>;

/** Why the caller may not post (null when they may). */
export const postRestrictionSchema = z.enum(['not_member', 'admins_only', 'email_unverified']);
export type PostRestriction = z.infer<typeof postRestrictionSchema>;

/**
 * What the caller may do here, computed by the server for this viewer (the server enforces the same
 * rules on every REST and socket path; clients follow these flags instead of deriving their own).
 * They change with the viewer's role and the conversation's settings: refetch the conversation after
 * a `conversation:updated` with shared changes or a `participant:updated` about yourself.
 */
export const conversationPermissionsSchema = z.object({
  /** Send messages, forward into it, edit one's own messages. */
  canPost: z.boolean(),
  cannotPostReason: postRestrictionSchema.nullable(),
  canReact: z.boolean(),
  /** Title, description, avatar, history and posting settings. */
  canEditInfo: z.boolean(),
  /** Create, list and revoke invite links; add members. */
  canInvite: z.boolean(),
  /** Delete others' messages, remove members, handle the group's reports. */
  canModerate: z.boolean(),
  /** A public channel the caller has not joined. */
  canJoin: z.boolean(),
});
export type ConversationPermissions = z.infer<typeof conversationPermissionsSchema>;

/** One row of GET /conversations. */
export const conversationSummarySchema = conversationSchema.extend({
  lastMessage: messagePreviewSchema.nullable(),
  unreadCount: z.number().int().nonnegative(),
  unreadMentions: z.number().int().nonnegative(),
  me: myConversationStateSchema,
  permissions: conversationPermissionsSchema,
});
export type ConversationSummary = z.infer<typeof conversationSummarySchema>;

/** GET /conversations/:id: a summary, except `me` is null for a public channel the caller has not joined. */
export const conversationDetailsSchema = conversationSummarySchema.extend({ me: myConversationStateSchema.nullable() });
export type ConversationDetails = z.infer<typeof conversationDetailsSchema>;

/** GET /conversations/public: a public channel and whether the caller is in it. */
export const directoryEntrySchema = conversationSchema.extend({ joined: z.boolean() });
export type DirectoryEntry = z.infer<typeof directoryEntrySchema>;

export const createConversationRequestSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('direct'), userId: id }).strict(),
  z
    .object({
      kind: z.literal('group'),
      title: conversationTitleSchema,
      description: conversationDescriptionSchema.default(''),
      memberIds: z.array(id).max(200).default([]),
      historyForNewcomers: z.boolean().default(false),
      onlyAdminsPost: z.boolean().default(false),
    })
    .strict(),
  z
    .object({
      kind: z.literal('channel'),
      title: conversationTitleSchema,
      description: conversationDescriptionSchema.default(''),
      /** Announcement channel: only owners and admins post. Channels are open to members by default. */
      onlyAdminsPost: z.boolean().default(false),
    })
    .strict(),
]);
export type CreateConversationRequest = z.input<typeof createConversationRequestSchema>;

export const updateConversationRequestSchema = z
  .object({
    title: conversationTitleSchema,
    description: conversationDescriptionSchema,
    /**
     * null clears the picture. A string must be this server's URL of the picture uploaded for this
     * conversation (PUT /conversations/:id/avatar sets it); any other address is refused (400).
     */
    avatarUrl: z.string().max(2048).nullable(),
    historyForNewcomers: z.boolean(),
    onlyAdminsPost: z.boolean(),
  })
  .partial()
  .strict();
export type UpdateConversationRequest = z.infer<typeof updateConversationRequestSchema>;

export const listConversationsQuerySchema = z.object({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  /** Only archived (true) or only non-archived (false) ones; omit for all. */
  archived: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
});
export const publicDirectoryQuerySchema = z.object({
  q: z.string().trim().max(100).default(''),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});

export const addParticipantsRequestSchema = z.object({ userIds: z.array(id).min(1).max(100) }).strict();
/** PATCH /conversations/:id/participants/:userId. role 'owner' transfers ownership (the caller becomes admin). */
export const updateParticipantRequestSchema = z.object({ role: participantRoleSchema }).strict();

export const updateMyStateRequestSchema = z
  .object({
    mutedUntil: z.iso.datetime({ offset: true }).nullable(),
    archived: z.boolean(),
    pinned: z.boolean(),
    markedUnread: z.boolean(),
  })
  .partial()
  .strict();
export type UpdateMyStateRequest = z.infer<typeof updateMyStateRequestSchema>;

// ---- invites ----

export const inviteCodeSchema = z
  .string()
  .min(8)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/);

export const createInviteRequestSchema = z
  .object({
    /** Omit for a link that never expires. */
    expiresInSeconds: z
      .number()
      .int()
      .min(60)
      .max(60 * 60 * 24 * 365)
      .optional(),
    maxUses: z.number().int().min(1).max(100_000).optional(),
  })
  .strict();
export type CreateInviteRequest = z.infer<typeof createInviteRequestSchema>;

export const inviteSchema = z.object({
  code: z.string(),
  conversationId: z.string(),
  createdBy: z.string(),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  maxUses: z.number().int().nullable(),
  uses: z.number().int(),
  revokedAt: z.string().nullable(),
  /** `PUBLIC_URL/invite/<code>` */
  webUrl: z.string(),
  /** `charla://invite/<code>` */
  desktopUrl: z.string(),
});
export type Invite = z.infer<typeof inviteSchema>;

/** GET /invites/:code: enough to decide, without joining. */
export const invitePreviewSchema = z.object({
  code: z.string(),
  conversation: z.object({
    id: z.string(),
    kind: conversationKindSchema,
    title: z.string().nullable(),
    description: z.string(),
    avatarUrl: z.string().nullable(),
    memberCount: z.number().int(),
  }),
  alreadyMember: z.boolean(),
  expiresAt: z.string().nullable(),
});
export type InvitePreview = z.infer<typeof invitePreviewSchema>;

// ---- catch-up ----

/**
 * One entry per changed entity, carrying its CURRENT state (snapshots, not deltas): applying the entries
 * in order makes a client's copy equal to the server's, whatever it missed. One implicit rule: a
 * message (entry or `message:created`) means its sender has read and received up to its seq
 * (lastReadSeq = max(lastReadSeq, seq), same for lastDeliveredSeq); no separate receipt is sent for that.
 * A message deleted for me (`message_hidden`, or `message:deleted` with scope 'me') stays gone: live
 * events about it that other members still get (edits, reactions, deletion for everyone) are fanned
 * out to me too, so ignore them; the feed already leaves them out.
 * A conversation's counters move with other entries and are derived by the client: changeSeq = the
 * highest applied, lastSeq/lastActivityAt = the newest message's seq/createdAt, memberCount = members.
 * A `conversation` entry (or `conversation:updated`) comes only when the conversation itself is edited.
 * Socket events carry the conversation's `changeSeq` right after their change, and a server node sends
 * one conversation's events in that order. Safest client rule: advance your cursor from an event only
 * when it is exactly cursor + 1; on a jump (a change that was not for you, e.g. someone else's mute,
 * or one lost while disconnected) fetch `/changes?after=cursor`, which is cheap and exact.
 */
export const changeEntrySchema = z.discriminatedUnion('type', [
  /** Created, edited, deleted for everyone, or reactions changed. */
  z.object({ type: z.literal('message'), changeSeq: z.number().int(), message: messageSchema }),
  /** Deleted for the caller only: drop it locally. */
  z.object({ type: z.literal('message_hidden'), changeSeq: z.number().int(), messageId: z.string() }),
  z.object({ type: z.literal('receipt'), changeSeq: z.number().int(), receipt: receiptSchema }),
  /** Joined or updated (role). */
  z.object({ type: z.literal('participant'), changeSeq: z.number().int(), participant: participantSchema }),
  z.object({ type: z.literal('participant_left'), changeSeq: z.number().int(), userId: z.string() }),
  z.object({ type: z.literal('conversation'), changeSeq: z.number().int(), conversation: conversationSchema }),
  /** The caller's own state (mute/archive/pin/read). */
  z.object({ type: z.literal('me'), changeSeq: z.number().int(), me: myConversationStateSchema }),
]);
export type ChangeEntry = z.infer<typeof changeEntrySchema>;

export const changesQuerySchema = z.object({
  after: z.coerce.number().int().min(0),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});

/** GET /conversations/:id/changes?after=N */
export const changeFeedSchema = z.object({
  conversationId: z.string(),
  entries: z.array(changeEntrySchema),
  /** Pass as `after` next time. */
  cursor: z.number().int(),
  hasMore: z.boolean(),
});
export type ChangeFeed = z.infer<typeof changeFeedSchema>;

export const syncQuerySchema = z.object({
  /** Opaque cursor from the previous answer; omit on first sync. */
  since: z.string().max(200).optional(),
});

/** GET /conversations/sync?since=: which conversations moved, cheaply (ids and counters only). */
export const syncStateSchema = z.object({
  /** Fetch `/conversations/:id/changes?after=<your changeSeq>` for those where changeSeq moved. */
  changed: z.array(z.object({ id: z.string(), changeSeq: z.number().int() })),
  /** Conversations the caller no longer belongs to (left, removed, deleted): drop them. */
  removed: z.array(z.string()),
  cursor: z.string(),
});
export type SyncState = z.infer<typeof syncStateSchema>;
