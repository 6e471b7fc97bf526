import { z } from 'zod';
import { clientMsgIdSchema } from './message.ts';
import { reportReasonSchema } from './moderation.ts';

/*
 * End-to-end encrypted conversations (MLS, RFC 9420). The server is the Delivery Service: it stores and
 * orders opaque MLS bytes (base64 in JSON) and never sees plaintext. Devices are MLS clients whose
 * credential binds (user id, device id, signature key).
 */

/** Sizes the server enforces on every blob (decoded bytes). Larger ones get 413. */
export const E2EE_LIMITS = {
  /** One KeyPackage (post-quantum suites need ~3 KB; X25519 ~0.3 KB). */
  keyPackageBytes: 16 * 1024,
  keyPackagesPerUpload: 100,
  /** One-time KeyPackages kept per device; more are refused until some are used. */
  keyPackagePool: 100,
  signatureKeyBytes: 4096,
  /** A commit (add proposals carry KeyPackages: ~100 adds fit). */
  commitBytes: 512 * 1024,
  /** A Welcome carries the ratchet tree (~2 KB per member with X25519). */
  welcomeBytes: 1024 * 1024,
  /** An application message: a 4,096-character text with metadata, padded, fits easily. */
  applicationBytes: 64 * 1024,
  frankingTagBytes: 32,
  /** Active devices per user. */
  devicesPerUser: 20,
  /** Devices named in one claim or one commit's adds/removes. */
  devicesPerRequest: 200,
} as const;

/** Client-chosen ids (device ids are UUIDs inside the MLS credential). */
export const e2eeIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'Use letters, digits, "_" or "-"');

/**
 * Standard base64. Sizes are checked on the decoded bytes by the server (413 over E2EE_LIMITS), within
 * the request body limit; `maxBytes` documents the field's limit.
 */
export const base64Schema = (_maxBytes: number) =>
  z
    .string()
    .min(1)
    .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'Must be base64');

export const registerDeviceRequestSchema = z
  .object({
    deviceId: e2eeIdSchema,
    name: z.string().trim().min(1).max(64),
    signatureKey: base64Schema(E2EE_LIMITS.signatureKeyBytes),
    keyPackages: z.array(base64Schema(E2EE_LIMITS.keyPackageBytes)).max(E2EE_LIMITS.keyPackagesPerUpload).default([]),
    lastResort: base64Schema(E2EE_LIMITS.keyPackageBytes).optional(),
  })
  .strict();
export type RegisterDeviceRequest = z.input<typeof registerDeviceRequestSchema>;

export const uploadKeyPackagesRequestSchema = z
  .object({
    keyPackages: z.array(base64Schema(E2EE_LIMITS.keyPackageBytes)).max(E2EE_LIMITS.keyPackagesPerUpload).default([]),
    lastResort: base64Schema(E2EE_LIMITS.keyPackageBytes).optional(),
  })
  .strict();
export type UploadKeyPackagesRequest = z.input<typeof uploadKeyPackagesRequestSchema>;

export const claimKeyPackagesRequestSchema = z
  .object({ deviceIds: z.array(e2eeIdSchema).min(1).max(E2EE_LIMITS.devicesPerRequest) })
  .strict();

export const postCommitRequestSchema = z
  .object({
    /** The committing device (the caller's). */
    deviceId: e2eeIdSchema,
    /** The group's epoch the commit was made in; 0 creates the group. */
    epoch: z.number().int().min(0),
    commit: base64Schema(E2EE_LIMITS.commitBytes),
    /** Required when `adds` is not empty; delivered to the added devices only, once the commit is accepted. */
    welcome: base64Schema(E2EE_LIMITS.welcomeBytes).nullable().default(null),
    adds: z.array(e2eeIdSchema).max(E2EE_LIMITS.devicesPerRequest).default([]),
    removes: z.array(e2eeIdSchema).max(E2EE_LIMITS.devicesPerRequest).default([]),
  })
  .strict();
export type PostCommitRequest = z.input<typeof postCommitRequestSchema>;

export const postE2eeMessageRequestSchema = z
  .object({
    deviceId: e2eeIdSchema,
    epoch: z.number().int().min(0),
    ciphertext: base64Schema(E2EE_LIMITS.applicationBytes),
    /** HMAC-SHA256 franking commitment; must equal the MLS authenticated data of `ciphertext`. */
    frankingTag: base64Schema(E2EE_LIMITS.frankingTagBytes),
    /** Idempotency per device: a retry returns the original. */
    clientMsgId: clientMsgIdSchema,
  })
  .strict();
