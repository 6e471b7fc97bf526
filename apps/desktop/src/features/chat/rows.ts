import type { Message } from '@charla/shared-types';
import type { OutboxEntry } from '../../api/outbox.ts';

export type Row =
  | { kind: 'day'; key: string; date: string }
  | { kind: 'unread'; key: string }
  | { kind: 'message'; key: string; message: Message; firstOfGroup: boolean }
  | { kind: 'pending'; key: string; entry: OutboxEntry };

function dayOf(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

const GROUP_GAP_MS = 5 * 60_000;

/**
 * Flattens history into list rows: day separators, the "unread" marker before the first message
 * after `lastReadSeq`, consecutive messages of one sender grouped, and unsent messages at the end.
 * Messages already acknowledged (same clientMsgId) are not shown twice.
 */
export function buildRows(
  messages: Message[],
  pending: OutboxEntry[],
  opts: { firstUnreadSeq: number | null; meId: string },
): Row[] {
  const rows: Row[] = [];
  let lastDay = '';
  let prev: Message | null = null;
  const acked = new Set<string>();
  for (const m of messages) {
    if (m.clientMsgId) acked.add(m.clientMsgId);
    const day = dayOf(m.createdAt);
    if (day !== lastDay) {
      rows.push({ kind: 'day', key: `day:${day}`, date: m.createdAt });
      lastDay = day;
      prev = null;
    }
    if (opts.firstUnreadSeq !== null && m.seq === opts.firstUnreadSeq && m.senderId !== opts.meId) {
      rows.push({ kind: 'unread', key: 'unread' });
      prev = null;
    }
    const firstOfGroup =
      !prev ||
      prev.senderId !== m.senderId ||
      prev.kind === 'system' ||
      Date.parse(m.createdAt) - Date.parse(prev.createdAt) > GROUP_GAP_MS;
    rows.push({ kind: 'message', key: m.id, message: m, firstOfGroup });
    prev = m;
  }
  for (const e of pending) {
    if (!acked.has(e.clientMsgId)) rows.push({ kind: 'pending', key: e.clientMsgId, entry: e });
  }
  return rows;
}

export function estimateRow(r: Row): number {
  switch (r.kind) {
    case 'day':
      return 36;
    case 'unread':
      return 32;
    case 'pending':
      return 56;
    case 'message': {
      const lines = Math.ceil(Math.max(1, r.message.text.length) / 60) + (r.message.text.match(/\n/g)?.length ?? 0);
      return (
        34 +
        lines * 20 +
        (r.firstOfGroup ? 18 : 0) +
        (r.message.replyTo ? 44 : 0) +
        (r.message.reactions.length ? 28 : 0)
      );
    }
  }
}
