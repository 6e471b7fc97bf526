import type { Database } from 'better-sqlite3';
import { DuplicateKeyError } from '../errors.ts';
import type { E2eeBlobRecord, E2eeRepo, E2eeReportEvidence } from '../ports.ts';
import { dateOf } from './sqlite-util.ts';

type BlobRow = {
  id: string;
  conversation_id: string;
  uploader_id: string;
  storage_key: string;
  size: number;
  sha256: string;
  created_at: number;
};
type EvidenceRow = {
  report_id: string;
  message_id: string;
  conversation_id: string;
  sender_id: string;
  payload: Buffer;
  franking_key: Buffer;
  created_at: number;
};

const toBlob = (r: BlobRow): E2eeBlobRecord => ({
  id: r.id,
  conversationId: r.conversation_id,
  uploaderId: r.uploader_id,
  storageKey: r.storage_key,
  size: r.size,
  sha256: r.sha256,
  createdAt: dateOf(r.created_at),
});

const toEvidence = (r: EvidenceRow): E2eeReportEvidence => ({
  reportId: r.report_id,
  messageId: r.message_id,
  conversationId: r.conversation_id,
  senderId: r.sender_id,
  payload: new Uint8Array(r.payload),
  frankingKey: new Uint8Array(r.franking_key),
  createdAt: dateOf(r.created_at),
});

type BlobPart = Pick<
  E2eeRepo,
  'addBlob' | 'findBlob' | 'deleteBlob' | 'countBlobsByKey' | 'addReportEvidence' | 'findReportEvidence'
>;

export function createSqliteE2eeBlobs(db: Database): BlobPart {
  const insert = db.prepare(
    `INSERT INTO e2ee_blobs (id, conversation_id, uploader_id, storage_key, size, sha256, created_at)
     VALUES (@id, @conversationId, @uploaderId, @storageKey, @size, @sha256, @createdAt)`,
  );
  const byId = db.prepare('SELECT * FROM e2ee_blobs WHERE id = ?');
  const remove = db.prepare('DELETE FROM e2ee_blobs WHERE id = ? RETURNING *');
  const countKey = db.prepare('SELECT COUNT(*) FROM e2ee_blobs WHERE storage_key = ?').pluck();
  const insertEvidence = db.prepare(
    `INSERT INTO e2ee_report_evidence (report_id, message_id, conversation_id, sender_id, payload, franking_key, created_at)
     VALUES (@reportId, @messageId, @conversationId, @senderId, @payload, @frankingKey, @createdAt)`,
  );
  const evidenceById = db.prepare('SELECT * FROM e2ee_report_evidence WHERE report_id = ?');
  return {
    addBlob: async (b) => {
      insert.run({ ...b, createdAt: b.createdAt.getTime() });
    },
    findBlob: async (id) => {
      const r = byId.get(id) as BlobRow | undefined;
      return r ? toBlob(r) : null;
    },
    deleteBlob: async (id) => {
      const r = remove.get(id) as BlobRow | undefined;
      return r ? toBlob(r) : null;
    },
    countBlobsByKey: async (key) => countKey.get(key) as number,
    addReportEvidence: async (e) => {
      try {
        insertEvidence.run({ ...e, createdAt: e.createdAt.getTime() });
      } catch (err) {
        if (String((err as { code?: unknown }).code).startsWith('SQLITE_CONSTRAINT_PRIMARYKEY'))
          throw new DuplicateKeyError('report');
        throw err;
      }
    },
    findReportEvidence: async (reportId) => {
      const r = evidenceById.get(reportId) as EvidenceRow | undefined;
      return r ? toEvidence(r) : null;
    },
  };
}
