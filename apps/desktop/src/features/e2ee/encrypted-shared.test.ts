import type { Attachment, LocalMessage, LocalNote } from '@charla/e2ee';
import { describe, expect, it } from 'vitest';
import { localShared } from './encrypted-shared.ts';

const file = (blobId: string, mime: string, name: string): Attachment => ({
  blobId,
  key: 'a2V5',
  sha256: 'aGFzaA==',
  size: 1234,
  mime,
  name,
});

let seq = 0;
const message = (over: Partial<LocalMessage>): LocalMessage => {
  seq += 1;
  return {
    kind: 'message',
    id: `m${seq}`,
    conversationId: 'c1',
    seq,
    senderId: 'ana',
    senderDeviceId: 'd1',
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, seq)).toISOString(),
    text: '',
    replyTo: null,
    mentions: [],
    attachments: [],
    forwarded: false,
    editedAt: null,
    deletedAt: null,
    reactions: [],
    proof: null,
    ...over,
  };
};

describe('what an encrypted chat shared, from the local store', () => {
  const photo = file('b1', 'image/png', 'beach.png');
  const clip = file('b2', 'video/mp4', 'waves.mp4');
  const pdf = file('b3', 'application/pdf', 'plan.pdf');
  const note: LocalNote = {
    kind: 'note',
    id: 'n1',
    conversationId: 'c1',
    seq: 100,
    createdAt: new Date().toISOString(),
    note: 'joined_here',
    userId: null,
    detail: null,
  };
  const first = message({ text: 'see https://example.org/a, and www.example.com. Mail me: mailto:a@b.c' });
  const second = message({ attachments: [photo, pdf], text: 'https://example.org/a twice https://example.org/a' });
  const third = message({ attachments: [clip] });
  const gone = message({ text: 'https://deleted.example', attachments: [file('b4', 'image/jpeg', 'x.jpg')] });
  gone.deletedAt = new Date().toISOString();
  const records = [note, first, second, third, gone];

  it('lists photos and videos, newest first, without deleted messages or notes', () => {
    expect(localShared(records, 'media').map((i) => i.attachment?.name)).toEqual(['waves.mp4', 'beach.png']);
  });

  it('lists other files apart from media', () => {
    expect(localShared(records, 'file').map((i) => [i.messageId, i.attachment?.name])).toEqual([
      [second.id, 'plan.pdf'],
    ]);
  });

  it('lists http(s) links once per message, as a reader would click them; never mailto', () => {
    expect(localShared(records, 'link').map((i) => [i.messageId, i.url])).toEqual([
      [second.id, 'https://example.org/a'],
      [first.id, 'https://example.org/a'],
      [first.id, 'https://www.example.com/'],
    ]);
    expect(localShared([], 'link')).toEqual([]);
  });
});
