/**
 * Options both adapters accept at open time. Production passes none; tests use them to inject a
 * crash between the steps of a send and to shorten the time after which a half-done send counts as
 * abandoned.
 */

/**
 * The points of a send where a process can die. MongoDB without a transaction runs them as
 * separate writes, so each leaves a different half-done state; SQLite (and MongoDB in a replica-set
 * transaction) run them in one transaction, so a crash anywhere leaves nothing.
 */
export const SEND_CRASH_POINTS = [
  /** The message row exists and holds its (senderId, clientMsgId), without a seq. */
  'claimed',
  /** lastSeq was incremented for it. */
  'reserved',
  /** The seq is on the row: the message is in history. */
  'stamped',
  /** Members' activity order and the sender's receipts are updated. */
  'activity',
  /** changeSeq was incremented for its message.created entry. */
  'change-reserved',
  /** The message.created entry is written; only "done" is missing. */
  'change-written',
] as const;

export type SendCrashPoint = (typeof SEND_CRASH_POINTS)[number];

export type AdapterOptions = {
  /** Called at each point of every send; throwing there aborts the send as a crash would. */
  sendFault?: (point: SendCrashPoint) => void;
  /**
   * MongoDB: how old a send still marked in progress must be before a retry or the sweep takes it
   * over (default 30 s: far longer than any live send takes).
   */
  staleSendMs?: number;
  /** MongoDB: 'auto' uses a transaction for sends on a replica set or sharded cluster; 'off' never. */
  transactions?: 'auto' | 'off';
  /**
   * SQLite: 'worker' (default) checkpoints the WAL on the process's checkpoint thread
   * (sqlite-checkpointer.ts); 'inline' leaves SQLite's automatic checkpoint in the COMMIT.
   */
  checkpoints?: 'worker' | 'inline';
  /** MongoDB: sees every command sent to the server (query-plan tests explain each one). */
  onCommand?: (command: { commandName: string; databaseName: string; command: Record<string, unknown> }) => void;
};

export const DEFAULT_STALE_SEND_MS = 30_000;
