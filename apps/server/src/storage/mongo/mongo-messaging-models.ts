import { type Connection, Schema } from 'mongoose';
import type {
  ChangeType,
  ConversationRecord,
  ForwardedFrom,
  LinkPreviewRecord,
  MessageRecord,
  ParticipantRecord,
  ReplySnapshot,
  SystemPayload,
} from '../ports.ts';
import { type TranslationDoc, translationSchema } from './mongo-translations.ts';

/*
 * Mongoose models of the messaging aggregates. Every invariant rests on single-document atomic
 * updates plus unique indexes, so it holds with or without multi-document transactions (a
 * standalone server has none; on a replica set sends also run in one, see mongo-send-transaction.ts):
 * `$inc` on the conversation assigns seq/changeSeq, unique (conversationId, seq) and
 * (senderId, clientMsgId) catch any duplicate, the change feed reads only a gap-free prefix, and a
 * send cut short by a crash is finished by whoever takes it over (mongo-send.ts).
 */

export type ConversationDoc = {
  _id: string;
  kind: ConversationRecord['kind'];
  title: string | null;
  description: string | null;
  avatarUrl: string | null;
  createdBy: string;
  createdAt: Date;
  lastActivityAt: Date;
  lastSeq: number;
  changeSeq: number;
  lastChangeAt: Date;
  historyForNewcomers: boolean;
  /** Absent on documents written before announcement mode existed: read as false. */
  onlyAdminsPost?: boolean;
  directKey: string | null;
  /** Missing on documents written before end-to-end encryption existed: false. */
  encrypted?: boolean;
  deletedAt: Date | null;
};

export type ParticipantDoc = {
  _id: string;
  conversationId: string;
  userId: string;
  role: ParticipantRecord['role'];
  joinedSeq: number;
  lastReadSeq: number;
  lastDeliveredSeq: number;
  mutedUntil: Date | null;
  archived: boolean;
  pinned: boolean;
  markedUnread?: boolean;
  joinedAt: Date;
  leftAt: Date | null;
  leftReason: ParticipantRecord['leftReason'];
  /**
   * Copy of the conversation's lastActivityAt, so "my conversations, newest first" is one index walk.
   * Null on documents written before it existed (backfilled by backfillParticipantActivity).
   */
  lastActivityAt: Date | null;
};

export type ReactionEntry = { emoji: string; userId: string; createdAt: Date };

/**
 * A send still in progress (or cut short by a crash) on a deployment without transactions: who is
 * finishing it, since when (server clock), and where the conversation's counters stood before it,
 * so a takeover knows where a crashed owner may have reserved a seq or changeSeq.
 */
export type PendingSend = {
  owner: string;
  at: Date;
  seqFloor: number;
  changeFloor: number;
  /** Stored state complete (finished by a takeover or the sweep); the sender's retry still reports it created. */
  done: boolean;
};

export type MessageDoc = {
  _id: string;
  conversationId: string;
  /** null while the send is between inserting the row and getting its seq. */
  seq: number | null;
  senderId: string;
  clientMsgId: string | null;
  kind: MessageRecord['kind'];
  text: string;
  attachments: string[];
  replyTo: ReplySnapshot | null;
  forwardedFrom: ForwardedFrom | null;
  mentions: string[];
  system: SystemPayload | null;
  /** Missing on documents written before language detection existed: null. */
  language?: string | null;
  reactions: ReactionEntry[];
  editedAt: Date | null;
  deletedAt: Date | null;
  createdAt: Date;
  /** Set while the send is in progress (standalone servers only); null once finished. */
  pending?: PendingSend | null;
  /** Distinct normalised tokens of `text` (search); [] on a tombstone. */
  terms?: string[];
  /** Missing on documents written before link previews existed. */
  linkPreview?: LinkPreviewRecord | null;
};

export type HiddenDoc = {
  _id: string;
  userId: string;
  conversationId: string;
  seq: number;
  messageId: string;
  createdAt: Date;
};

export type InviteDoc = {
  _id: string;
  conversationId: string;
  createdBy: string;
  createdAt: Date;
  expiresAt: Date | null;
  maxUses: number | null;
  uses: number;
  revokedAt: Date | null;
};

