import { z } from 'zod';

/** Ids are opaque strings (SQLite: UUIDs; MongoDB: ObjectId hex). */
const id = z.string().min(1).max(64);
export const MESSAGE_TEXT_MAX = 4096;
export const HISTORY_LIMIT_MAX = 100;

export const messageKindSchema = z.enum(['text', 'media', 'system']);
export type MessageKind = z.infer<typeof messageKindSchema>;

/** Chosen by the client, unique per sender: a retried send with the same value returns the original. */
export const clientMsgIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_:.-]+$/, 'Use letters, digits, "_", ":", "." or "-"');

/** Plain text; control characters other than tab/newline are refused (search snippets use U+0002/U+0003). */
export const messageTextSchema = z
  .string()
  .max(MESSAGE_TEXT_MAX, `At most ${MESSAGE_TEXT_MAX} characters`)
  // biome-ignore lint/suspicious/noControlCharactersInRegex: that is exactly what it refuses
  .refine((t) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(t), 'Control characters are not allowed');

export const EMOJI_MAX = 32;
/**
 * One or more emoji (with skin tones, ZWJ sequences, keycaps, flags); nothing else.
 * The length check comes first and stops validation (`abort`): zod otherwise runs every check,
 * so the patterns would see a string of any length. Each pattern is one character class, which
 * is linear; the former alternation of overlapping classes (\u200d, \ufe0f and \u20e3 are also
 * Emoji_Component) backtracked exponentially, and 26 joiners froze the server for 1.7 s.
 */
export const emojiSchema = z
  .string()
  .min(1, { abort: true })
  .max(EMOJI_MAX, { abort: true })
  .regex(/^[\p{Extended_Pictographic}\p{Emoji_Component}]+$/u, { message: 'Must be an emoji', abort: true })
  .refine((e) => /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20e3/u.test(e), 'Must be an emoji');

/** Aggregated per emoji; `userIds` lets every client derive "mine" without per-viewer payloads. */
export const reactionSummarySchema = z.object({
  emoji: z.string(),
  count: z.number().int().nonnegative(),
  userIds: z.array(z.string()),
});
export type ReactionSummary = z.infer<typeof reactionSummarySchema>;

/** A frozen copy of the replied-to message, so the quote survives later edits/deletes of the original. */
export const replySnapshotSchema = z.object({
  senderId: z.string().nullable(),
  kind: messageKindSchema,
  /** First characters at the time of replying; '' when the original was deleted or had only media. */
  text: z.string(),
});
export const replyToSchema = z.object({ id: z.string(), snapshot: replySnapshotSchema });
export type ReplyTo = z.infer<typeof replyToSchema>;

export const forwardedFromSchema = z.object({
  messageId: z.string(),
  conversationId: z.string(),
  /** Original author. */
  senderId: z.string().nullable(),
});
export type ForwardedFrom = z.infer<typeof forwardedFromSchema>;

export const systemEventTypeSchema = z.enum([
  'created',
  'joined',
  'added',
  'left',
  'removed',
  'title_changed',
  'description_changed',
  'avatar_changed',
  'role_changed',
  'owner_transferred',
  'history_visibility_changed',
  /** value 'true': only admins post (announcement mode); 'false': every member posts. */
  'posting_changed',
]);
export type SystemEventType = z.infer<typeof systemEventTypeSchema>;

/** Structured payload of a kind:'system' message; clients render it in their own language. */
export const systemEventSchema = z.object({
  type: systemEventTypeSchema,
  actorId: z.string().nullable(),
  targetIds: z.array(z.string()),
  /** New title / description / role / flag value, where relevant. */
  value: z.string().nullable(),
});
export type SystemEvent = z.infer<typeof systemEventSchema>;

export const messageSchema = z.object({
  id: z.string(),
  conversationId: z.string(),
  /** Per conversation, gapless from 1, assigned by the server. */
  seq: z.number().int().positive(),
  /** null only for system messages without an actor. */
  senderId: z.string().nullable(),
  clientMsgId: z.string().nullable(),
  kind: messageKindSchema,
  /** Plain text (never HTML); '' once deleted for everyone. */
  text: z.string(),
  /** Media ids (the media issue resolves them). */
  attachments: z.array(z.string()),
  replyTo: replyToSchema.nullable(),
  forwardedFrom: forwardedFromSchema.nullable(),
  /** Mentioned user ids. */
  mentions: z.array(z.string()),
  reactions: z.array(reactionSummarySchema),
  system: systemEventSchema.nullable(),
  editedAt: z.string().nullable(),
  /** Set when deleted for everyone: a tombstone with content wiped. */
  deletedAt: z.string().nullable(),
  createdAt: z.string(),
});
export type Message = z.infer<typeof messageSchema>;

