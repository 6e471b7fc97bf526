import { cursorOf, decodeCursor, encodeCursor } from '../cursor.ts';
import type { ParticipantRole, ParticipantSettings, ParticipantsRepo } from '../ports.ts';
import { type MessagingCore, type ParticipantRow, toParticipant } from './sqlite-messaging-core.ts';
import { ms, required } from './sqlite-util.ts';

const roleRank = { owner: 0, admin: 1, member: 2 } as const;
const isListCursor = cursorOf('number', 'number', 'string');
type SeqParams = { seq: number; c: string; u: string };

export function createSqliteParticipantsRepo(core: MessagingCore): ParticipantsRepo {
  const { db } = core;
  // Owners first, then admins, then members; within a role by join time, then user id.
  const listStmt = db.prepare<
    { c: string; r: number | null; j: number | null; u: string | null; limit: number },
    ParticipantRow
  >(
    `SELECT *, CASE role WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 ELSE 2 END AS role_rank FROM participants
     WHERE conversation_id = @c AND left_at IS NULL
       AND (@r IS NULL OR role_rank > @r OR (role_rank = @r AND (joined_at > @j OR (joined_at = @j AND user_id > @u))))
     ORDER BY role_rank, joined_at, user_id LIMIT @limit`,
  );
  const idsStmt = db
    .prepare<[string], string>('SELECT user_id FROM participants WHERE conversation_id = ? AND left_at IS NULL')
    .pluck();
  // Walks the candidates' memberships (participants_user) and probes the viewer's by primary key.
  const sharingStmt = db
    .prepare<{ me: string; ids: string }, string>(
      `SELECT DISTINCT o.user_id FROM participants o
       JOIN participants me ON me.conversation_id = o.conversation_id AND me.user_id = @me AND me.left_at IS NULL
       JOIN conversations c ON c.id = o.conversation_id AND c.kind IN ('direct', 'group') AND c.deleted_at IS NULL
       WHERE o.user_id IN (SELECT value FROM json_each(@ids)) AND o.left_at IS NULL`,
    )
    .pluck();
  const countStmt = db
    .prepare<[string], number>('SELECT COUNT(*) FROM participants WHERE conversation_id = ? AND left_at IS NULL')
    .pluck();
  const ownersStmt = db
    .prepare<[string], number>(
      "SELECT COUNT(*) FROM participants WHERE conversation_id = ? AND left_at IS NULL AND role = 'owner'",
    )
    .pluck();
  const setRoleStmt = db.prepare<[ParticipantRole, string, string]>(
    'UPDATE participants SET role = ? WHERE conversation_id = ? AND user_id = ? AND left_at IS NULL',
  );
  const removeStmt = db.prepare<[number, 'left' | 'removed', string, string]>(
    'UPDATE participants SET left_at = ?, left_reason = ? WHERE conversation_id = ? AND user_id = ? AND left_at IS NULL',
  );
  const readStmt = db.prepare<SeqParams>(
    `UPDATE participants SET last_read_seq = @seq, last_delivered_seq = MAX(last_delivered_seq, @seq)
     WHERE conversation_id = @c AND user_id = @u AND last_read_seq < @seq`,
  );
  const deliveredStmt = db.prepare<SeqParams>(
    `UPDATE participants SET last_delivered_seq = @seq
     WHERE conversation_id = @c AND user_id = @u AND last_delivered_seq < @seq`,
  );
  const markStmt = db.prepare<[string, string, 'delivered' | 'read', number, number]>(
    'INSERT OR IGNORE INTO receipt_marks (conversation_id, user_id, kind, seq, at) VALUES (?, ?, ?, ?, ?)',
  );
  // The first advance that reached seq (cursors only grow, so the lowest seq >= it is the earliest).
  const firstMarkStmt = db
    .prepare<[string, string, 'delivered' | 'read', number], number>(
      `SELECT at FROM receipt_marks WHERE conversation_id = ? AND user_id = ? AND kind = ? AND seq >= ?
       ORDER BY seq LIMIT 1`,
    )
    .pluck();
  const readersStmt = db.prepare<[string, number, string], ParticipantRow>(
    `SELECT * FROM participants WHERE conversation_id = ? AND left_at IS NULL AND last_read_seq >= ? AND user_id != ?
     ORDER BY user_id`,
  );

  const active = (conversationId: string, userId: string): ParticipantRow | null => {
    const p = core.participant(conversationId, userId);
    return p && p.left_at === null ? p : null;
  };

  const addTx = db.transaction(
    (conversationId: string, userId: string, role: ParticipantRole, actorId: string, now: Date) => {
      const conv = core.conversation(conversationId);
      if (!conv || conv.deleted_at !== null) return null;
      const added = core.addParticipant(conv, userId, role, actorId, now);
      if (added) return { participant: toParticipant(added), added: true, ...core.committed(conversationId) };
      return {
        participant: toParticipant(required(core.participant(conversationId, userId), 'participant')),
        added: false,
        ...core.committed(conversationId),
      };
    },
  );

  const setRoleTx = db.transaction(
    (conversationId: string, userId: string, role: ParticipantRole, actorId: string, now: Date) => {
      const before = active(conversationId, userId);
      if (!before) return null;
      if (before.role !== role) {
        setRoleStmt.run(role, conversationId, userId);
        core.appendChange({
          conversationId,
          type: 'participant.updated',
          entityId: userId,
          actorId,
          data: { role },
          now,
        });
      }
      return {
        participant: toParticipant(required(core.participant(conversationId, userId), 'participant just updated')),
        ...core.committed(conversationId),
      };
    },
  );

  const removeTx = db.transaction(
    (conversationId: string, userId: string, reason: 'left' | 'removed', actorId: string, now: Date) => {
      if (removeStmt.run(now.getTime(), reason, conversationId, userId).changes === 0) return null;
      core.appendChange({ conversationId, type: 'participant.left', entityId: userId, actorId, data: { reason }, now });
      return core.committed(conversationId);
    },
  );

  const settingsTx = db.transaction(
    (conversationId: string, userId: string, settings: ParticipantSettings, now: Date) => {
      if (!active(conversationId, userId)) return null;
      const sets: string[] = [];
      const values: unknown[] = [];
      if (settings.mutedUntil !== undefined) {
        sets.push('muted_until = ?');
        values.push(ms(settings.mutedUntil));
      }
      if (settings.archived !== undefined) {
        sets.push('archived = ?');
        values.push(settings.archived ? 1 : 0);
      }
      if (settings.pinned !== undefined) {
        sets.push('pinned = ?');
        values.push(settings.pinned ? 1 : 0);
      }
      if (settings.markedUnread !== undefined) {
        sets.push('marked_unread = ?');
        values.push(settings.markedUnread ? 1 : 0);
      }
      if (sets.length > 0) {
        db.prepare(`UPDATE participants SET ${sets.join(', ')} WHERE conversation_id = ? AND user_id = ?`).run(
          ...values,
          conversationId,
          userId,
        );
        core.appendChange({
          conversationId,
          type: 'participant.settings',
          entityId: userId,
          actorId: userId,
          audience: userId,
          now,
        });
      }
      return {
        participant: toParticipant(required(core.participant(conversationId, userId), 'participant just updated')),
        changeSeq: core.committed(conversationId).changeSeq,
      };
    },
  );

  const receiptTx = db.transaction(
    (kind: 'read' | 'delivered', conversationId: string, userId: string, seq: number, now: Date) => {
      const conv = core.conversation(conversationId);
      if (!conv || !active(conversationId, userId)) return null;
      // Capped at lastSeq so a client cannot pre-acknowledge messages that do not exist yet.
      const capped = Math.min(Math.max(0, Number.isFinite(seq) ? Math.floor(seq) : 0), conv.last_seq);
      const stmt = kind === 'read' ? readStmt : deliveredStmt;
      const changed = stmt.run({ seq: capped, c: conversationId, u: userId }).changes > 0;
      const p = required(core.participant(conversationId, userId), 'active participant');
      if (changed) {
        const at = now.getTime();
        markStmt.run(conversationId, userId, kind, capped, at);
        // Read implies delivered: a read that also moved the delivered cursor marks that too.
        if (kind === 'read' && p.last_delivered_seq === capped)
          markStmt.run(conversationId, userId, 'delivered', capped, at);
        core.appendChange({
          conversationId,
          type: 'receipt.updated',
          entityId: userId,
          actorId: userId,
          data: { lastReadSeq: p.last_read_seq, lastDeliveredSeq: p.last_delivered_seq },
          now,
        });
      }
      return { participant: toParticipant(p), changed, ...core.committed(conversationId) };
    },
  );

  return {
    add: async (conversationId, userId, role, actorId, now) =>
      addTx.immediate(conversationId, userId, role, actorId, now),
    find: async (conversationId, userId) => {
      const p = core.participant(conversationId, userId);
      return p ? toParticipant(p) : null;
    },
    list: async (conversationId, options) => {
      const limit = Math.max(1, Math.min(options.limit, 200));
      const after = decodeCursor(options.cursor, isListCursor);
      const rows = listStmt.all({
        c: conversationId,
        r: after?.[0] ?? null,
        j: after?.[1] ?? null,
        u: after?.[2] ?? null,
        limit: limit + 1,
      });
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        items: page.map(toParticipant),
        nextCursor:
          rows.length > limit && last ? encodeCursor([roleRank[last.role], last.joined_at, last.user_id]) : null,
      };
    },
    listUserIds: async (conversationId) => idsStmt.all(conversationId),
    async sharingChatsWith(userId, others) {
      const ids = [...new Set(others)].filter((id) => id !== userId);
      if (!ids.length) return [];
      return sharingStmt.all({ me: userId, ids: JSON.stringify(ids) });
    },
    countActive: async (conversationId) => countStmt.get(conversationId) ?? 0,
    countOwners: async (conversationId) => ownersStmt.get(conversationId) ?? 0,
    setRole: async (conversationId, userId, role, actorId, now) =>
      setRoleTx.immediate(conversationId, userId, role, actorId, now),
    remove: async (conversationId, userId, reason, actorId, now) =>
      removeTx.immediate(conversationId, userId, reason, actorId, now),
    updateSettings: async (conversationId, userId, settings, now) =>
      settingsTx.immediate(conversationId, userId, settings, now),
    markRead: async (conversationId, userId, seq, now) => receiptTx.immediate('read', conversationId, userId, seq, now),
    markDelivered: async (conversationId, userId, seq, now) =>
      receiptTx.immediate('delivered', conversationId, userId, seq, now),
    receiptTimes: async (conversationId, seq, userIds) =>
      userIds.map((userId) => {
        const first = (kind: 'read' | 'delivered') => {
          const at = firstMarkStmt.get(conversationId, userId, kind, seq);
          return at === undefined ? null : at;
        };
        const read = first('read');
        const delivered = first('delivered');
        const d = delivered === null ? read : read === null ? delivered : Math.min(delivered, read);
        return { userId, deliveredAt: d === null ? null : new Date(d), readAt: read === null ? null : new Date(read) };
      }),
    readersOf: async (conversationId, seq, excludeUserId) =>
      readersStmt.all(conversationId, seq, excludeUserId).map(toParticipant),
  };
}
