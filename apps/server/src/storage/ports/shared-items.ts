import type { Page } from '@charla/shared-types';

/*
 * What a conversation has shared, for the details panel's Media / Files / Links tabs: one row per
 * attachment or link of a message, written by the messages service when the message is sent (links
 * again on edit) and removed with it when it is deleted for everyone. Listing applies the viewer's
 * visibility (floor, delete-for-me) like history does.
 */
export type SharedKind = 'media' | 'file' | 'link';

export type SharedItemRecord = {
  conversationId: string;
  messageId: string;
  /** The message's seq: items list newest first by it. */
  seq: number;
  kind: SharedKind;
  /** media / file: the media id. */
  mediaId: string | null;
  /** link: the URL. */
  url: string | null;
  /** Order within the message (attachment index, or link index): a message's items keep it. */
  position: number;
  senderId: string;
  createdAt: Date;
};

export type SharedItemsRepo = {
  /** Adds rows for one message; a row already there (same message, media or url) is kept once. */
  add(items: SharedItemRecord[]): Promise<void>;
  /** Replaces a message's links (after an edit). */
  replaceLinks(messageId: string, links: SharedItemRecord[]): Promise<void>;
  /** Removes every row of a message (deleted for everyone). */
  removeForMessage(messageId: string): Promise<void>;
  /**
   * Newest first: seq > `floorSeq`, not hidden for `viewerId`; `cursor` is opaque. Uses an index on
   * (conversation, kind, seq), so a page costs the same however much was shared.
   */
  list(
    conversationId: string,
    kind: SharedKind,
    options: { viewerId: string; floorSeq: number; limit: number; cursor?: string },
  ): Promise<Page<SharedItemRecord>>;
};