export type ChangeDoc = {
  _id: string;
  conversationId: string;
  changeSeq: number;
  type: ChangeType;
  entityId: string;
  messageSeq: number | null;
  actorId: string | null;
  audience: string | null;
  data: Record<string, unknown> | null;
  createdAt: Date;
  /** Server wall-clock time of the insert (createdAt is the caller's clock); judges abandoned gaps. */
  writtenAt: Date;
};

/** A member's delivered/read cursor advance (message info: when each member got and read a message). */
export type ReceiptMarkDoc = {
  _id: string;
  conversationId: string;
  userId: string;
  kind: 'delivered' | 'read';
  seq: number;
  at: Date;
};

const opts = { versionKey: false, strict: 'throw' } as const;
const str = { type: String, required: true };
const nullableStr = { type: String, default: null };
const nullableDate = { type: Date, default: null };

const conversationSchema = new Schema<ConversationDoc>(
  {
    _id: str,
    kind: { type: String, required: true, enum: ['direct', 'group', 'channel'] },
    title: nullableStr,
    description: nullableStr,
    avatarUrl: nullableStr,
    createdBy: str,
    createdAt: { type: Date, required: true },
    lastActivityAt: { type: Date, required: true },
    lastSeq: { type: Number, required: true, default: 0 },
    changeSeq: { type: Number, required: true, default: 0 },
    lastChangeAt: { type: Date, required: true },
    historyForNewcomers: { type: Boolean, required: true, default: false },
    onlyAdminsPost: { type: Boolean, default: false },
    directKey: nullableStr,
    encrypted: { type: Boolean, default: false },
    deletedAt: nullableDate,
  },
  opts,
);
// One direct chat per pair; non-direct and retired ones hold no key.
conversationSchema.index(
  { directKey: 1 },
  { unique: true, partialFilterExpression: { directKey: { $type: 'string' } } },
);
conversationSchema.index({ kind: 1, deletedAt: 1, title: 1 }, { collation: { locale: 'en', strength: 2 } });
conversationSchema.index({ lastActivityAt: -1, _id: -1 });

const participantSchema = new Schema<ParticipantDoc>(
  {
    _id: str,
    conversationId: str,
    userId: str,
    role: { type: String, required: true, enum: ['owner', 'admin', 'member'] },
    joinedSeq: { type: Number, required: true },
    lastReadSeq: { type: Number, required: true },
    lastDeliveredSeq: { type: Number, required: true },
    mutedUntil: nullableDate,
    archived: { type: Boolean, default: false },
    pinned: { type: Boolean, default: false },
    markedUnread: { type: Boolean, default: false },
    joinedAt: { type: Date, required: true },
    leftAt: nullableDate,
    leftReason: { type: String, default: null, enum: ['left', 'removed', null] },
    lastActivityAt: nullableDate,
  },
  opts,
);
participantSchema.index({ conversationId: 1, userId: 1 }, { unique: true });
participantSchema.index({ userId: 1, leftAt: 1 });
// Member counts (public channel directory): counted from the index alone.
participantSchema.index({ conversationId: 1, leftAt: 1 });
participantSchema.index({ userId: 1, leftAt: 1, lastActivityAt: -1, conversationId: -1 });

const reactionSchema = new Schema<ReactionEntry>(
  { emoji: str, userId: str, createdAt: { type: Date, required: true } },
  { _id: false, versionKey: false },
);

const pendingSchema = new Schema<PendingSend>(
  {
    owner: str,
    at: { type: Date, required: true },
    seqFloor: { type: Number, required: true },
    changeFloor: { type: Number, required: true },
    done: { type: Boolean, required: true, default: false },
  },
  { _id: false, versionKey: false },
);

