import { randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { cursorOf, decodeCursor, encodeCursor } from '../cursor.ts';
import type {
  AuditAction,
  AuditLogRepo,
  AuditRecord,
  ReportRecord,
  ReportStatus,
  ReportsRepo,
  ReportTargetType,
} from '../ports.ts';
import { date, dateOf, required, rethrowUnique } from './sqlite-util.ts';

type ReportRow = {
  id: string;
  reporter_id: string;
  target_type: ReportTargetType;
  target_id: string;
  conversation_id: string | null;
  reason: string;
  note: string;
  status: ReportStatus;
  resolution_note: string | null;
  resolved_by: string | null;
  resolved_at: number | null;
  group_status: ReportStatus;
  group_resolution_note: string | null;
  group_resolved_by: string | null;
  group_resolved_at: number | null;
  created_at: number;
};

type AuditRow = {
  id: string;
  actor_id: string;
  action: AuditAction;
  target_type: AuditRecord['targetType'];
  target_id: string;
  conversation_id: string | null;
  details: string;
  created_at: number;
};

const toReport = (r: ReportRow): ReportRecord => ({
  id: r.id,
  reporterId: r.reporter_id,
  targetType: r.target_type,
  targetId: r.target_id,
  conversationId: r.conversation_id,
  reason: r.reason,
  note: r.note,
  status: r.status,
  resolutionNote: r.resolution_note,
  resolvedBy: r.resolved_by,
  resolvedAt: date(r.resolved_at),
  groupStatus: r.group_status,
  groupResolutionNote: r.group_resolution_note,
  groupResolvedBy: r.group_resolved_by,
  groupResolvedAt: date(r.group_resolved_at),
  createdAt: dateOf(r.created_at),
});

const toAudit = (r: AuditRow): AuditRecord => ({
  id: r.id,
  actorId: r.actor_id,
  action: r.action,
  targetType: r.target_type,
  targetId: r.target_id,
  conversationId: r.conversation_id,
  details: JSON.parse(r.details) as Record<string, unknown>,
  createdAt: dateOf(r.created_at),
});

/** Newest-first keyset cursor: (created_at, id) of the last row returned. */
const isPageCursor = cursorOf('number', 'string');

/** Runs a filtered newest-first page query; filters are fixed column names, values are bound. */
function page<Row extends { created_at: number; id: string }>(
  db: Database,
  table: string,
  filters: [column: string, value: string | undefined][],
  limit: number,
  cursor: string | undefined,
): { rows: Row[]; nextCursor: string | null } {
  const where: string[] = [];
  const args: (string | number)[] = [];
  for (const [column, value] of filters) {
    if (value === undefined) continue;
    where.push(`${column} = ?`);
    args.push(value);
  }
  const after = decodeCursor(cursor, isPageCursor);
  if (after) {
    const [at, id] = after;
    where.push('(created_at < ? OR (created_at = ? AND id < ?))');
    args.push(at, at, id);
  }
  const sql = `SELECT * FROM ${table} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY created_at DESC, id DESC LIMIT ?`;
  const rows = db.prepare<(string | number)[], Row>(sql).all(...args, limit + 1);
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  const last = items.at(-1);
  return { rows: items, nextCursor: more && last ? encodeCursor([last.created_at, last.id]) : null };
}

export function createSqliteReportsRepo(db: Database): ReportsRepo {
  const insert = db.prepare<[string, string, ReportTargetType, string, string | null, string, string, number]>(
    `INSERT INTO reports (id, reporter_id, target_type, target_id, conversation_id, reason, note, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const byId = db.prepare<[string], ReportRow>('SELECT * FROM reports WHERE id = ?');
  const closeStmt = db.prepare<[ReportStatus, string, string, number, string], ReportRow>(
    `UPDATE reports SET status = ?, resolution_note = ?, resolved_by = ?, resolved_at = ?
     WHERE id = ? AND status = 'open' RETURNING *`,
  );
  const closeGroupStmt = db.prepare<[ReportStatus, string, string, number, string], ReportRow>(
    `UPDATE reports SET group_status = ?, group_resolution_note = ?, group_resolved_by = ?, group_resolved_at = ?
     WHERE id = ? AND group_status = 'open' RETURNING *`,
  );
  return {
    async create(r) {
      const id = randomUUID();
      try {
        insert.run(
          id,
          r.reporterId,
          r.targetType,
          r.targetId,
          r.conversationId,
          r.reason,
          r.note,
          r.createdAt.getTime(),
        );
      } catch (err) {
        rethrowUnique(err, { reporter_id: 'report', target_id: 'report' });
      }
      return toReport(required(byId.get(id), 'report just created'));
    },
    async findById(id) {
      const row = byId.get(id);
      return row ? toReport(row) : null;
    },
    async list(o) {
      const { rows, nextCursor } = page<ReportRow>(
        db,
        'reports',
        [
          ['status', o.status],
          ['group_status', o.groupStatus],
          ['conversation_id', o.conversationId],
        ],
        o.limit,
        o.cursor,
      );
      return { items: rows.map(toReport), nextCursor };
    },
    async close(id, c) {
      const row = closeStmt.get(c.status, c.note, c.resolvedBy, c.now.getTime(), id);
      return row ? toReport(row) : null;
    },
    async closeForGroup(id, c) {
      const row = closeGroupStmt.get(c.status, c.note, c.resolvedBy, c.now.getTime(), id);
      return row ? toReport(row) : null;
    },
  };
}

export function createSqliteAuditLogRepo(db: Database): AuditLogRepo {
  const insert = db.prepare<[string, string, AuditAction, string, string, string | null, string, number]>(
    `INSERT INTO audit_log (id, actor_id, action, target_type, target_id, conversation_id, details, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  return {
    async append(e) {
      const id = randomUUID();
      insert.run(
        id,
        e.actorId,
        e.action,
        e.targetType,
        e.targetId,
        e.conversationId,
        JSON.stringify(e.details),
        e.createdAt.getTime(),
      );
      return { ...e, id };
    },
    async list(o) {
      const { rows, nextCursor } = page<AuditRow>(
        db,
        'audit_log',
        [
          ['actor_id', o.actorId],
          ['target_id', o.targetId],
          ['conversation_id', o.conversationId],
        ],
        o.limit,
        o.cursor,
      );
      return { items: rows.map(toAudit), nextCursor };
    },
  };
}
