/*
 * End-to-end encryption (MLS, RFC 9420): the server is the Delivery Service. It stores devices and their
 * KeyPackages, orders handshake messages (one commit per epoch, first one wins) and application
 * messages in the conversation's gapless seq (shared with plain messages: the same `lastSeq` counter),
 * holds Welcomes for the devices a commit added, and appends change rows so offline devices catch up.
 * Storage stores and orders opaque bytes; it never decides who may do what (services do).
 *
 * Change rows: `e2ee.message` (entityId = e2ee message id, messageSeq = its seq, data = { kind, epoch,
 * deviceId }, visible to every member above their floor) and `e2ee.welcome` (entityId = welcome id,
 * audience = the added user, data = { epoch, commitSeq }).
 */

export type E2eeDeviceRecord = {
  /** Chosen by the client (it is inside the device's MLS credential); unique. */
  id: string;
  userId: string;
  /** The session that registered it: signing that session out revokes the device. */
  sessionId: string | null;
  name: string;
  /** The device's MLS signature public key (its credential binds user, device and this key). */
  signatureKey: Uint8Array;
  createdAt: Date;
  revokedAt: Date | null;
};

export type NewE2eeDevice = {
  id: string;
  userId: string;
  sessionId: string | null;
  name: string;
  signatureKey: Uint8Array;
  now: Date;
};

export type E2eeKeyPackageInput = {
  /** Hex KeyPackageRef; unique per device. */
  ref: string;
  /** The KeyPackage as an MLSMessage. */
  data: Uint8Array;
  /** Handed out when no one-time package is left, and never used up. At most one per device. */
  lastResort: boolean;
};

export type ClaimedKeyPackage = { deviceId: string; ref: string; data: Uint8Array; lastResort: boolean };

export type E2eeRosterEntry = { deviceId: string; userId: string };

/** The server's view of a conversation's MLS group: its epoch and which devices commits put in it. */
export type E2eeGroupRecord = {
  conversationId: string;
  /** The epoch the group is in now; the next accepted commit must be for exactly this epoch. */
  epoch: number;
  roster: E2eeRosterEntry[];
  createdAt: Date;
  updatedAt: Date;
};

export type E2eeMessageKind = 'commit' | 'application';

export type E2eeMessageRecord = {
  id: string;
  conversationId: string;
  /** Position in the conversation's seq (shared with plain system messages). */
  seq: number;
  kind: E2eeMessageKind;
  /** Commits: the epoch they move the group FROM. Application messages: the epoch they were sent in. */
  epoch: number;
  senderId: string;
  senderDeviceId: string;
  clientMsgId: string | null;
  /** The MLSMessage bytes, opaque to the server. */
  data: Uint8Array;
  /** Application messages: the sender's franking commitment (HMAC), stored in clear for reports. */
  frankingTag: Uint8Array | null;
  createdAt: Date;
};

export type NewE2eeCommit = {
  conversationId: string;
  senderId: string;
  senderDeviceId: string;
  /** The group's current epoch as the committer saw it (0 creates the group). */
  epoch: number;
  data: Uint8Array;
  /** SHA-256 of `data`: a replayed blob is refused. */
  dataHash: Uint8Array;
  /** Devices this commit adds (they get the Welcome) and removes. */
  adds: E2eeRosterEntry[];
  removes: string[];
  welcome: Uint8Array | null;
  now: Date;
};

export type AppendCommitResult =
  | { status: 'accepted'; message: E2eeMessageRecord; welcomeId: string | null; group: E2eeGroupRecord }
  /** Another commit took this epoch first (or the group does not exist yet and epoch != 0). */
  | { status: 'stale_epoch'; currentEpoch: number }
  | { status: 'duplicate' }
  | { status: 'not_found' };

export type NewE2eeApplication = {
  conversationId: string;
  senderId: string;
  senderDeviceId: string;
  epoch: number;
  data: Uint8Array;
  dataHash: Uint8Array;
  frankingTag: Uint8Array;
  /** Idempotency key per device: a retry returns the original. */
  clientMsgId: string;
  now: Date;
};

export type AppendApplicationResult =
  | { status: 'accepted'; message: E2eeMessageRecord; created: boolean }
  /** Sent for an epoch the group has left: the sender must catch up and re-encrypt. */
  | { status: 'stale_epoch'; currentEpoch: number }
  /** The same ciphertext was stored already (a replay). */
  | { status: 'duplicate' }
  | { status: 'no_group' }
  | { status: 'not_found' };

export type E2eeWelcomeRecord = {
  id: string;
  conversationId: string;
  /** Seq of the commit that added the device: the joiner starts reading after it. */
  commitSeq: number;
  /** Epoch the joiner lands in. */
  epoch: number;
  data: Uint8Array;
  createdAt: Date;
};

