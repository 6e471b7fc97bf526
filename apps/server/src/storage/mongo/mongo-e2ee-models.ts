import { type Connection, Schema } from 'mongoose';
import type { E2eeMessageRecord } from '../ports.ts';

/*
 * Mongoose models for end-to-end encryption. As in the messaging models, invariants rest on
 * single-document atomic updates and unique indexes: (conversationId, epoch) of commits makes "first
 * commit for an epoch wins", findOneAndDelete hands each KeyPackage out once, and
 * (conversationId, dataHash) refuses a replayed blob.
 */

export type E2eeDeviceDoc = {
  _id: string;
  userId: string;
  sessionId: string | null;
  name: string;
  signatureKey: Buffer;
  createdAt: Date;
  revokedAt: Date | null;
};

export type E2eeKeyPackageDoc = {
  _id: string;
  deviceId: string;
  ref: string;
  data: Buffer;
  lastResort: boolean;
  createdAt: Date;
};

export type E2eeRosterDoc = { deviceId: string; userId: string; addedEpoch: number };

export type E2eeGroupDoc = {
  _id: string;
  epoch: number;
  roster: E2eeRosterDoc[];
  createdAt: Date;
  updatedAt: Date;
};

export type E2eeMessageDoc = {
  _id: string;
  conversationId: string;
  /** null between claiming the row and getting a seq (see mongo-e2ee-messages.ts). */
  seq: number | null;
  kind: E2eeMessageRecord['kind'];
  epoch: number;
  senderId: string;
  senderDeviceId: string;
  clientMsgId: string | null;
  data: Buffer;
  dataHash: string;
  frankingTag: Buffer | null;
  createdAt: Date;
};

export type E2eeBlobDoc = {
  _id: string;
  conversationId: string;
  uploaderId: string;
  storageKey: string;
  size: number;
  sha256: string;
  createdAt: Date;
};

/** _id is the report id. */
export type E2eeEvidenceDoc = {
  _id: string;
  messageId: string;
  conversationId: string;
  senderId: string;
  payload: Buffer;
  frankingKey: Buffer;
  createdAt: Date;
};

export type E2eeWelcomeDoc = {
  _id: string;
  conversationId: string;
  commitSeq: number;
  epoch: number;
  data: Buffer;
  recipients: { deviceId: string; userId: string }[];
  createdAt: Date;
};

const opts = { versionKey: false, strict: 'throw' } as const;
const str = { type: String, required: true };
const bytes = { type: Buffer, required: true };

const deviceSchema = new Schema<E2eeDeviceDoc>(
  {
    _id: str,
    userId: str,
    sessionId: { type: String, default: null },
    name: str,
    signatureKey: bytes,
    createdAt: { type: Date, required: true },
    revokedAt: { type: Date, default: null },
  },
  opts,
);
deviceSchema.index({ userId: 1, createdAt: 1 });
deviceSchema.index({ sessionId: 1 }, { partialFilterExpression: { sessionId: { $type: 'string' } } });

const keyPackageSchema = new Schema<E2eeKeyPackageDoc>(
  {
    _id: str,
    deviceId: str,
    ref: str,
    data: bytes,
    lastResort: { type: Boolean, required: true },
    createdAt: { type: Date, required: true },
  },
  opts,
);
keyPackageSchema.index({ deviceId: 1, lastResort: 1, createdAt: 1, ref: 1 });
keyPackageSchema.index({ deviceId: 1 }, { unique: true, partialFilterExpression: { lastResort: true } });

const rosterSchema = new Schema<E2eeRosterDoc>(
  { deviceId: str, userId: str, addedEpoch: { type: Number, required: true } },
  { _id: false, versionKey: false },
);
const groupSchema = new Schema<E2eeGroupDoc>(
  {
    _id: str,
    epoch: { type: Number, required: true },
    roster: { type: [rosterSchema], default: [] },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  opts,
);

const messageSchema = new Schema<E2eeMessageDoc>(
  {
    _id: str,
    conversationId: str,
    seq: { type: Number, default: null },
    kind: { type: String, required: true, enum: ['commit', 'application'] },
    epoch: { type: Number, required: true },
    senderId: str,
    senderDeviceId: str,
    clientMsgId: { type: String, default: null },
    data: bytes,
    dataHash: str,
    frankingTag: { type: Buffer, default: null },
    createdAt: { type: Date, required: true },
  },
  opts,
);
messageSchema.index(
  { conversationId: 1, seq: 1 },
  { unique: true, partialFilterExpression: { seq: { $type: 'number' } } },
);
messageSchema.index({ conversationId: 1, dataHash: 1 }, { unique: true });
messageSchema.index(
  { senderDeviceId: 1, clientMsgId: 1 },
  { unique: true, partialFilterExpression: { clientMsgId: { $type: 'string' } } },
);
messageSchema.index({ conversationId: 1, epoch: 1 }, { unique: true, partialFilterExpression: { kind: 'commit' } });

const welcomeSchema = new Schema<E2eeWelcomeDoc>(
  {
    _id: str,
    conversationId: str,
    commitSeq: { type: Number, required: true },
    epoch: { type: Number, required: true },
    data: bytes,
    recipients: { type: [{ _id: false, deviceId: str, userId: str }], default: [] },
    createdAt: { type: Date, required: true },
  },
  opts,
);
welcomeSchema.index({ 'recipients.deviceId': 1, commitSeq: 1 });

const blobSchema = new Schema<E2eeBlobDoc>(
  {
    _id: str,
    conversationId: str,
    uploaderId: str,
    storageKey: str,
    size: { type: Number, required: true },
    sha256: str,
    createdAt: { type: Date, required: true },
  },
  opts,
);
blobSchema.index({ conversationId: 1, createdAt: 1 });
blobSchema.index({ storageKey: 1 });

const evidenceSchema = new Schema<E2eeEvidenceDoc>(
  {
    _id: str,
    messageId: str,
    conversationId: str,
    senderId: str,
    payload: bytes,
    frankingKey: bytes,
    createdAt: { type: Date, required: true },
  },
  opts,
);

export type E2eeModels = ReturnType<typeof e2eeModels>;

export function e2eeModels(conn: Connection) {
  return {
    Device: conn.model<E2eeDeviceDoc>('E2eeDevice', deviceSchema, 'e2ee_devices'),
    KeyPackage: conn.model<E2eeKeyPackageDoc>('E2eeKeyPackage', keyPackageSchema, 'e2ee_key_packages'),
    Group: conn.model<E2eeGroupDoc>('E2eeGroup', groupSchema, 'e2ee_groups'),
    Message: conn.model<E2eeMessageDoc>('E2eeMessage', messageSchema, 'e2ee_messages'),
    Welcome: conn.model<E2eeWelcomeDoc>('E2eeWelcome', welcomeSchema, 'e2ee_welcomes'),
    Blob: conn.model<E2eeBlobDoc>('E2eeBlob', blobSchema, 'e2ee_blobs'),
    Evidence: conn.model<E2eeEvidenceDoc>('E2eeReportEvidence', evidenceSchema, 'e2ee_report_evidence'),
  };
}

/** Mongoose hands Buffers (or BSON Binary when lean): always give callers a plain Uint8Array copy. */
export function toBytes(v: unknown): Uint8Array {
  if (v instanceof Uint8Array) return new Uint8Array(v);
  const b = v as { buffer?: unknown; value?: (asRaw?: boolean) => unknown } | null;
  if (b && b.buffer instanceof Uint8Array) return new Uint8Array(b.buffer);
  throw new TypeError('Expected binary data');
}
