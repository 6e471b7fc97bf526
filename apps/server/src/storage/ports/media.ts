import type { Readable } from 'node:stream';

/*
 * Media: two different things.
 * (a) MediaStore — where the bytes live (local disk or Cloudinary). Content-addressed: the key is
 *     derived from the SHA-256 of the bytes, so the same bytes uploaded twice share one blob. Callers
 *     must therefore only delete a key once no media row references it (MediaRepo.countByKey).
 * (b) MediaRepo — the metadata rows (who uploaded what, where it is attached), in SQLite/Mongo.
 *
 * URL semantics: a store never hands out public URLs. Every byte goes out through
 * GET /api/v1/media/:id, which checks access first; the Cloudinary store fetches its assets with
 * signed delivery URLs (type "authenticated") so a leaked URL of ours is the only way in.
 */

export type StoredBlob = {
  /** Opaque to callers; stable for identical bytes within one store. */
  key: string;
  size: number;
  /** Lower-case hex. */
  sha256: string;
};

/** Inclusive byte range, as in HTTP `Range: bytes=start-end`. */
export type ByteRange = { start: number; end: number };

export type MediaStore = {
  readonly kind: 'local' | 'cloudinary';
  /**
   * Stores the stream's bytes. Nothing is readable under the returned key before the whole stream
   * was written; a failed or aborted stream leaves nothing behind. `mime` is a hint (Cloudinary
   * picks its resource type from it).
   */
  put(source: Readable, hint?: { mime?: string }): Promise<StoredBlob>;
  /** The blob, or the inclusive range of it; null when the key is unknown. */
  get(key: string, range?: ByteRange): Promise<Readable | null>;
  /** Removes the blob; unknown keys are ignored. */
  delete(key: string): Promise<void>;
};

export type MediaKind = 'image' | 'video' | 'audio' | 'file';

export type AvatarTarget = { type: 'user' | 'conversation'; id: string };

export type MediaRecord = {
  id: string;
  uploaderId: string;
  kind: MediaKind;
  /** Sniffed from the content, never the client's claim. */
  mime: string;
  /** Bytes of the stored blob (images: after re-encoding). */
  size: number;
  width: number | null;
  height: number | null;
  /** Seconds, when known. */
  duration: number | null;
  /** Sanitised original file name (download name); never used as a path. */
  fileName: string;
  sha256: string;
  storageKey: string;
  thumbnailKey: string | null;
  createdAt: Date;
  /** Set once attached to a message or used as an avatar; unattached uploads expire. */
  attachedAt: Date | null;
  messageId: string | null;
  conversationId: string | null;
  avatarOf: AvatarTarget | null;
};

export type NewMedia = Omit<MediaRecord, 'id' | 'attachedAt' | 'messageId' | 'conversationId' | 'avatarOf'>;

export type MediaRepo = {
  create(media: NewMedia): Promise<MediaRecord>;
  findById(id: string): Promise<MediaRecord | null>;
  /** In no particular order; unknown ids are skipped. */
  findByIds(ids: string[]): Promise<MediaRecord[]>;
  /**
   * All or nothing: attaches every id to the message only if each exists, was uploaded by
   * `uploaderId` and is not attached yet. Returns false (and changes nothing) otherwise.
   */
  attachToMessage(
    ids: string[],
    uploaderId: string,
    target: { messageId: string; conversationId: string },
    now: Date,
  ): Promise<boolean>;
  /** Marks an unattached upload of `uploaderId` as the avatar of `target`. False when not allowed. */
  attachAsAvatar(id: string, uploaderId: string, target: AvatarTarget, now: Date): Promise<boolean>;
  /** Media attached to the message. */
  listByMessage(messageId: string): Promise<MediaRecord[]>;
  /** Current avatar media of the target (null when none). */
  findAvatarOf(target: AvatarTarget): Promise<MediaRecord | null>;
  /** Bytes of the uploader's unattached uploads (the pending-upload quota). */
  pendingBytes(uploaderId: string): Promise<number>;
  /** Unattached uploads created before `cutoff`, oldest first (the 24 h sweeper). */
  listUnattachedBefore(cutoff: Date, limit: number): Promise<MediaRecord[]>;
  /** Deletes the row; returns it, null when missing. The caller then releases the blobs. */
  delete(id: string): Promise<MediaRecord | null>;
  /** Rows whose storageKey or thumbnailKey is `key` (content-addressed blobs are shared). */
  countByKey(key: string): Promise<number>;
};
