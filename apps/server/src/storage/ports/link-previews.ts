import type { Committed, MessageRecord } from './messaging.ts';

/*
 * Link previews: what the server found at the first link of a message (never for encrypted
 * conversations: the link-previews service asks the content policy first).
 *
 * - A message carries its preview (`MessageRecord.linkPreview`). Setting or removing it bumps the
 *   conversation's change feed with message.updated, in the same atomic step, so catch-up converges.
 *   Deleting the message for everyone wipes it with the rest of the content.
 * - The cache holds one entry per URL (a preview, or null for "nothing to show / failed") until it
 *   expires, so a link pasted in many chats is fetched once.
 * - Images live in the MediaStore (content-addressed keys); a row per stored image. An image row is
 *   swept once no message preview and no unexpired cache entry references it.
 */

export type LinkPreviewImageRef = { id: string; width: number; height: number };

export type LinkPreviewRecord = {
  url: string;
  title: string | null;
  description: string | null;
  siteName: string | null;
  image: LinkPreviewImageRef | null;
  /** The sender removed it: readers see no preview, and an edit keeping this URL does not bring it back. */
  removed: boolean;
};

export type LinkPreviewContent = Omit<LinkPreviewRecord, 'removed'>;

export type LinkPreviewCacheEntry = {
  url: string;
  /** null: the URL had nothing to preview or could not be fetched (a shorter TTL). */
  preview: LinkPreviewContent | null;
  fetchedAt: Date;
  expiresAt: Date;
};

export type LinkPreviewImageRecord = {
  id: string;
  storageKey: string;
  mime: string;
  width: number;
  height: number;
  size: number;
  createdAt: Date;
};

export type LinkPreviewsRepo = {
  /**
   * Sets (or with null clears) the preview of a live message and appends message.updated
   * { linkPreview: true } by `actorId`. Null when the message is missing or deleted.
   */
  setForMessage(
    messageId: string,
    preview: LinkPreviewRecord | null,
    actorId: string,
    now: Date,
  ): Promise<(Committed & { message: MessageRecord }) | null>;
  /** The entry for `url` unless it expired at `now`. */
  getCached(url: string, now: Date): Promise<LinkPreviewCacheEntry | null>;
  /** Inserts or replaces the entry for its URL. */
  putCached(entry: LinkPreviewCacheEntry): Promise<void>;
  /** Removes entries expired at `now`; returns how many. */
  pruneCache(now: Date): Promise<number>;
  createImage(image: Omit<LinkPreviewImageRecord, 'id'>): Promise<LinkPreviewImageRecord>;
  findImage(id: string): Promise<LinkPreviewImageRecord | null>;
  /**
   * Deletes up to `limit` image rows created before `cutoff` that no message preview and no cache
   * entry unexpired at `now` references, and returns them (the caller then frees their blobs).
   */
  sweepImages(cutoff: Date, now: Date, limit: number): Promise<LinkPreviewImageRecord[]>;
  /** Rows (of any message preview image) whose storageKey is `key`: blobs are shared by content. */
  countImagesByKey(key: string): Promise<number>;
};
