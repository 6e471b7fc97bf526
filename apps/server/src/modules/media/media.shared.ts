import type { SharedItem, SharedKind } from '@charla/shared-types';
import type { Storage } from '../../storage/ports.ts';
import { requireMember, visibilityFloor } from '../messaging/conversations.access.ts';
import type { MediaService } from './media.service.ts';

/**
 * The details panel's Media / Files / Links: members only (404 otherwise, like history), from the
 * member's visibility floor, without what they deleted for themselves; media carry fresh signed URLs.
 */
export async function listShared(
  storage: Storage,
  media: Pick<MediaService, 'toDto'>,
  userId: string,
  conversationId: string,
  q: { kind: SharedKind; cursor?: string; limit: number },
): Promise<{ items: SharedItem[]; nextCursor: string | null }> {
  const m = await requireMember(storage, conversationId, userId);
  const page = await storage.sharedItems.list(conversationId, q.kind, {
    viewerId: userId,
    floorSeq: visibilityFloor(m.conversation, m.me),
    limit: q.limit,
    ...(q.cursor ? { cursor: q.cursor } : {}),
  });
  const ids = page.items.flatMap((i) => (i.mediaId ? [i.mediaId] : []));
  const records = new Map((ids.length ? await storage.media.findByIds(ids) : []).map((r) => [r.id, r]));
  const items: SharedItem[] = [];
  for (const i of page.items) {
    const record = i.mediaId ? records.get(i.mediaId) : undefined;
    // A media row removed since (its message was deleted) just drops out.
    if (i.mediaId && !record) continue;
    items.push({
      messageId: i.messageId,
      seq: i.seq,
      senderId: i.senderId,
      createdAt: i.createdAt.toISOString(),
      kind: i.kind,
      // URLs for this viewer through this message: they stop working when the viewer leaves.
      media: record ? media.toDto(record, { viewerId: userId, via: i.messageId }) : null,
      url: i.url,
    });
  }
  return { items, nextCursor: page.nextCursor };
}