export type PostE2eeMessageRequest = z.input<typeof postE2eeMessageRequestSchema>;

export const e2eeLogQuerySchema = z.object({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});

export const deviceQuerySchema = z.object({ deviceId: e2eeIdSchema });

export const e2eeDeviceSchema = z.object({
  id: z.string(),
  userId: z.string(),
  name: z.string(),
  signatureKey: z.string(),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
});
export type E2eeDevice = z.infer<typeof e2eeDeviceSchema>;

export const keyPackageStatusSchema = z.object({
  available: z.number().int().nonnegative(),
  lastResort: z.boolean(),
  /** Upload answers only: how many were stored / refused because the pool was full. */
  added: z.number().int().nonnegative().optional(),
  refused: z.number().int().nonnegative().optional(),
});
export type KeyPackageStatus = z.infer<typeof keyPackageStatusSchema>;

export const e2eeMessageKindSchema = z.enum(['commit', 'application']);

/** An MLS message as the Delivery Service ordered it. */
export const e2eeEnvelopeMetaSchema = z.object({
  id: z.string(),
  conversationId: z.string(),
  /** Position in the conversation's gapless seq (shared with plain system messages). */
  seq: z.number().int().positive(),
  kind: e2eeMessageKindSchema,
  /** Commit: the epoch it leaves. Application: the epoch it was sent in. */
  epoch: z.number().int().nonnegative(),
  senderId: z.string(),
  senderDeviceId: z.string(),
  createdAt: z.string(),
});
export type E2eeEnvelopeMeta = z.infer<typeof e2eeEnvelopeMetaSchema>;

export const e2eeEnvelopeSchema = e2eeEnvelopeMetaSchema.extend({
  /** The MLSMessage, base64. */
  data: z.string(),
  frankingTag: z.string().nullable(),
});
export type E2eeEnvelope = z.infer<typeof e2eeEnvelopeSchema>;

export const e2eeLogPageSchema = z.object({ items: z.array(e2eeEnvelopeSchema), hasMore: z.boolean() });
export type E2eeLogPage = z.infer<typeof e2eeLogPageSchema>;

export const e2eeRosterEntrySchema = z.object({ deviceId: z.string(), userId: z.string() });

/** GET /e2ee/conversations/:id/group: what a member device needs to reconcile MLS with membership. */
export const e2eeGroupStateSchema = z.object({
  conversationId: z.string(),
  /** False until the first commit creates the group (its epoch is then 0). */
  exists: z.boolean(),
  epoch: z.number().int().nonnegative(),
  /** Devices commits have put in the group. */
  roster: z.array(e2eeRosterEntrySchema),
  /** Every active member with their active devices: what the group should contain. */
  members: z.array(z.object({ userId: z.string(), devices: z.array(e2eeDeviceSchema) })),
  /** Roster devices to remove before any message is accepted (member left, device revoked). */
  staleDevices: z.array(z.string()),
});
export type E2eeGroupState = z.infer<typeof e2eeGroupStateSchema>;

export const claimedKeyPackagesSchema = z.object({
  keyPackages: z.array(
    z.object({ deviceId: z.string(), userId: z.string(), keyPackage: z.string(), lastResort: z.boolean() }),
  ),
  unavailable: z.array(
    z.object({
      deviceId: z.string(),
      reason: z.enum(['unknown_device', 'already_in_group', 'no_key_package', 'rate_limited']),
    }),
  ),
});
export type ClaimedKeyPackages = z.infer<typeof claimedKeyPackagesSchema>;

export const commitAcceptedSchema = z.object({ message: e2eeEnvelopeSchema, epoch: z.number().int() });
export type CommitAccepted = z.infer<typeof commitAcceptedSchema>;

export const e2eeWelcomeSchema = z.object({
  id: z.string(),
  conversationId: z.string(),
  /** Seq of the commit that added the device: read the log after it. */
  commitSeq: z.number().int(),
  epoch: z.number().int(),
  welcome: z.string(),
  createdAt: z.string(),
});
export type E2eeWelcome = z.infer<typeof e2eeWelcomeSchema>;