export const sendMessageRequestSchema = z
  .object({
    clientMsgId: clientMsgIdSchema,
    text: messageTextSchema.default(''),
    attachments: z.array(id).max(10).default([]),
    replyToId: id.optional(),
    /** User ids; non-members are dropped by the server. */
    mentions: z.array(id).max(50).default([]),
  })
  .strict()
  .refine((m) => m.text.trim().length > 0 || m.attachments.length > 0, {
    message: 'A message needs text or an attachment',
    path: ['text'],
  });
export type SendMessageRequest = z.input<typeof sendMessageRequestSchema>;

export const editMessageRequestSchema = z
  .object({
    text: messageTextSchema.refine((t) => t.trim().length > 0, 'Required'),
    mentions: z.array(id).max(50).optional(),
  })
  .strict();
export type EditMessageRequest = z.infer<typeof editMessageRequestSchema>;

export const deleteScopeSchema = z.enum(['everyone', 'me']);
export type DeleteScope = z.infer<typeof deleteScopeSchema>;
/** DELETE /messages/:id?for=everyone|me */
export const deleteMessageQuerySchema = z.object({ for: deleteScopeSchema.default('everyone') });

export const forwardMessageRequestSchema = z
  .object({
    conversationIds: z.array(id).min(1).max(20),
    /** Per-target idempotency: the server stores `<clientMsgId>:<index>` per target conversation. */
    clientMsgId: clientMsgIdSchema.refine((s) => s.length <= 56, 'At most 56 characters'),
  })
  .strict();
export type ForwardMessageRequest = z.infer<typeof forwardMessageRequestSchema>;

const seqParam = z.coerce.number().int().min(0);
/** GET /conversations/:id/messages: at most one of before/after/around; none = latest page. */
export const historyQuerySchema = z
  .object({
    before: seqParam.optional(),
    after: seqParam.optional(),
    around: seqParam.optional(),
    limit: z.coerce.number().int().min(1).max(HISTORY_LIMIT_MAX).default(50),
  })
  .refine((q) => [q.before, q.after, q.around].filter((v) => v !== undefined).length <= 1, {
    message: 'Use only one of before, after, around',
    path: ['before'],
  });
export type HistoryQuery = z.input<typeof historyQuerySchema>;

/** Items ascending by seq. */
export const historyPageSchema = z.object({
  items: z.array(messageSchema),
  hasMoreBefore: z.boolean(),
  hasMoreAfter: z.boolean(),
});
export type HistoryPage = z.infer<typeof historyPageSchema>;

export const markReadRequestSchema = z.object({ seq: z.number().int().min(0) }).strict();

/** A participant's read/delivered cursors in one conversation. */
export const receiptSchema = z.object({
  conversationId: z.string(),
  userId: z.string(),
  lastReadSeq: z.number().int().nonnegative(),
  lastDeliveredSeq: z.number().int().nonnegative(),
});
export type Receipt = z.infer<typeof receiptSchema>;

export const deliveryStatusSchema = z.enum(['sent', 'delivered', 'read']);
export type DeliveryStatus = z.infer<typeof deliveryStatusSchema>;

/** One recipient of a message: when their device got it and when they read it (ISO; null = not yet, or unknown). */
export const receiptMemberSchema = z.object({
  userId: z.string(),
  deliveredAt: z.string().nullable(),
  readAt: z.string().nullable(),
});
export type ReceiptMember = z.infer<typeof receiptMemberSchema>;

/**
 * GET /messages/:id/receipts: the message's recipients, i.e. the other members who were in the
 * conversation when it was sent (never the sender, nor anyone who joined later), by state.
 */
export const messageReceiptsSchema = z.object({
  messageId: z.string(),
  seq: z.number().int(),
  /** When it was sent (ISO). */
  sentAt: z.string(),
  /** sent: nobody else got it; delivered: every recipient's device got it; read: every recipient read it. */
  status: deliveryStatusSchema,
  /** Every recipient with times; `readBy`/`deliveredTo`/`pending` hold the same ids by state. */
  members: z.array(receiptMemberSchema),
  readBy: z.array(z.string()),
  deliveredTo: z.array(z.string()),
  pending: z.array(z.string()),
});
export type MessageReceipts = z.infer<typeof messageReceiptsSchema>;

export const reactionParamsSchema = z.object({ id, emoji: emojiSchema });

export const searchQuerySchema = z.object({
  q: z.string().trim().min(1).max(200),
  conversationId: id.optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});
export type SearchQuery = z.input<typeof searchQuerySchema>;

/** `snippet` is plain text; `highlights` are [start, end) offsets into it (render them, never inject HTML). */
export const searchHitSchema = z.object({
  message: messageSchema,
  snippet: z.string(),
  highlights: z.array(z.object({ start: z.number().int(), end: z.number().int() })),
  rank: z.number(),
});
export type SearchHit = z.infer<typeof searchHitSchema>;
export const searchResultSchema = z.object({ items: z.array(searchHitSchema), nextCursor: z.string().nullable() });
export type SearchResult = z.infer<typeof searchResultSchema>;
