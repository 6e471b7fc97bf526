import type { Database } from 'better-sqlite3';
import type {
  ChangeType,
  Committed,
  ConversationRecord,
  LinkPreviewRecord,
  MessageRecord,
  ParticipantRecord,
  ParticipantRole,
  ReactionSummary,
} from '../ports.ts';
import { createActivityCopies } from './sqlite-activity.ts';
import { createSearchQueue } from './sqlite-search-queue.ts';
import { date, dateOf, required } from './sqlite-util.ts';

/*
 * Statements and row mappers shared by the messaging repos. Every mutation runs inside one
 * better-sqlite3 transaction (synchronous, so atomic in-process; BEGIN IMMEDIATE + busy_timeout make
 * it safe across processes) and calls `appendChange` in that same transaction.
 */

export type ConversationRow = {
  id: string;
  kind: ConversationRecord['kind'];
  title: string | null;
  description: string | null;
  avatar_url: string | null;
  created_by: string;
  created_at: number;
  last_activity_at: number;
  last_seq: number;
  change_seq: number;
  last_change_at: number;
  history_for_newcomers: number;
  only_admins_post: number;
  direct_key: string | null;
  encrypted: number;
  deleted_at: number | null;
};

export type ParticipantRow = {
  conversation_id: string;
  user_id: string;
  role: ParticipantRole;
  joined_seq: number;
  last_read_seq: number;
  last_delivered_seq: number;
  muted_until: number | null;
  archived: number;
  pinned: number;
  marked_unread: number;
  joined_at: number;
  left_at: number | null;
  left_reason: ParticipantRecord['leftReason'];
};

export type MessageRow = {
  rid: number;
  id: string;
  conversation_id: string;
  seq: number;
  sender_id: string;
  client_msg_id: string | null;
  kind: MessageRecord['kind'];
  text: string;
  attachments: string;
  reply_to: string | null;
  forwarded_from: string | null;
  mentions: string;
  system: string | null;
  language: string | null;
  edited_at: number | null;
  deleted_at: number | null;
  created_at: number;
  link_preview?: string | null;
};

export const toConversation = (r: ConversationRow): ConversationRecord => ({
  id: r.id,
  kind: r.kind,
  title: r.title,
  description: r.description,
  avatarUrl: r.avatar_url,
  createdBy: r.created_by,
  createdAt: dateOf(r.created_at),
  lastActivityAt: dateOf(r.last_activity_at),
  lastSeq: r.last_seq,
  changeSeq: r.change_seq,
  historyForNewcomers: r.history_for_newcomers === 1,
  onlyAdminsPost: r.only_admins_post === 1,
  directKey: r.direct_key,
  encrypted: r.encrypted === 1,
  deletedAt: date(r.deleted_at),
});

export const toParticipant = (r: ParticipantRow): ParticipantRecord => ({
  conversationId: r.conversation_id,
  userId: r.user_id,
  role: r.role,
  joinedSeq: r.joined_seq,
  lastReadSeq: r.last_read_seq,
  lastDeliveredSeq: r.last_delivered_seq,
  mutedUntil: date(r.muted_until),
  archived: r.archived === 1,
  pinned: r.pinned === 1,
  markedUnread: r.marked_unread === 1,
  joinedAt: dateOf(r.joined_at),
  leftAt: date(r.left_at),
  leftReason: r.left_reason,
});

const json = <T>(v: string | null): T | null => (v === null ? null : (JSON.parse(v) as T));

export const toMessage = (r: MessageRow, reactions: ReactionSummary[]): MessageRecord => ({
  id: r.id,
  conversationId: r.conversation_id,
  seq: r.seq,
  senderId: r.sender_id,
  clientMsgId: r.client_msg_id,
  kind: r.kind,
  text: r.text,
  attachments: JSON.parse(r.attachments) as string[],
  replyTo: json(r.reply_to),
  forwardedFrom: json(r.forwarded_from),
  mentions: JSON.parse(r.mentions) as string[],
  system: json(r.system),
  language: r.language ?? null,
  reactions,
  editedAt: date(r.edited_at),
  deletedAt: date(r.deleted_at),
  createdAt: dateOf(r.created_at),
  linkPreview: r.link_preview ? (JSON.parse(r.link_preview) as LinkPreviewRecord) : null,
});

export type ChangeInput = {
  conversationId: string;
  type: ChangeType;
  entityId: string;
  messageSeq?: number | null;
  actorId: string | null;
  audience?: string | null;
  data?: Record<string, unknown> | null;
  now: Date;
};

export type MessagingCore = ReturnType<typeof createMessagingCore>;

