import { randomUUID } from 'node:crypto';
import { type Connection, Schema, trusted } from 'mongoose';
import { cursorOf, decodeCursor, encodeCursor } from '../cursor.ts';
import { DuplicateKeyError } from '../errors.ts';
import type { AuditLogRepo, AuditRecord, ReportRecord, ReportsRepo } from '../ports.ts';

/** Documents written before group statuses existed lack the group fields: read as an open group status. */
type ReportDoc = Omit<
  ReportRecord,
  'id' | 'groupStatus' | 'groupResolutionNote' | 'groupResolvedBy' | 'groupResolvedAt'
> &
  Partial<Pick<ReportRecord, 'groupStatus' | 'groupResolutionNote' | 'groupResolvedBy' | 'groupResolvedAt'>> & {
    _id: string;
  };
type AuditDoc = Omit<AuditRecord, 'id'> & { _id: string };

const reportSchema = new Schema<ReportDoc>(
  {
    _id: { type: String, required: true },
    reporterId: { type: String, required: true },
    targetType: { type: String, required: true, enum: ['message', 'user', 'conversation'] },
    targetId: { type: String, required: true },
    conversationId: { type: String, default: null },
    reason: { type: String, required: true },
    note: { type: String, default: '' },
    status: { type: String, required: true, enum: ['open', 'resolved', 'dismissed'] },
    resolutionNote: { type: String, default: null },
    resolvedBy: { type: String, default: null },
    resolvedAt: { type: Date, default: null },
    groupStatus: { type: String, enum: ['open', 'resolved', 'dismissed'], default: 'open' },
    groupResolutionNote: { type: String, default: null },
    groupResolvedBy: { type: String, default: null },
    groupResolvedAt: { type: Date, default: null },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, strict: 'throw' },
);
// One open report per reporter and target; closed ones may repeat.
reportSchema.index(
  { reporterId: 1, targetType: 1, targetId: 1 },
  { unique: true, partialFilterExpression: { status: 'open' } },
);
reportSchema.index({ status: 1, createdAt: -1, _id: -1 });
reportSchema.index({ conversationId: 1, createdAt: -1, _id: -1 });
reportSchema.index({ conversationId: 1, groupStatus: 1, createdAt: -1, _id: -1 });
reportSchema.index({ createdAt: -1, _id: -1 });

const auditSchema = new Schema<AuditDoc>(
  {
    _id: { type: String, required: true },
    actorId: { type: String, required: true },
    action: { type: String, required: true },
    targetType: { type: String, required: true },
    targetId: { type: String, required: true },
    conversationId: { type: String, default: null },
    details: { type: Schema.Types.Mixed, default: {} },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, strict: 'throw', minimize: false },
);
auditSchema.index({ createdAt: -1, _id: -1 });
auditSchema.index({ actorId: 1, createdAt: -1, _id: -1 });
auditSchema.index({ targetId: 1, createdAt: -1, _id: -1 });
auditSchema.index({ conversationId: 1, createdAt: -1, _id: -1 });

const toReport = ({ _id, ...d }: ReportDoc): ReportRecord => ({
  id: _id,
  ...d,
  groupStatus: d.groupStatus ?? 'open',
  groupResolutionNote: d.groupResolutionNote ?? null,
  groupResolvedBy: d.groupResolvedBy ?? null,
  groupResolvedAt: d.groupResolvedAt ?? null,
});
/** An open group status, including documents from before the field existed (missing = null in a query). */
const groupOpen = () => trusted({ $in: ['open', null] });
const toAudit = ({ _id, ...d }: AuditDoc): AuditRecord => ({ id: _id, ...d, details: d.details ?? {} });