/**
 * POST /e2ee/reports: report an encrypted message by revealing it. The server recomputes the franking
 * commitment from `payload` and `frankingKey` (bound to the conversation and sender it stored) and
 * refuses the report unless it equals the commitment kept beside the ciphertext.
 */
export const reportE2eeMessageRequestSchema = z
  .object({
    /** The e2ee message id (E2eeEnvelope.id). */
    messageId: z.string().min(1).max(64),
    /** The decrypted payload bytes, exactly as committed (base64). */
    payload: base64Schema(E2EE_LIMITS.applicationBytes),
    frankingKey: base64Schema(32),
    reason: reportReasonSchema,
    note: z.string().trim().max(1000, 'At most 1000 characters').default(''),
  })
  .strict();
export type ReportE2eeMessageRequest = z.input<typeof reportE2eeMessageRequestSchema>;

/** What a moderator sees of a reported encrypted message: only what the reporter revealed, verified. */
export const e2eeReportEvidenceSchema = z.object({
  reportId: z.string(),
  messageId: z.string(),
  conversationId: z.string(),
  senderId: z.string(),
  /** Always true: unverifiable reports are refused, never stored. */
  verified: z.literal(true),
  /** The revealed message's text ('' for a reaction or a delete) and attachment names. */
  kind: z.string(),
  text: z.string(),
  attachments: z.array(z.object({ name: z.string(), mime: z.string(), size: z.number() })),
  sentAt: z.string(),
});
export type E2eeReportEvidenceDto = z.infer<typeof e2eeReportEvidenceSchema>;

export const uploadedBlobSchema = z.object({ id: z.string(), size: z.number().int(), sha256: z.string() });
export type UploadedBlob = z.infer<typeof uploadedBlobSchema>;

// ---- server -> client socket facts ----
export type E2eeMessageEvent = { conversationId: string; message: E2eeEnvelope; changeSeq: number };
export type E2eeWelcomeEvent = { conversationId: string; welcomeId: string; deviceIds: string[]; changeSeq: number };
/** Membership or a member's devices changed: a member device should reconcile the MLS group. */
export type E2eeRosterStaleEvent = { conversationId: string };

const enc = encodeURIComponent;
/** REST paths under /api/v1 for end-to-end encryption. */
export const e2eePaths = {
  /** POST registers this device (bound to the signed-in session). */
  devices: '/e2ee/devices',
  /** GET a device's public record (no name); DELETE revokes one of your own devices. */
  device: (id: string) => `/e2ee/devices/${enc(id)}`,
  /** GET your devices. */
  myDevices: '/e2ee/devices/me',
  /** GET status, POST uploads (own device). */
  keyPackages: (deviceId: string) => `/e2ee/devices/${enc(deviceId)}/key-packages`,
  /** GET group state (epoch, roster, members' devices). */
  group: (conversationId: string) => `/e2ee/conversations/${enc(conversationId)}/group`,
  /** POST { deviceIds }: one KeyPackage per device that is not in the group yet. */
  claim: (conversationId: string) => `/e2ee/conversations/${enc(conversationId)}/key-packages/claim`,
  commits: (conversationId: string) => `/e2ee/conversations/${enc(conversationId)}/commits`,
  /** GET ?after=&limit= the ordered log; POST sends an application message. */
  messages: (conversationId: string) => `/e2ee/conversations/${enc(conversationId)}/messages`,
  /** GET ?deviceId= pending Welcomes. */
  welcomes: '/e2ee/welcomes',
  /** DELETE ?deviceId= acknowledges one. */
  welcome: (id: string) => `/e2ee/welcomes/${enc(id)}`,
  /** POST application/octet-stream: an encrypted attachment's ciphertext (MEDIA_MAX_BYTES at most). */
  blobs: (conversationId: string) => `/e2ee/conversations/${enc(conversationId)}/blobs`,
  /** GET the ciphertext (members only); DELETE (the uploader). */
  blob: (id: string) => `/e2ee/blobs/${enc(id)}`,
  /** POST a franked report of an encrypted message. */
  reports: '/e2ee/reports',
  /** GET what the reporter revealed (site admins; the group's owners and admins). */
  reportEvidence: (reportId: string) => `/e2ee/reports/${enc(reportId)}/evidence`,
} as const;
