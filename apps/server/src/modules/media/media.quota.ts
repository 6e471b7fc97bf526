import { AppError } from '../../http/errors.ts';
import type { Storage } from '../../storage/ports.ts';

/** Bytes one upload in progress may still take; `take` is fed every received chunk. */
export type UploadAllowance = {
  /** Most bytes this upload may have in total (never more than the per-file limit). */
  readonly maxBytes: number;
  /** Counts received bytes; false once the account went over its quota. */
  take(bytes: number): boolean;
  /** The upload finished (stored or refused): its in-flight bytes stop counting. */
  release(): void;
  readonly error: AppError;
};

const mb = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(1)} MB`;

/**
 * The pending-upload quota: bytes of an account's uploads not yet attached to a message (stored
 * rows, which the sweeper removes after 24 h) plus what it is uploading right now on this node.
 * Checked before the body is read, and again with every chunk, so parallel uploads cannot slip
 * past it together.
 */
export function createUploadQuota(deps: { storage: Storage; maxPendingBytes: number; maxFileBytes: number }) {
  const inflight = new Map<string, number>();
  const tooMuch = (pending: number) =>
    new AppError(
      413,
      'payload_too_large',
      `Your uploads not yet sent in a message take ${mb(pending)} of the ${mb(deps.maxPendingBytes)} allowed; send or remove them (unsent uploads are deleted after 24 hours) and try again`,
    );
  return {
    async open(userId: string): Promise<UploadAllowance> {
      const stored = await deps.storage.media.pendingBytes(userId);
      const used = () => stored + (inflight.get(userId) ?? 0);
      if (used() >= deps.maxPendingBytes) throw tooMuch(used());
      let mine = 0;
      return {
        maxBytes: Math.min(deps.maxFileBytes, deps.maxPendingBytes - used()),
        take(bytes) {
          mine += bytes;
          inflight.set(userId, (inflight.get(userId) ?? 0) + bytes);
          return used() <= deps.maxPendingBytes;
        },
        release() {
          const left = (inflight.get(userId) ?? 0) - mine;
          mine = 0;
          if (left > 0) inflight.set(userId, left);
          else inflight.delete(userId);
        },
        get error() {
          return tooMuch(used());
        },
      };
    },
  };
}

export type UploadQuota = ReturnType<typeof createUploadQuota>;