export function createMessagingCore(db: Database) {
  const convById = db.prepare<[string], ConversationRow>('SELECT * FROM conversations WHERE id = ?');
  const partByPk = db.prepare<[string, string], ParticipantRow>(
    'SELECT * FROM participants WHERE conversation_id = ? AND user_id = ?',
  );
  const bumpChange = db.prepare<[number, string], { change_seq: number }>(
    `UPDATE conversations SET change_seq = change_seq + 1, last_change_at = MAX(last_change_at, ?)
     WHERE id = ? RETURNING change_seq`,
  );
  const insertChange = db.prepare<
    [string, number, string, string, number | null, string | null, string | null, string | null, number]
  >(
    `INSERT INTO changes (conversation_id, change_seq, type, entity_id, message_seq, actor_id, audience, data, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const msgById = db.prepare<[string], MessageRow>('SELECT * FROM messages WHERE id = ?');
  const reactionsOf = db.prepare<[string], { message_id: string; emoji: string; user_id: string }>(
    `SELECT message_id, emoji, user_id FROM reactions
     WHERE message_id IN (SELECT value FROM json_each(?)) ORDER BY created_at, emoji, user_id`,
  );
  const insertParticipant = db.prepare<{ c: string; u: string; role: ParticipantRole; seq: number; now: number }>(
    `INSERT INTO participants (conversation_id, user_id, role, joined_seq, last_read_seq, last_delivered_seq, joined_at)
     VALUES (@c, @u, @role, @seq, @seq, @seq, @now)
     ON CONFLICT (conversation_id, user_id) DO UPDATE SET role = @role, joined_seq = @seq, last_read_seq = @seq,
       last_delivered_seq = @seq, muted_until = NULL, archived = 0, pinned = 0, marked_unread = 0, joined_at = @now,
       left_at = NULL, left_reason = NULL`,
  );

  const membersOf = db
    .prepare<[string], string>('SELECT user_id FROM participants WHERE conversation_id = ? AND left_at IS NULL')
    .pluck();

  const changeSeqOf = db.prepare<[string], number>('SELECT change_seq FROM conversations WHERE id = ?').pluck();

  const conversation = (id: string) => convById.get(id);
  /**
   * Inside a mutation's transaction: the counter it left and the active members, which the caller
   * publishes with (transactions are synchronous, so nothing else has written in between).
   */
  const committed = (conversationId: string): Committed => ({
    changeSeq: changeSeqOf.get(conversationId) ?? 0,
    memberIds: membersOf.all(conversationId),
  });
  const participant = (conversationId: string, userId: string) => partByPk.get(conversationId, userId);

  /** Must run inside the mutation's transaction. Returns the new changeSeq. */
  const appendChange = (c: ChangeInput): number => {
    const row = required(bumpChange.get(c.now.getTime(), c.conversationId), `conversation ${c.conversationId}`);
    writeChange(c, row.change_seq);
    return row.change_seq;
  };

  /**
   * The change row for a counter the caller already bumped (a send bumps seq and changeSeq in one
   * UPDATE). Must run inside that transaction.
   */
  const writeChange = (c: ChangeInput, changeSeq: number): void => {
    insertChange.run(
      c.conversationId,
      changeSeq,
      c.type,
      c.entityId,
      c.messageSeq ?? null,
      c.actorId,
      c.audience ?? null,
      c.data ? JSON.stringify(c.data) : null,
      c.now.getTime(),
    );
  };

  /** Loads reaction summaries for a batch of message rows (one query). */
  const hydrate = (rows: MessageRow[]): MessageRecord[] => {
    if (rows.length === 0) return [];
    const byMsg = new Map<string, ReactionSummary[]>();
    const reacted = reactionsOf.all(JSON.stringify(rows.map((r) => r.id)));
    for (const r of reacted) {
      const list = byMsg.get(r.message_id) ?? [];
      byMsg.set(r.message_id, list);
      let entry = list.find((e) => e.emoji === r.emoji);
      if (!entry) {
        entry = { emoji: r.emoji, count: 0, userIds: [] };
        list.push(entry);
      }
      entry.count += 1;
      entry.userIds.push(r.user_id);
    }
    return rows.map((r) => toMessage(r, byMsg.get(r.id) ?? []));
  };

  const message = (id: string): MessageRecord | null => {
    const row = msgById.get(id);
    return row ? (hydrate([row])[0] ?? null) : null;
  };

  /** Seq floor below which `userId` sees nothing (0 for non-members the service let in). */
  const visibilityFloor = (conv: ConversationRow, userId: string): number => {
    if (conv.history_for_newcomers === 1) return 0;
    return participant(conv.id, userId)?.joined_seq ?? 0;
  };

  /**
   * Adds or re-activates a member (inside a transaction). Returns null when already active.
   * A newcomer starts read up to the current lastSeq so old history is never "unread".
   */
  const addParticipant = (
    conv: ConversationRow,
    userId: string,
    role: ParticipantRole,
    actorId: string | null,
    now: Date,
    data?: Record<string, unknown>,
  ): ParticipantRow | null => {
    const existing = participant(conv.id, userId);
    if (existing && existing.left_at === null) return null;
    insertParticipant.run({ c: conv.id, u: userId, role, seq: conv.last_seq, now: now.getTime() });
    appendChange({
      conversationId: conv.id,
      type: 'participant.joined',
      entityId: userId,
      actorId,
      data: { role, ...data },
      now,
    });
    return required(participant(conv.id, userId), 'participant just added');
  };

  return {
    db,
    activity: createActivityCopies(db),
    /** Messages waiting for the search index (migration 0030). */
    searchQueue: createSearchQueue(db),
    /** Run before the database closes (writes still queued for a group commit). */
    beforeClose: [] as (() => void)[],
    conversation,
    participant,
    committed,
    members: (conversationId: string): string[] => membersOf.all(conversationId),
    appendChange,
    writeChange,
    hydrate,
    message,
    visibilityFloor,
    addParticipant,
  };
}
