import { randomUUID } from 'node:crypto';
import type { AdapterOptions, SendCrashPoint } from '../adapter-options.ts';
import type { HistoryQuery, MessageRecord, MessagesRepo, NewMessage, SendResult } from '../ports.ts';
import { createGroupCommit } from './sqlite-group-commit.ts';
import { createSqliteMessageSearch } from './sqlite-message-search.ts';
import { type MessageRow, type MessagingCore, toMessage } from './sqlite-messaging-core.ts';
import { required } from './sqlite-util.ts';

type InsertMessage = {
  id: string;
  c: string;
  seq: number;
  sender: string;
  clientMsgId: string | null;
  kind: MessageRow['kind'];
  text: string;
  attachments: string;
  replyTo: string | null;
  forwardedFrom: string | null;
  mentions: string;
  system: string | null;
  language: string | null;
  now: number;
};
/** The row an insert with these values leaves (the columns it does not set start empty). */
const insertedRow = (p: InsertMessage): MessageRow => ({
  rid: 0,
  id: p.id,
  conversation_id: p.c,
  seq: p.seq,
  sender_id: p.sender,
  client_msg_id: p.clientMsgId,
  kind: p.kind,
  text: p.text,
  attachments: p.attachments,
  reply_to: p.replyTo,
  forwarded_from: p.forwardedFrom,
  mentions: p.mentions,
  system: p.system,
  language: p.language,
  edited_at: null,
  deleted_at: null,
  created_at: p.now,
  link_preview: null,
});
type WindowParams = { c: string; floor: number; u: string; limit: number };

const notHidden =
  'NOT EXISTS (SELECT 1 FROM hidden_messages h WHERE h.user_id = @u AND h.conversation_id = m.conversation_id AND h.seq = m.seq)';

/**
 * `options.sendFault` marks the same crash points as the MongoDB adapter; here they all sit inside
 * one transaction, so a crash at any of them leaves nothing behind.
 */
