import type { Database } from 'better-sqlite3';
import type { SharedItemRecord, SharedItemsRepo } from '../ports.ts';
import { dateOf } from './sqlite-util.ts';

type Row = {
  conversation_id: string;
  message_id: string;
  seq: number;
  kind: SharedItemRecord['kind'];
  media_id: string | null;
  url: string | null;
  sender_id: string;
  created_at: number;
  item_key: string;
};

const toItem = (r: Row): SharedItemRecord => ({
  conversationId: r.conversation_id,
  messageId: r.message_id,
  seq: r.seq,
  kind: r.kind,
  mediaId: r.media_id,
  url: r.url,
  position: Number(r.item_key.slice(2, 5)) || 0,
  senderId: r.sender_id,
  createdAt: dateOf(r.created_at),
});
/** Sorts a message's items by position (zero-padded) and keeps each media or URL once per position. */
const keyOf = (i: SharedItemRecord) =>
  `${i.kind === 'link' ? 'l' : 'm'}:${String(i.position).padStart(3, '0')}:${i.kind === 'link' ? i.url : i.mediaId}`;

/**
 * Cursor = "<seq>:<item_key>" of the last row returned. Not storage/cursor.ts's codec: the key holds
 * a URL of up to 2,100 characters, and base64 JSON of it would pass the API's 2,200-character cap.
 */
function parseCursor(cursor: string | undefined): { seq: number; key: string } | null {
  const m = cursor?.match(/^(\d{1,15}):(.{1,2100})$/s);
  return m ? { seq: Number(m[1]), key: m[2] as string } : null;
}

export function createSqliteSharedItemsRepo(db: Database): SharedItemsRepo {
  const insert = db.prepare(
    `INSERT OR IGNORE INTO shared_items
       (conversation_id, message_id, seq, kind, media_id, url, sender_id, created_at, item_key)
     VALUES (@conversation_id, @message_id, @seq, @kind, @media_id, @url, @sender_id, @created_at, @item_key)`,
  );
  const addTx = db.transaction((items: SharedItemRecord[]) => {
    for (const i of items)
      insert.run({
        conversation_id: i.conversationId,
        message_id: i.messageId,
        seq: i.seq,
        kind: i.kind,
        media_id: i.mediaId,
        url: i.url,
        sender_id: i.senderId,
        created_at: i.createdAt.getTime(),
        item_key: keyOf(i),
      });
  });
  const removeLinks = db.prepare<[string]>(`DELETE FROM shared_items WHERE message_id = ? AND kind = 'link'`);
  const removeAll = db.prepare<[string]>('DELETE FROM shared_items WHERE message_id = ?');
  const replaceTx = db.transaction((messageId: string, links: SharedItemRecord[]) => {
    removeLinks.run(messageId);
    addTx(links);
  });
  // (seq, item_key) descending, walked from the index; hidden-for-me rows are skipped by the anti-join.
  const page = db.prepare<
    {
      c: string;
      kind: SharedItemRecord['kind'];
      floor: number;
      viewer: string;
      cseq: number | null;
      ckey: string | null;
      limit: number;
    },
    Row
  >(
    `SELECT s.* FROM shared_items s
     WHERE s.conversation_id = @c AND s.kind = @kind AND s.seq > @floor
       AND (@cseq IS NULL OR s.seq < @cseq OR (s.seq = @cseq AND s.item_key < @ckey))
       AND NOT EXISTS (SELECT 1 FROM hidden_messages h
                       WHERE h.user_id = @viewer AND h.conversation_id = s.conversation_id AND h.seq = s.seq)
     ORDER BY s.seq DESC, s.item_key DESC
     LIMIT @limit`,
  );
  return {
    async add(items) {
      addTx(items);
    },
    async replaceLinks(messageId, links) {
      replaceTx(messageId, links);
    },
    async removeForMessage(messageId) {
      removeAll.run(messageId);
    },
    async list(conversationId, kind, options) {
      const limit = Math.max(1, Math.min(options.limit, 100));
      const c = parseCursor(options.cursor);
      const rows = page.all({
        c: conversationId,
        kind,
        floor: options.floorSeq,
        viewer: options.viewerId,
        cseq: c?.seq ?? null,
        ckey: c?.key ?? null,
        limit: limit + 1,
      });
      const items = rows.slice(0, limit);
      const last = rows.length > limit ? items.at(-1) : undefined;
      return { items: items.map(toItem), nextCursor: last ? `${last.seq}:${last.item_key}` : null };
    },
  };
}
