import type { MessageRecord, SharedItemRecord, Storage } from '../../storage/ports.ts';

const URLS = /\bhttps?:\/\/[^\s<>"']{1,2000}/gi;
const TRAILING = new Set('.,;:!?)]}*_~\'"');
const MAX_LINKS = 20;

/** http(s) links in a message's text, as a reader would click them (trailing punctuation dropped). */
export function linksIn(text: string): string[] {
  const out = new Set<string>();
  for (const match of text.matchAll(URLS)) {
    let raw = match[0];
    let end = raw.length;
    while (end > 0 && TRAILING.has(raw[end - 1] as string)) end--;
    raw = raw.slice(0, end);
    try {
      const url = new URL(raw);
      if (url.hostname) out.add(url.href);
    } catch {
      // Not a URL after all.
    }
    if (out.size >= MAX_LINKS) break;
  }
  return [...out];
}

/**
 * Keeps the "shared" index (details panel: media, files, links) in step with messages.
 * NOTE for end-to-end encrypted conversations: link extraction reads message text, so it must go
 * through the one "may the server read this conversation's content" check when that lands; media
 * rows need no text.
 */
export function sharedIndex(storage: Storage) {
  const row = (m: MessageRecord, kind: SharedItemRecord['kind'], ref: string, position: number): SharedItemRecord => ({
    conversationId: m.conversationId,
    messageId: m.id,
    seq: m.seq,
    kind,
    mediaId: kind === 'link' ? null : ref,
    url: kind === 'link' ? ref : null,
    position,
    senderId: m.senderId,
    createdAt: m.createdAt,
  });
  return {
    async record(m: MessageRecord): Promise<void> {
      if (m.kind === 'system' || m.deletedAt) return;
      const found = m.attachments.length ? await storage.media.findByIds(m.attachments) : [];
      const byId = new Map(found.map((x) => [x.id, x]));
      const items = [
        ...m.attachments.flatMap((id, i) => {
          const x = byId.get(id);
          return x ? [row(m, x.kind === 'image' || x.kind === 'video' ? 'media' : 'file', x.id, i)] : [];
        }),
        ...linksIn(m.text).map((u, i) => row(m, 'link', u, i)),
      ];
      if (items.length) await storage.sharedItems.add(items);
    },
    async relink(m: MessageRecord): Promise<void> {
      await storage.sharedItems.replaceLinks(
        m.id,
        linksIn(m.text).map((u, i) => row(m, 'link', u, i)),
      );
    },
    async drop(messageId: string): Promise<void> {
      await storage.sharedItems.removeForMessage(messageId);
    },
  };
}