export function createSqliteMessagesRepo(core: MessagingCore, options: AdapterOptions = {}): MessagesRepo {
  const { db } = core;
  const fault = (point: SendCrashPoint) => options.sendFault?.(point);
  const byClientId = db.prepare<[string, string], MessageRow>(
    'SELECT * FROM messages WHERE sender_id = ? AND client_msg_id = ?',
  );
  const bySeq = db.prepare<[string, number], MessageRow>(
    'SELECT * FROM messages WHERE conversation_id = ? AND seq = ?',
  );
  const byIds = db.prepare<[string], MessageRow>('SELECT * FROM messages WHERE id IN (SELECT value FROM json_each(?))');
  // The message's seq and its change row's changeSeq in one UPDATE: a send is one conversation write.
  const nextSeq = db.prepare<{ now: number; c: string }, { last_seq: number; change_seq: number }>(
    `UPDATE conversations SET last_seq = last_seq + 1, last_activity_at = MAX(last_activity_at, @now),
       change_seq = change_seq + 1, last_change_at = MAX(last_change_at, @now)
     WHERE id = @c AND deleted_at IS NULL RETURNING last_seq, change_seq`,
  );
  const insertMsg = db.prepare<InsertMessage>(
    `INSERT INTO messages (id, conversation_id, seq, sender_id, client_msg_id, kind, text, attachments, reply_to,
       forwarded_from, mentions, system, language, created_at)
     VALUES (@id, @c, @seq, @sender, @clientMsgId, @kind, @text, @attachments, @replyTo, @forwardedFrom, @mentions,
       @system, @language, @now)`,
  );
  const insertMention = db.prepare<[string, string, number, string]>(
    'INSERT OR IGNORE INTO message_mentions (user_id, conversation_id, seq, message_id) VALUES (?, ?, ?, ?)',
  );
  const clearMentions = db.prepare<[string]>('DELETE FROM message_mentions WHERE message_id = ?');
  const senderRead = db.prepare<{ seq: number; c: string; u: string }>(
    `UPDATE participants SET last_read_seq = MAX(last_read_seq, @seq), last_delivered_seq = MAX(last_delivered_seq, @seq)
     WHERE conversation_id = @c AND user_id = @u AND left_at IS NULL`,
  );
  const editStmt = db.prepare<[string, string, number, string | null, string]>(
    'UPDATE messages SET text = ?, mentions = ?, edited_at = ?, language = ? WHERE id = ? AND deleted_at IS NULL',
  );
  const dropTranslations = db.prepare<[string]>('DELETE FROM message_translations WHERE message_id = ?');
  const wipeStmt = db.prepare<[number, string]>(
    `UPDATE messages SET text = '', attachments = '[]', mentions = '[]', reply_to = NULL, forwarded_from = NULL,
       system = NULL, language = NULL, link_preview = NULL, deleted_at = ? WHERE id = ? AND deleted_at IS NULL`,
  );
  const clearReactions = db.prepare<[string]>('DELETE FROM reactions WHERE message_id = ?');
  const quoting = db.prepare<[string], { id: string; seq: number }>(
    "SELECT id, seq FROM messages WHERE json_extract(reply_to, '$.id') = ? AND reply_to IS NOT NULL",
  );
  const wipeQuote = db.prepare<[string]>(
    "UPDATE messages SET reply_to = json_set(reply_to, '$.text', '') WHERE id = ?",
  );
  const hideStmt = db.prepare<[string, string, number, string, number]>(
    'INSERT OR IGNORE INTO hidden_messages (user_id, conversation_id, seq, message_id, created_at) VALUES (?, ?, ?, ?, ?)',
  );
  const reactOn = db.prepare<[string, string, string, number]>(
    'INSERT OR IGNORE INTO reactions (message_id, emoji, user_id, created_at) VALUES (?, ?, ?, ?)',
  );
  const reactOff = db.prepare<[string, string, string]>(
    'DELETE FROM reactions WHERE message_id = ? AND emoji = ? AND user_id = ?',
  );
  const latest = db.prepare<WindowParams, MessageRow>(
    `SELECT * FROM messages m WHERE conversation_id = @c AND seq > @floor AND ${notHidden} ORDER BY seq DESC LIMIT @limit`,
  );
  const before = db.prepare<WindowParams & { s: number }, MessageRow>(
    `SELECT * FROM messages m WHERE conversation_id = @c AND seq > @floor AND seq < @s AND ${notHidden}
     ORDER BY seq DESC LIMIT @limit`,
  );
  const fromSeq = db.prepare<WindowParams & { s: number }, MessageRow>(
    `SELECT * FROM messages m WHERE conversation_id = @c AND seq > @floor AND seq >= @s AND ${notHidden}
     ORDER BY seq LIMIT @limit`,
  );

  const byId = db.prepare<[string], MessageRow>('SELECT * FROM messages WHERE id = ?');
  const hiddenStmt = db
    .prepare<[string, string], string>(
      'SELECT message_id FROM hidden_messages WHERE user_id = ? AND message_id IN (SELECT value FROM json_each(?))',
    )
    .pluck();
  const row = (id: string) => byId.get(id);

  const sendOne = (input: NewMessage): SendResult | null => {
    if (input.clientMsgId !== null) {
      const existing = byClientId.get(input.senderId, input.clientMsgId);
      if (existing)
        return {
          message: required(core.hydrate([existing])[0], 'hydrated message'),
          created: false,
          ...core.committed(existing.conversation_id),
        };
    }
    fault('claimed');
    const now = input.now.getTime();
    const bumped = nextSeq.get({ now, c: input.conversationId });
    if (!bumped) return null;
    fault('reserved');
    const id = randomUUID();
    const mentions = [...new Set(input.mentions ?? [])];
    const params: InsertMessage = {
      id,
      c: input.conversationId,
      seq: bumped.last_seq,
      sender: input.senderId,
      clientMsgId: input.clientMsgId,
      kind: input.kind,
      text: input.text,
      attachments: JSON.stringify(input.attachments ?? []),
      replyTo: input.replyTo ? JSON.stringify(input.replyTo) : null,
      forwardedFrom: input.forwardedFrom ? JSON.stringify(input.forwardedFrom) : null,
      mentions: JSON.stringify(mentions),
      system: input.system ? JSON.stringify(input.system) : null,
      language: input.language ?? null,
      now,
    };
    insertMsg.run(params);
    // The trigger queued it for the search index; a batch indexes it shortly after the commit.
    core.searchQueue.soon();
    for (const u of mentions) insertMention.run(u, input.conversationId, bumped.last_seq, id);
    fault('stamped');
    senderRead.run({ seq: bumped.last_seq, c: input.conversationId, u: input.senderId });
    fault('activity');
    fault('change-reserved');
    core.writeChange(
      {
        conversationId: input.conversationId,
        type: 'message.created',
        entityId: id,
        messageSeq: bumped.last_seq,
        actorId: input.senderId,
        now: input.now,
      },
      bumped.change_seq,
    );
    fault('change-written');
    // What was just written, without reading it back (a new message has no reactions yet).
    return {
      message: toMessage(insertedRow(params), []),
      created: true,
      changeSeq: bumped.change_seq,
      memberIds: core.members(input.conversationId),
    };
  };
  // Sends of one event-loop turn share a transaction; each is acknowledged after the COMMIT.
  const sends = createGroupCommit(db, sendOne);
  core.beforeClose.push(sends.drain);

  const editTx = db.transaction(
    (
      id: string,
      change: { text: string; mentions: string[]; language?: string | null },
      actorId: string,
      now: Date,
    ) => {
      const mentions = [...new Set(change.mentions)];
      const before = row(id);
      const language = change.language === undefined ? (before?.language ?? null) : change.language;
      if (editStmt.run(change.text, JSON.stringify(mentions), now.getTime(), language, id).changes === 0) return null;
      const m = required(row(id), 'message just edited');
      dropTranslations.run(id);
      clearMentions.run(id);
      for (const u of mentions) insertMention.run(u, m.conversation_id, m.seq, id);
      core.appendChange({
        conversationId: m.conversation_id,
        type: 'message.updated',
        entityId: id,
        messageSeq: m.seq,
        actorId,
        now,
      });
      return { message: required(core.message(id), 'message just edited'), ...core.committed(m.conversation_id) };
    },
  );

  const deleteTx = db.transaction((id: string, actorId: string, now: Date) => {
    if (wipeStmt.run(now.getTime(), id).changes === 0) return null;
    const m = required(row(id), 'message just deleted');
    clearReactions.run(id);
    dropTranslations.run(id);
    clearMentions.run(id);
    core.appendChange({
      conversationId: m.conversation_id,
      type: 'message.deleted',
      entityId: id,
      messageSeq: m.seq,
      actorId,
      now,
    });
    // Quotes of the deleted message must not keep its text alive.
    for (const q of quoting.all(id)) {
      wipeQuote.run(q.id);
      core.appendChange({
        conversationId: m.conversation_id,
        type: 'message.updated',
        entityId: q.id,
        messageSeq: q.seq,
        actorId,
        now,
      });
    }
    return { message: required(core.message(id), 'message just deleted'), ...core.committed(m.conversation_id) };
  });

  const hideTx = db.transaction((id: string, userId: string, now: Date) => {
    const m = row(id);
    if (!m) return null;
    if (hideStmt.run(userId, m.conversation_id, m.seq, id, now.getTime()).changes === 0) return null;
    const changeSeq = core.appendChange({
      conversationId: m.conversation_id,
      type: 'message.hidden',
      entityId: id,
      messageSeq: m.seq,
      actorId: userId,
      audience: userId,
      now,
    });
    return { changeSeq };
  });

  const reactTx = db.transaction((id: string, userId: string, emoji: string, on: boolean, now: Date) => {
    const m = row(id);
    if (!m || m.deleted_at !== null) return null;
    const res = on ? reactOn.run(id, emoji, userId, now.getTime()) : reactOff.run(id, emoji, userId);
    const changed = res.changes > 0;
    if (changed) {
      core.appendChange({
        conversationId: m.conversation_id,
        type: 'reaction.updated',
        entityId: id,
        messageSeq: m.seq,
        actorId: userId,
        data: { emoji, userId, on },
        now,
      });
    }
    return { message: required(core.message(id), 'reacted message'), changed, ...core.committed(m.conversation_id) };
  });

  const history = (conversationId: string, viewerId: string, q: HistoryQuery): MessageRecord[] => {
    const conv = core.conversation(conversationId);
    if (!conv) return [];
    const limit = Math.max(1, Math.min(Math.floor(q.limit) || 1, 100));
    const base = { c: conversationId, floor: core.visibilityFloor(conv, viewerId), u: viewerId };
    let rows: MessageRow[];
    if (q.around !== undefined) {
      const older = Math.floor(limit / 2);
      const head = before.all({ ...base, s: q.around, limit: older }).reverse();
      const tail = fromSeq.all({ ...base, s: q.around, limit: limit - head.length });
      rows = [...head, ...tail];
    } else if (q.after !== undefined) {
      rows = fromSeq.all({ ...base, s: q.after + 1, limit });
    } else if (q.before !== undefined) {
      rows = before.all({ ...base, s: q.before, limit }).reverse();
    } else {
      rows = latest.all({ ...base, limit }).reverse();
    }
    return core.hydrate(rows);
  };

  // A read transaction: the window is one consistent snapshot.
  const historyTx = db.transaction(history);

  // Oldest first by rowid, and never more than `limit` rows looked at: a sweep over a space whose
  // messages are all recent costs a few rows, not a table scan. Cascades and the FTS trigger do the rest.
  const purgeOld = db.prepare<[number, number]>(
    `DELETE FROM messages WHERE rid IN (
       SELECT rid FROM (SELECT rid, created_at FROM messages ORDER BY rid LIMIT ?) WHERE created_at < ?)`,
  );

  return {
    send: (input) => sends.run(input),
    findById: async (id) => core.message(id),
    purgeOlderThan: async (before, limit) => purgeOld.run(limit, before.getTime()).changes,
    findByIds: async (ids) => (ids.length === 0 ? [] : core.hydrate(byIds.all(JSON.stringify([...new Set(ids)])))),
    findBySeq: async (conversationId, seq) => {
      const r = bySeq.get(conversationId, seq);
      return r ? (core.hydrate([r])[0] ?? null) : null;
    },
    history: async (conversationId, viewerId, query) => historyTx(conversationId, viewerId, query),
    edit: async (id, change, actorId, now) => editTx.immediate(id, change, actorId, now),
    deleteForEveryone: async (id, actorId, now) => deleteTx.immediate(id, actorId, now),
    hiddenFor: async (userId, ids) =>
      ids.length === 0 ? [] : hiddenStmt.all(userId, JSON.stringify([...new Set(ids)])),
    hideForUser: async (id, userId, now) => hideTx.immediate(id, userId, now),
    setReaction: async (id, userId, emoji, on, now) => reactTx.immediate(id, userId, emoji, on, now),
    search: createSqliteMessageSearch(core),
  };
}
