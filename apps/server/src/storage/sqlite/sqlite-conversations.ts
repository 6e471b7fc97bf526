import { randomUUID } from 'node:crypto';
import { cursorOf, decodeCursor, encodeCursor } from '../cursor.ts';
import type {
  ConversationListItem,
  ConversationPatch,
  ConversationRecord,
  ConversationsRepo,
  NewConversation,
  PublicChannel,
} from '../ports.ts';
import { createSqliteChangeFeed } from './sqlite-changes.ts';
import {
  type ConversationRow,
  type MessageRow,
  type MessagingCore,
  type ParticipantRow,
  toConversation,
  toParticipant,
} from './sqlite-messaging-core.ts';
import { likePrefix, required } from './sqlite-util.ts';

export const directKeyOf = (a: string, b: string, encrypted = false): string =>
  `${[a, b].sort().join(':')}${encrypted ? ':e2ee' : ''}`;

const isListCursor = cursorOf('number', 'string');
const isChannelCursor = cursorOf('string', 'string');

type NewConversationRow = {
  id: string;
  kind: ConversationRow['kind'];
  title: string | null;
  description: string | null;
  avatarUrl: string | null;
  createdBy: string;
  now: number;
  history: number;
  onlyAdmins: 0 | 1;
  directKey: string | null;
  encrypted: 0 | 1;
};
type PageParams = { u: string; archived: number | null; limit: number };
type PageRow = { id: string; last_activity_at: number };
type FiguresRow = { last_rid: number | null; unread: number; mentions: number; members: number };

const patchColumns: { [K in keyof Required<ConversationPatch>]: [string, (v: ConversationPatch[K]) => unknown] } = {
  title: ['title', (v) => v],
  description: ['description', (v) => v],
  avatarUrl: ['avatar_url', (v) => v],
  historyForNewcomers: ['history_for_newcomers', (v) => (v ? 1 : 0)],
  onlyAdminsPost: ['only_admins_post', (v) => (v ? 1 : 0)],
};

const notHiddenTo = (alias: string) =>
  `NOT EXISTS (SELECT 1 FROM hidden_messages h WHERE h.user_id = @u AND h.conversation_id = ${alias}.conversation_id AND h.seq = ${alias}.seq)`;

// "My conversations, newest activity first": participants carries a copy of the conversation's
// last_activity_at (migration 0007, kept by triggers) so the partial index participants_user_activity
// yields the rows already in page order and the LIMIT stops the walk: no temp B-tree over every
// membership. The cursor is a row-value bound so a deep page seeks instead of scanning from the top.
const pageSql = (cursor: string) =>
  `SELECT p.conversation_id AS id, p.last_activity_at FROM participants p
   JOIN conversations c ON c.id = p.conversation_id
   WHERE p.user_id = @u AND p.left_at IS NULL AND c.deleted_at IS NULL
     AND (@archived IS NULL OR p.archived = @archived)${cursor}
   ORDER BY p.last_activity_at DESC, p.conversation_id DESC LIMIT @limit`;

/**
 * The conversation list's statements, exported for the query-plan test. `figures` computes every
 * row's last visible message, unread and unread-mention counts and active members in one statement over the page's
 * rows (JSON: c = conversation, vis = visibility floor, rd = read floor): a statement per row and
 * per figure cost 150 executions a page, each 15-25 µs of SQLite set-up alone (with planner
 * statistics it re-plans on every bind), ~3 ms for a page of 50 against ~0.3 ms for this one.
 * Each subquery is an O(unread) index range: messages (conversation_id, seq), message_mentions
 * (user_id, conversation_id, seq).
 */
