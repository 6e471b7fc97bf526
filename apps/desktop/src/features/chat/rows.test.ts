import { describe, expect, it } from 'vitest';
import type { OutboxEntry } from '../../api/outbox.ts';
import { message } from '../../api/test-fixtures.ts';
import { buildRows } from './rows.ts';

const pending = (clientMsgId: string): OutboxEntry => ({
  clientMsgId,
  conversationId: 'c1',
  text: 'later',
  mentions: [],
  attachments: [],
  createdAt: '2026-01-02T00:00:00.000Z',
  status: 'pending',
});

describe('buildRows', () => {
  it('adds day separators, the unread marker and groups consecutive messages of one sender', () => {
    const rows = buildRows(
      [
        message({ seq: 1, createdAt: '2026-01-01T10:00:00.000Z' }),
        message({ seq: 2, createdAt: '2026-01-01T10:01:00.000Z' }),
        message({ seq: 3, createdAt: '2026-01-02T10:00:00.000Z' }),
        message({ seq: 4, createdAt: '2026-01-02T10:00:30.000Z', senderId: 'u3' }),
      ],
      [],
      { firstUnreadSeq: 4, meId: 'me' },
    );
    expect(rows.map((r) => (r.kind === 'message' ? `${r.message.seq}${r.firstOfGroup ? '*' : ''}` : r.kind))).toEqual([
      'day',
      '1*',
      '2',
      'day',
      '3*',
      'unread',
      '4*',
    ]);
  });

  it('shows unsent messages last, but never twice once the server acknowledged them', () => {
    const rows = buildRows(
      [message({ seq: 1, clientMsgId: 'c:1', senderId: 'me' })],
      [pending('c:1'), pending('c:2')],
      {
        firstUnreadSeq: null,
        meId: 'me',
      },
    );
    expect(rows.filter((r) => r.kind === 'pending').map((r) => r.key)).toEqual(['c:2']);
  });

  it('puts no unread marker before my own message', () => {
    const rows = buildRows([message({ seq: 1, senderId: 'me' })], [], { firstUnreadSeq: 1, meId: 'me' });
    expect(rows.some((r) => r.kind === 'unread')).toBe(false);
  });
});
