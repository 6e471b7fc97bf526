import type { Message } from '@charla/shared-types';
import { describe, expect, it } from 'vitest';
import { messageFact } from './points.listener.ts';

describe('points listener', () => {
  it('hands the rules metadata only: no text, no quoted snippet, no attachments', () => {
    const secret = 'the launch code is 1234';
    const dto: Message = {
      id: 'm2',
      conversationId: 'c1',
      seq: 2,
      senderId: 'u2',
      clientMsgId: 'x',
      kind: 'text',
      text: secret,
      attachments: [],
      replyTo: { id: 'm1', snapshot: { senderId: 'u1', kind: 'text', text: secret } },
      forwardedFrom: null,
      mentions: [],
      system: null,
      reactions: [],
      editedAt: null,
      deletedAt: null,
      createdAt: '2026-03-02T10:00:00.000Z',
    } as unknown as Message;
    const fact = messageFact(dto);
    expect(JSON.stringify(fact)).not.toContain(secret);
    expect(fact).toEqual({
      id: 'm2',
      conversationId: 'c1',
      senderId: 'u2',
      kind: 'text',
      forwarded: false,
      replyTo: { id: 'm1', senderId: 'u1' },
      createdAt: new Date('2026-03-02T10:00:00.000Z'),
      deletedAt: null,
    });
  });
});