/** An encrypted attachment's ciphertext, stored in the media store under `storageKey`. */
export type E2eeBlobRecord = {
  id: string;
  conversationId: string;
  uploaderId: string;
  storageKey: string;
  size: number;
  /** Lower-case hex SHA-256 of the ciphertext. */
  sha256: string;
  createdAt: Date;
};

/** What a reporter revealed about an encrypted message, kept once the server verified it. */
export type E2eeReportEvidence = {
  reportId: string;
  messageId: string;
  conversationId: string;
  senderId: string;
  /** The plaintext payload exactly as committed. */
  payload: Uint8Array;
  frankingKey: Uint8Array;
  createdAt: Date;
};

export type E2eeRepo = {
  /** Throws DuplicateKeyError('id') when the id is taken. */
  registerDevice(input: NewE2eeDevice): Promise<E2eeDeviceRecord>;
  findDevice(id: string): Promise<E2eeDeviceRecord | null>;
  /** Devices of these users, oldest first; revoked ones only when asked. */
  listDevices(userIds: string[], options?: { includeRevoked?: boolean }): Promise<E2eeDeviceRecord[]>;
  /**
   * Marks the device revoked and deletes its KeyPackages and pending Welcomes. Null when unknown or
   * already revoked.
   */
  revokeDevice(id: string, now: Date): Promise<E2eeDeviceRecord | null>;
  /** Ids of the non-deleted encrypted conversations the user is an active member of. */
  encryptedConversationsOf(userId: string): Promise<string[]>;
  /** Revokes every device registered by a session (sign-out). Returns their ids. */
  revokeSessionDevices(sessionId: string, now: Date): Promise<string[]>;

  /**
   * Stores KeyPackages for an active device. One-time packages beyond `maxPool` are not stored
   * (`refused` counts them); a new last-resort package replaces the old one. A ref already stored is
   * skipped. Null when the device is unknown or revoked.
   */
  addKeyPackages(
    deviceId: string,
    items: E2eeKeyPackageInput[],
    options: { maxPool: number; now: Date },
  ): Promise<{ added: number; refused: number; available: number } | null>;
  keyPackageStatus(deviceId: string): Promise<{ available: number; lastResort: boolean }>;
  /**
   * Hands out one KeyPackage of an active device: the oldest one-time package, deleted in the same
   * atomic step so two claimers never get the same one; when none is left, the last-resort package
   * (kept). Null when there is neither.
   */
  claimKeyPackage(deviceId: string, now: Date): Promise<ClaimedKeyPackage | null>;

  findGroup(conversationId: string): Promise<E2eeGroupRecord | null>;
  /**
   * Accepts the commit only if `epoch` is the group's current epoch (or the group does not exist and
   * epoch is 0, which creates it with the sender's device in its roster). Atomically: takes the next
   * seq, stores the commit, moves the group to epoch + 1, applies adds/removes to the roster, stores
   * the Welcome for the added devices, and appends e2ee.message + one e2ee.welcome per added user.
   * A refused commit leaves no trace (its Welcome is never stored).
   */
  appendCommit(input: NewE2eeCommit): Promise<AppendCommitResult>;
  /**
   * Stores an application message sent in the group's current epoch: next seq, lastActivityAt, the
   * sender marked read up to it, one e2ee.message change row. Idempotent on (senderDeviceId, clientMsgId).
   */
  appendApplication(input: NewE2eeApplication): Promise<AppendApplicationResult>;
  /** Ascending by seq, seq > afterSeq and seq > floor, at most `limit` (clamped to 1..500). */
  messagesAfter(
    conversationId: string,
    afterSeq: number,
    options: { limit: number; floor: number },
  ): Promise<E2eeMessageRecord[]>;
  findMessages(ids: string[]): Promise<E2eeMessageRecord[]>;

  /** Welcomes still waiting for this device, oldest first. */
  pendingWelcomes(deviceId: string): Promise<E2eeWelcomeRecord[]>;
  /** The device is done with it. False when it was not pending for that device. */
  ackWelcome(welcomeId: string, deviceId: string): Promise<boolean>;

  addBlob(blob: E2eeBlobRecord): Promise<void>;
  findBlob(id: string): Promise<E2eeBlobRecord | null>;
  /** Removes the row; returns it (null when unknown) so the caller can release the stored bytes. */
  deleteBlob(id: string): Promise<E2eeBlobRecord | null>;
  /** Rows still pointing at a stored blob (the media store is content-addressed). */
  countBlobsByKey(storageKey: string): Promise<number>;

  /** Throws DuplicateKeyError('report') when evidence for that report exists. */
  addReportEvidence(evidence: E2eeReportEvidence): Promise<void>;
  findReportEvidence(reportId: string): Promise<E2eeReportEvidence | null>;
};
