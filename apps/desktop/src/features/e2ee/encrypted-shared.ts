import type { Attachment, LocalRecord } from '@charla/e2ee';
import { splitLinks } from '../../platform/links.ts';

export type SharedKind = 'media' | 'file' | 'link';

export type LocalSharedItem = {
  key: string;
  messageId: string;
  senderId: string;
  createdAt: string;
  attachment: Attachment | null;
  url: string | null;
};

const isMedia = (a: Attachment) => a.mime.startsWith('image/') || a.mime.startsWith('video/');

/**
 * What an encrypted chat shared (media, files, links), from this device's decrypted store: the
 * server holds only ciphertext and refuses to list them (content policy). Newest first, like the
 * server's list for plain chats; deleted messages drop out; links follow the current (edited) text.
 */
export function localShared(records: readonly LocalRecord[], kind: SharedKind): LocalSharedItem[] {
  const out: LocalSharedItem[] = [];
  for (const r of [...records].sort((a, b) => b.seq - a.seq)) {
    if (r.kind !== 'message' || r.deletedAt) continue;
    const base = { messageId: r.id, senderId: r.senderId, createdAt: r.createdAt };
    if (kind === 'link') {
      const seen = new Set<string>();
      for (const part of splitLinks(r.text)) {
        if (part.kind !== 'link' || part.href.startsWith('mailto:') || seen.has(part.href)) continue;
        seen.add(part.href);
        out.push({ ...base, key: `${r.id}:${part.href}`, attachment: null, url: part.href });
      }
      continue;
    }
    for (const a of r.attachments)
      if (isMedia(a) === (kind === 'media'))
        out.push({ ...base, key: `${r.id}:${a.blobId}`, attachment: a, url: null });
  }
  return out;
}