export const CONVERSATION_LIST_SQL = {
  firstPage: pageSql(''),
  nextPage: pageSql(' AND (p.last_activity_at, p.conversation_id) < (@at, @id)'),
  figures: `SELECT
     (SELECT m.rid FROM messages m WHERE m.conversation_id = r.value ->> 'c' AND m.seq > r.value ->> 'vis'
        AND ${notHiddenTo('m')} ORDER BY m.seq DESC LIMIT 1) AS last_rid,
     (SELECT COUNT(*) FROM messages m WHERE m.conversation_id = r.value ->> 'c' AND m.seq > r.value ->> 'rd'
        AND m.sender_id != @u AND m.deleted_at IS NULL AND ${notHiddenTo('m')}) AS unread,
     (SELECT COUNT(*) FROM message_mentions mm JOIN messages m ON m.id = mm.message_id
       WHERE mm.user_id = @u AND mm.conversation_id = r.value ->> 'c' AND mm.seq > r.value ->> 'rd'
         AND m.sender_id != @u AND m.deleted_at IS NULL AND ${notHiddenTo('mm')}) AS mentions,
     (SELECT COUNT(*) FROM participants p WHERE p.conversation_id = r.value ->> 'c' AND p.left_at IS NULL) AS members
   FROM json_each(@rows) r ORDER BY r.key`,
  // CROSS JOIN keeps json_each outside: with few messages the planner would rather scan the table.
  messagesByRid: 'SELECT m.* FROM json_each(?) j CROSS JOIN messages m ON m.rid = j.value',
};

