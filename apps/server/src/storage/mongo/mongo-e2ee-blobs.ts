import { DuplicateKeyError } from '../errors.ts';
import type { E2eeBlobRecord, E2eeRepo, E2eeReportEvidence } from '../ports.ts';
import { type E2eeBlobDoc, type E2eeEvidenceDoc, type E2eeModels, toBytes } from './mongo-e2ee-models.ts';
import { isDuplicateKey } from './mongo-messaging-models.ts';

const toBlob = (d: E2eeBlobDoc): E2eeBlobRecord => ({
  id: d._id,
  conversationId: d.conversationId,
  uploaderId: d.uploaderId,
  storageKey: d.storageKey,
  size: d.size,
  sha256: d.sha256,
  createdAt: d.createdAt,
});

const toEvidence = (d: E2eeEvidenceDoc): E2eeReportEvidence => ({
  reportId: d._id,
  messageId: d.messageId,
  conversationId: d.conversationId,
  senderId: d.senderId,
  payload: toBytes(d.payload),
  frankingKey: toBytes(d.frankingKey),
  createdAt: d.createdAt,
});

type BlobPart = Pick<
  E2eeRepo,
  'addBlob' | 'findBlob' | 'deleteBlob' | 'countBlobsByKey' | 'addReportEvidence' | 'findReportEvidence'
>;

export function createMongoE2eeBlobs(models: E2eeModels): BlobPart {
  const { Blob, Evidence } = models;
  return {
    addBlob: async (b) => {
      await Blob.create({
        _id: String(b.id),
        conversationId: String(b.conversationId),
        uploaderId: String(b.uploaderId),
        storageKey: String(b.storageKey),
        size: b.size,
        sha256: String(b.sha256),
        createdAt: b.createdAt,
      });
    },
    findBlob: async (id) => {
      const d = await Blob.findOne({ _id: String(id) }).lean<E2eeBlobDoc>();
      return d ? toBlob(d) : null;
    },
    deleteBlob: async (id) => {
      const d = await Blob.findOneAndDelete({ _id: String(id) }).lean<E2eeBlobDoc>();
      return d ? toBlob(d) : null;
    },
    countBlobsByKey: (key) => Blob.countDocuments({ storageKey: String(key) }),
    addReportEvidence: async (e) => {
      try {
        await Evidence.create({
          _id: String(e.reportId),
          messageId: String(e.messageId),
          conversationId: String(e.conversationId),
          senderId: String(e.senderId),
          payload: Buffer.from(e.payload),
          frankingKey: Buffer.from(e.frankingKey),
          createdAt: e.createdAt,
        });
      } catch (err) {
        if (isDuplicateKey(err)) throw new DuplicateKeyError('report');
        throw err;
      }
    },
    findReportEvidence: async (reportId) => {
      const d = await Evidence.findOne({ _id: String(reportId) }).lean<E2eeEvidenceDoc>();
      return d ? toEvidence(d) : null;
    },
  };
}