/** Newest-first keyset cursor: (createdAt ms, _id) of the last document returned. */
function afterCursor(cursor: string | undefined): Record<string, unknown> {
  const after = decodeCursor(cursor, cursorOf('number', 'string'));
  if (!after) return {};
  const at = new Date(after[0]);
  // sanitizeFilter recurses into $or and wraps operator objects unless each is marked trusted().
  return { $or: [{ createdAt: trusted({ $lt: at }) }, { createdAt: at, _id: trusted({ $lt: after[1] }) }] };
}

function pageOf<D extends { _id: string; createdAt: Date }, R>(docs: D[], limit: number, map: (d: D) => R) {
  const more = docs.length > limit;
  const items = more ? docs.slice(0, limit) : docs;
  const last = items.at(-1);
  return {
    items: items.map(map),
    nextCursor: more && last ? encodeCursor([last.createdAt.getTime(), last._id]) : null,
  };
}

const isDuplicateKey = (err: unknown): boolean =>
  typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;

export function createMongoReportsRepo(conn: Connection): ReportsRepo {
  const Report = conn.model<ReportDoc>('Report', reportSchema, 'reports');
  return {
    async create(r) {
      const doc: ReportDoc = {
        _id: randomUUID(),
        ...r,
        status: 'open',
        resolutionNote: null,
        resolvedBy: null,
        resolvedAt: null,
        groupStatus: 'open',
        groupResolutionNote: null,
        groupResolvedBy: null,
        groupResolvedAt: null,
      };
      try {
        await Report.create(doc);
      } catch (err) {
        if (isDuplicateKey(err)) throw new DuplicateKeyError('report');
        throw err;
      }
      return toReport(doc);
    },
    async findById(id) {
      const d = await Report.findById(String(id)).lean<ReportDoc>();
      return d ? toReport(d) : null;
    },
    async list(o) {
      const filter: Record<string, unknown> = { ...afterCursor(o.cursor) };
      if (o.status) filter.status = String(o.status);
      if (o.groupStatus) filter.groupStatus = o.groupStatus === 'open' ? groupOpen() : String(o.groupStatus);
      if (o.conversationId) filter.conversationId = String(o.conversationId);
      const docs = await Report.find(filter)
        .sort({ createdAt: -1, _id: -1 })
        .limit(o.limit + 1)
        .lean<ReportDoc[]>();
      return pageOf(docs, o.limit, toReport);
    },
    async close(id, c) {
      const d = await Report.findOneAndUpdate(
        { _id: String(id), status: 'open' },
        { $set: { status: c.status, resolutionNote: c.note, resolvedBy: c.resolvedBy, resolvedAt: c.now } },
        { new: true },
      ).lean<ReportDoc>();
      return d ? toReport(d) : null;
    },
    async closeForGroup(id, c) {
      const filter: Record<string, unknown> = { _id: String(id), groupStatus: groupOpen() };
      const d = await Report.findOneAndUpdate(
        filter,
        {
          $set: {
            groupStatus: c.status,
            groupResolutionNote: c.note,
            groupResolvedBy: c.resolvedBy,
            groupResolvedAt: c.now,
          },
        },
        { new: true },
      ).lean<ReportDoc>();
      return d ? toReport(d) : null;
    },
  };
}

export function createMongoAuditLogRepo(conn: Connection): AuditLogRepo {
  const Audit = conn.model<AuditDoc>('AuditEntry', auditSchema, 'audit_log');
  return {
    async append(e) {
      const doc: AuditDoc = { _id: randomUUID(), ...e };
      await Audit.create(doc);
      return toAudit(doc);
    },
    async list(o) {
      const filter: Record<string, unknown> = { ...afterCursor(o.cursor) };
      if (o.actorId) filter.actorId = String(o.actorId);
      if (o.targetId) filter.targetId = String(o.targetId);
      if (o.conversationId) filter.conversationId = String(o.conversationId);
      const docs = await Audit.find(filter)
        .sort({ createdAt: -1, _id: -1 })
        .limit(o.limit + 1)
        .lean<AuditDoc[]>();
      return pageOf(docs, o.limit, toAudit);
    },
  };
}