const messageSchema = new Schema<MessageDoc>(
  {
    _id: str,
    conversationId: str,
    seq: { type: Number, default: null },
    senderId: str,
    clientMsgId: nullableStr,
    kind: { type: String, required: true, enum: ['text', 'media', 'system'] },
    text: { type: String, default: '' },
    attachments: { type: [String], default: [] },
    replyTo: { type: Schema.Types.Mixed, default: null },
    forwardedFrom: { type: Schema.Types.Mixed, default: null },
    mentions: { type: [String], default: [] },
    system: { type: Schema.Types.Mixed, default: null },
    language: nullableStr,
    reactions: { type: [reactionSchema], default: [] },
    editedAt: nullableDate,
    deletedAt: nullableDate,
    createdAt: { type: Date, required: true },
    pending: { type: pendingSchema, default: null },
    terms: { type: [String], default: undefined },
    linkPreview: { type: Schema.Types.Mixed, default: null },
  },
  { ...opts, minimize: false },
);
// The sweep: sends cut short, oldest first.
messageSchema.index({ 'pending.at': 1 }, { partialFilterExpression: { 'pending.done': false } });
messageSchema.index(
  { conversationId: 1, seq: 1 },
  { unique: true, partialFilterExpression: { seq: { $type: 'number' } } },
);
messageSchema.index(
  { senderId: 1, clientMsgId: 1 },
  { unique: true, partialFilterExpression: { clientMsgId: { $type: 'string' } } },
);
messageSchema.index({ conversationId: 1, mentions: 1, seq: 1 });
// The link-preview image sweeper keeps images some message still shows.
messageSchema.index(
  { 'linkPreview.image.id': 1 },
  { partialFilterExpression: { 'linkPreview.image.id': { $type: 'string' } } },
);
// Retention: the oldest messages of a space first.
messageSchema.index({ createdAt: 1 });
messageSchema.index({ 'replyTo.id': 1 }, { partialFilterExpression: { 'replyTo.id': { $type: 'string' } } });
// Search starts from the caller's conversations: equality on conversationId, then a term (exact or
// an anchored prefix), newest first. Tombstones have no terms and match nothing.
export const SEARCH_INDEX = { conversationId: 1, terms: 1, createdAt: -1, _id: -1 } as const;
messageSchema.index({ ...SEARCH_INDEX });

const hiddenSchema = new Schema<HiddenDoc>(
  {
    _id: str,
    userId: str,
    conversationId: str,
    seq: { type: Number, required: true },
    messageId: str,
    createdAt: { type: Date, required: true },
  },
  opts,
);
hiddenSchema.index({ userId: 1, conversationId: 1, seq: 1 });
hiddenSchema.index({ userId: 1, messageId: 1 });

const inviteSchema = new Schema<InviteDoc>(
  {
    _id: str,
    conversationId: str,
    createdBy: str,
    createdAt: { type: Date, required: true },
    expiresAt: nullableDate,
    maxUses: { type: Number, default: null },
    uses: { type: Number, default: 0 },
    revokedAt: nullableDate,
  },
  opts,
);
inviteSchema.index({ conversationId: 1, createdAt: -1 });

const changeSchema = new Schema<ChangeDoc>(
  {
    _id: str,
    conversationId: str,
    changeSeq: { type: Number, required: true },
    type: str,
    entityId: str,
    messageSeq: { type: Number, default: null },
    actorId: nullableStr,
    audience: nullableStr,
    data: { type: Schema.Types.Mixed, default: null },
    createdAt: { type: Date, required: true },
    writtenAt: { type: Date, required: true },
  },
  { ...opts, minimize: false },
);
changeSchema.index({ conversationId: 1, changeSeq: 1 }, { unique: true });

const receiptMarkSchema = new Schema<ReceiptMarkDoc>(
  {
    _id: str,
    conversationId: str,
    userId: str,
    kind: { type: String, required: true, enum: ['delivered', 'read'] },
    seq: { type: Number, required: true },
    at: { type: Date, required: true },
  },
  opts,
);
// The first mark at or above a message's seq, per member and kind: one index seek.
receiptMarkSchema.index({ conversationId: 1, userId: 1, kind: 1, seq: 1 });

export type MessagingModels = ReturnType<typeof messagingModels>;

