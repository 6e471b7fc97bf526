import type { LocalMessage } from '@charla/e2ee';
import { describe, expect, it } from 'vitest';
import { summary } from '../../api/test-fixtures.ts';
import { encryptedNotification, newestIncoming } from './e2ee-notify.ts';

const msg = (seq: number, senderId: string, text: string, createdAt = '2026-05-01T10:00:00.000Z'): LocalMessage => ({
  kind: 'message',
  id: `m-${seq}-abcdef`,
  conversationId: 'c1',
  seq,
  senderId,
  senderDeviceId: 'd',
  createdAt,
  text,
  replyTo: null,
  mentions: [],
  attachments: [],
  forwarded: false,
  editedAt: null,
  deletedAt: null,
  reactions: [],
  proof: null,
});

describe('notifications for encrypted chats', () => {
  it('picks the newest message from someone else, once, and not from before start-up', () => {
    const since = Date.parse('2026-05-01T09:00:00.000Z');
    const records = [msg(3, 'bob', 'hi'), msg(4, 'me', 'mine'), msg(5, 'bob', 'latest')];
    expect(newestIncoming(records, { meId: 'me', after: 0, since })?.text).toBe('latest');
    expect(newestIncoming(records, { meId: 'me', after: 5, since })).toBeNull();
    expect(newestIncoming(records, { meId: 'me', after: 0, since: Date.parse('2026-06-01T00:00:00.000Z') })).toBeNull();
  });

  it('shows the decrypted text with the conversation name', () => {
    const n = encryptedNotification(msg(5, 'bob', 'secret words'), {
      meId: 'me',
      conversation: summary({ id: 'c1', title: 'Plans', kind: 'group' }),
    });
    expect(n).toMatchObject({ tag: 'c1', title: 'Plans', conversationId: 'c1', mentioned: false });
    expect(n.body).toContain('secret words');
  });
});