export function createSqliteConversationsRepo(core: MessagingCore): ConversationsRepo {
  const { db } = core;
  const { activity } = core;
  const insertConv = db.prepare<NewConversationRow>(
    `INSERT INTO conversations (id, kind, title, description, avatar_url, created_by, created_at, last_activity_at,
       last_change_at, history_for_newcomers, only_admins_post, direct_key, encrypted)
     VALUES (@id, @kind, @title, @description, @avatarUrl, @createdBy, @now, @now, @now, @history, @onlyAdmins,
       @directKey, @encrypted)`,
  );
  const byDirectKey = db.prepare<[string], ConversationRow>('SELECT * FROM conversations WHERE direct_key = ?');
  const markDeleted = db.prepare<[number, string]>(
    'UPDATE conversations SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL',
  );
  const freeDirectKey = db.prepare<[string]>('UPDATE conversations SET direct_key = NULL WHERE id = ?');
  const myFirstPage = db.prepare<PageParams, PageRow>(CONVERSATION_LIST_SQL.firstPage);
  const myNextPage = db.prepare<PageParams & { at: number; id: string }, PageRow>(CONVERSATION_LIST_SQL.nextPage);
  const figures = db.prepare<{ u: string; rows: string }, FiguresRow>(CONVERSATION_LIST_SQL.figures);
  const messagesByRid = db.prepare<[string], MessageRow>(CONVERSATION_LIST_SQL.messagesByRid);
  const channels = db.prepare<
    { q: string; t: string | null; id: string | null; limit: number },
    ConversationRow & { member_count: number }
  >(
    `SELECT c.*, (SELECT COUNT(*) FROM participants p WHERE p.conversation_id = c.id AND p.left_at IS NULL) AS member_count
     FROM conversations c
     WHERE c.kind = 'channel' AND c.deleted_at IS NULL AND c.title LIKE @q ESCAPE '\\'
       AND (@t IS NULL OR c.title > @t COLLATE NOCASE OR (c.title = @t COLLATE NOCASE AND c.id > @id))
     ORDER BY c.title COLLATE NOCASE, c.id LIMIT @limit`,
  );

  // A page's conversation and membership rows in one query each, not two lookups per row.
  const convsByIds = db.prepare<[string], ConversationRow>(
    'SELECT * FROM conversations WHERE id IN (SELECT value FROM json_each(?))',
  );
  const mineByIds = db.prepare<[string, string], ParticipantRow>(
    'SELECT * FROM participants WHERE user_id = ? AND conversation_id IN (SELECT value FROM json_each(?))',
  );

  /** List rows for (conversation, my membership) pairs of one user: three statements whatever the page size. */
  const items = (userId: string, pairs: [ConversationRow, ParticipantRow][]): ConversationListItem[] => {
    if (pairs.length === 0) return [];
    const rows = pairs.map(([conv, me]) => ({
      c: conv.id,
      vis: conv.history_for_newcomers === 1 ? 0 : me.joined_seq,
      rd: Math.max(me.last_read_seq, me.joined_seq),
    }));
    const found = figures.all({ u: userId, rows: JSON.stringify(rows) });
    const rids = found.flatMap((f) => (f.last_rid === null ? [] : [f.last_rid]));
    const lastRows = rids.length ? messagesByRid.all(JSON.stringify(rids)) : [];
    const byRid = new Map(lastRows.map((m) => [m.rid, m]));
    // The last messages' reactions load in one query.
    const hydrated = new Map(core.hydrate(lastRows).map((m) => [m.id, m]));
    return pairs.map(([conv, me], i) => {
      const f = required(found[i], `figures of ${conv.id}`);
      const last = f.last_rid === null ? undefined : byRid.get(f.last_rid);
      return {
        conversation: toConversation(conv),
        me: toParticipant(me),
        lastMessage: last ? (hydrated.get(last.id) ?? null) : null,
        unreadCount: f.unread,
        unreadMentions: f.mentions,
        memberCount: f.members,
      };
    });
  };

  const createTx = db.transaction((input: NewConversation): ConversationRecord => {
    const id = randomUUID();
    insertConv.run({
      id,
      kind: input.kind,
      title: input.title,
      description: input.description ?? null,
      avatarUrl: input.avatarUrl ?? null,
      createdBy: input.createdBy,
      now: input.now.getTime(),
      history: input.historyForNewcomers ? 1 : 0,
      onlyAdmins: input.onlyAdminsPost ? 1 : 0,
      directKey: null,
      encrypted: input.encrypted ? 1 : 0,
    });
    core.appendChange({
      conversationId: id,
      type: 'conversation.created',
      entityId: id,
      actorId: input.createdBy,
      now: input.now,
    });
    const conv = required(core.conversation(id), 'conversation just created');
    core.addParticipant(conv, input.createdBy, 'owner', input.createdBy, input.now);
    for (const m of input.members ?? []) {
      if (m.userId !== input.createdBy) core.addParticipant(conv, m.userId, m.role, input.createdBy, input.now);
    }
    return toConversation(required(core.conversation(id), 'conversation just created'));
  });

  const createDirectTx = db.transaction((a: string, b: string, now: Date, encrypted: boolean) => {
    const key = directKeyOf(a, b, encrypted);
    const existing = byDirectKey.get(key);
    if (existing && existing.deleted_at === null) {
      // Someone who left a direct chat is brought back when it is opened again.
      for (const u of new Set([a, b])) core.addParticipant(existing, u, 'member', a, now);
      return {
        conversation: toConversation(required(core.conversation(existing.id), 'direct chat')),
        created: false,
      };
    }
    // A deleted direct chat frees the pair: the key moves to the new one.
    if (existing) freeDirectKey.run(existing.id);
    const id = randomUUID();
    insertConv.run({
      id,
      kind: 'direct',
      title: null,
      description: null,
      avatarUrl: null,
      createdBy: a,
      now: now.getTime(),
      history: encrypted ? 0 : 1,
      onlyAdmins: 0,
      directKey: key,
      encrypted: encrypted ? 1 : 0,
    });
    core.appendChange({ conversationId: id, type: 'conversation.created', entityId: id, actorId: a, now });
    const conv = required(core.conversation(id), 'direct chat just created');
    for (const u of new Set([a, b])) core.addParticipant(conv, u, 'member', a, now);
    return { conversation: toConversation(required(core.conversation(id), 'direct chat just created')), created: true };
  });

  const updateTx = db.transaction((id: string, patch: ConversationPatch, actorId: string, now: Date) => {
    const conv = core.conversation(id);
    if (!conv || conv.deleted_at !== null) return null;
    const sets: string[] = [];
    const values: unknown[] = [];
    const changed: string[] = [];
    for (const [key, [column, store]] of Object.entries(patchColumns) as [
      keyof ConversationPatch,
      [string, (v: unknown) => unknown],
    ][]) {
      if (patch[key] === undefined) continue;
      sets.push(`${column} = ?`);
      values.push(store(patch[key]));
      changed.push(key);
    }
    if (sets.length > 0) {
      db.prepare(`UPDATE conversations SET ${sets.join(', ')} WHERE id = ?`).run(...values, id);
      core.appendChange({
        conversationId: id,
        type: 'conversation.updated',
        entityId: id,
        actorId,
        data: { fields: changed },
        now,
      });
    }
    return {
      conversation: toConversation(required(core.conversation(id), 'conversation just updated')),
      ...core.committed(id),
    };
  });

  const deleteTx = db.transaction((id: string, actorId: string, now: Date) => {
    if (markDeleted.run(now.getTime(), id).changes === 0) return null;
    core.appendChange({ conversationId: id, type: 'conversation.deleted', entityId: id, actorId, now });
    return core.committed(id);
  });

  const feed = createSqliteChangeFeed(core);

  return {
    create: async (input) => createTx.immediate(input),
    createDirect: async (a, b, now, options) => createDirectTx.immediate(a, b, now, options?.encrypted === true),
    findById: async (id) => {
      const row = core.conversation(id);
      return row ? toConversation(row) : null;
    },
    findDirect: async (a, b) => {
      const row = byDirectKey.get(directKeyOf(a, b));
      return row && row.deleted_at === null ? toConversation(row) : null;
    },
    update: async (id, patch, actorId, now) => updateTx.immediate(id, patch, actorId, now),
    softDelete: async (id, actorId, now) => deleteTx.immediate(id, actorId, now),
    listForUser: async (userId, options) => {
      const limit = Math.max(1, Math.min(options.limit, 100));
      const after = decodeCursor(options.cursor, isListCursor);
      // One transaction so the page is a consistent snapshot. Members' activity copies that lag
      // (sends mark them pending) are brought up to date first, in the same (then write) transaction.
      const page = (flush: boolean) => {
        if (flush) activity.flush();
        else if (activity.pending()) return null;
        const archived = options.archived === undefined ? null : options.archived ? 1 : 0;
        const ids = after
          ? myNextPage.all({ u: userId, archived, at: after[0], id: after[1], limit: limit + 1 })
          : myFirstPage.all({ u: userId, archived, limit: limit + 1 });
        const pageIds = ids.slice(0, limit);
        const idsJson = JSON.stringify(pageIds.map((r) => r.id));
        const convs = new Map(convsByIds.all(idsJson).map((c) => [c.id, c]));
        const mine = new Map(mineByIds.all(userId, idsJson).map((p) => [p.conversation_id, p]));
        const pairs = pageIds.map((r): [ConversationRow, ParticipantRow] => [
          required(convs.get(r.id), `conversation ${r.id}`),
          required(mine.get(r.id), `membership in ${r.id}`),
        ]);
        const last = pageIds.at(-1);
        return {
          items: items(userId, pairs),
          nextCursor: ids.length > limit && last ? encodeCursor([last.last_activity_at, last.id]) : null,
        };
      };
      const tx = db.transaction(page);
      return tx.deferred(false) ?? required(tx.immediate(true), 'conversation page');
    },
    getForUser: async (conversationId, userId) =>
      db.transaction(() => {
        const conv = core.conversation(conversationId);
        const me = core.participant(conversationId, userId);
        if (!conv || conv.deleted_at !== null || !me || me.left_at !== null) return null;
        return items(userId, [[conv, me]])[0] ?? null;
      })(),
    searchPublic: async (q, options) => {
      const limit = Math.max(1, Math.min(options.limit, 100));
      const after = decodeCursor(options.cursor, isChannelCursor);
      const rows = channels.all({
        q: `%${likePrefix(q.trim())}`,
        t: after?.[0] ?? null,
        id: after?.[1] ?? null,
        limit: limit + 1,
      });
      const slice = rows.slice(0, limit);
      const items: PublicChannel[] = slice.map((r) => ({ ...toConversation(r), memberCount: r.member_count }));
      const last = slice.at(-1);
      return { items, nextCursor: rows.length > limit && last ? encodeCursor([last.title ?? '', last.id]) : null };
    },
    changedSince: feed.changedSince,
    changesAfter: feed.changesAfter,
  };
}