/** One set of models per connection (openMongoStorage makes one connection per storage). */
export function messagingModels(conn: Connection) {
  return {
    Conversation: conn.model<ConversationDoc>('Conversation', conversationSchema, 'conversations'),
    Participant: conn.model<ParticipantDoc>('Participant', participantSchema, 'participants'),
    Message: conn.model<MessageDoc>('Message', messageSchema, 'messages'),
    Hidden: conn.model<HiddenDoc>('HiddenMessage', hiddenSchema, 'hidden_messages'),
    Invite: conn.model<InviteDoc>('Invite', inviteSchema, 'invites'),
    Change: conn.model<ChangeDoc>('Change', changeSchema, 'changes'),
    MessageTranslation: conn.model<TranslationDoc>('MessageTranslation', translationSchema, 'message_translations'),
    ReceiptMark: conn.model<ReceiptMarkDoc>('ReceiptMark', receiptMarkSchema, 'receipt_marks'),
  };
}

/**
 * Fills participants' lastActivityAt where it is missing (documents written before the field
 * existed), one conversation at a time. Cheap once done: the query finds nothing.
 */
export async function backfillParticipantActivity(models: MessagingModels): Promise<number> {
  const { Participant, Conversation } = models;
  const ids = (await Participant.distinct('conversationId', { lastActivityAt: null })) as string[];
  for (const id of ids) {
    const conv = await Conversation.findOne({ _id: id }, { lastActivityAt: 1 }).lean<
      Pick<ConversationDoc, 'lastActivityAt'>
    >();
    if (!conv) continue;
    await Participant.updateMany(
      { conversationId: id, lastActivityAt: null },
      { $set: { lastActivityAt: conv.lastActivityAt } },
    );
  }
  return ids.length;
}

export const participantId = (conversationId: string, userId: string): string => `${conversationId}:${userId}`;

export const toConversation = (d: ConversationDoc): ConversationRecord => ({
  id: d._id,
  kind: d.kind,
  title: d.title ?? null,
  description: d.description ?? null,
  avatarUrl: d.avatarUrl ?? null,
  createdBy: d.createdBy,
  createdAt: d.createdAt,
  lastActivityAt: d.lastActivityAt,
  lastSeq: d.lastSeq,
  changeSeq: d.changeSeq,
  historyForNewcomers: d.historyForNewcomers,
  onlyAdminsPost: d.onlyAdminsPost ?? false,
  directKey: d.directKey ?? null,
  encrypted: d.encrypted ?? false,
  deletedAt: d.deletedAt ?? null,
});

export const toParticipant = (d: ParticipantDoc): ParticipantRecord => ({
  conversationId: d.conversationId,
  userId: d.userId,
  role: d.role,
  joinedSeq: d.joinedSeq,
  lastReadSeq: d.lastReadSeq,
  lastDeliveredSeq: d.lastDeliveredSeq,
  mutedUntil: d.mutedUntil ?? null,
  archived: d.archived ?? false,
  pinned: d.pinned ?? false,
  markedUnread: d.markedUnread ?? false,
  joinedAt: d.joinedAt,
  leftAt: d.leftAt ?? null,
  leftReason: d.leftReason ?? null,
});

/** Binary-ish order, like SQLite's default collation (not locale-aware on purpose). */
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function toMessage(d: MessageDoc): MessageRecord {
  // Summary ordered by each emoji's first reaction.
  const summary: MessageRecord['reactions'] = [];
  const sorted = [...(d.reactions ?? [])].sort(
    (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || cmp(a.emoji, b.emoji) || cmp(a.userId, b.userId),
  );
  for (const r of sorted) {
    let entry = summary.find((e) => e.emoji === r.emoji);
    if (!entry) {
      entry = { emoji: r.emoji, count: 0, userIds: [] };
      summary.push(entry);
    }
    entry.count += 1;
    entry.userIds.push(r.userId);
  }
  return {
    id: d._id,
    conversationId: d.conversationId,
    seq: d.seq ?? 0,
    senderId: d.senderId,
    clientMsgId: d.clientMsgId ?? null,
    kind: d.kind,
    text: d.text ?? '',
    attachments: d.attachments ?? [],
    replyTo: d.replyTo ?? null,
    forwardedFrom: d.forwardedFrom ?? null,
    mentions: d.mentions ?? [],
    system: d.system ?? null,
    language: d.language ?? null,
    reactions: summary,
    editedAt: d.editedAt ?? null,
    deletedAt: d.deletedAt ?? null,
    createdAt: d.createdAt,
    linkPreview: d.linkPreview ?? null,
  };
}

export const isDuplicateKey = (err: unknown): boolean =>
  typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;
