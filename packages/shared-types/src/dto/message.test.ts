import { describe, expect, it } from 'vitest';
import {
  changeEntrySchema,
  createConversationRequestSchema,
  emojiSchema,
  historyQuerySchema,
  inviteDesktopUrl,
  inviteWebUrl,
  sendMessageRequestSchema,
  socketSendMessageSchema,
} from '../index.ts';

describe('message and conversation schemas', () => {
  it('accepts a text message and applies defaults', () => {
    const m = sendMessageRequestSchema.parse({ clientMsgId: 'c-1', text: 'hi' });
    expect(m).toEqual({ clientMsgId: 'c-1', text: 'hi', attachments: [], mentions: [] });
  });

  it('rejects empty, oversized and unknown-field messages', () => {
    expect(sendMessageRequestSchema.safeParse({ clientMsgId: 'c', text: '   ' }).success).toBe(false);
    expect(sendMessageRequestSchema.safeParse({ clientMsgId: 'c', text: 'x'.repeat(4097) }).success).toBe(false);
    expect(sendMessageRequestSchema.safeParse({ clientMsgId: 'c', text: 'x'.repeat(4096) }).success).toBe(true);
    expect(sendMessageRequestSchema.safeParse({ clientMsgId: 'c', text: 'x', seq: 3 }).success).toBe(false);
    expect(sendMessageRequestSchema.safeParse({ clientMsgId: 'bad id!', text: 'x' }).success).toBe(false);
    expect(sendMessageRequestSchema.safeParse({ clientMsgId: 'c', text: 'a\u0002b' }).success).toBe(false);
    expect(sendMessageRequestSchema.safeParse({ clientMsgId: 'c', text: 'a\r\n\tb' }).success).toBe(true);
    expect(socketSendMessageSchema.safeParse({ clientMsgId: 'c', text: 'x' }).success).toBe(false);
  });

  it('accepts emoji and rejects text as a reaction', () => {
    for (const e of ['👍', '❤️', '👍🏽', '👨‍👩‍👧', '1️⃣']) expect(emojiSchema.safeParse(e).success, e).toBe(true);
    for (const e of ['a', '<b>', '', '👍x', '1', '#']) expect(emojiSchema.safeParse(e).success, e).toBe(false);
    for (const e of ['🇪🇸', '🏴\u{e0067}\u{e0062}\u{e0073}\u{e0063}\u{e0074}\u{e007f}', '👩🏽‍💻', '#️⃣'])
      expect(emojiSchema.safeParse(e).success, e).toBe(true);
  });

  it('refuses a long run of emoji components at once: length first, then linear patterns (issue 22 #1)', () => {
    // Before: an alternation of overlapping classes doubled the time with every joiner (26 took 1.7 s),
    // and zod ran the pattern even after .max() had failed.
    for (const n of [26, 31, 40, 10_000]) {
      const attack = `${'\u200d'.repeat(n)}a`;
      const started = Date.now();
      const result = emojiSchema.safeParse(attack);
      const ms = Date.now() - started;
      expect(result.success).toBe(false);
      expect(result.error?.issues, `${n} joiners`).toHaveLength(1);
      expect(ms, `${n} joiners`).toBeLessThan(50);
    }
  });

  it('allows only one history anchor and caps the limit', () => {
    expect(historyQuerySchema.parse({ before: '10', limit: '20' })).toEqual({ before: 10, limit: 20 });
    expect(historyQuerySchema.safeParse({ before: 1, after: 2 }).success).toBe(false);
    expect(historyQuerySchema.safeParse({ limit: 101 }).success).toBe(false);
  });

  it('discriminates conversation kinds', () => {
    expect(createConversationRequestSchema.parse({ kind: 'group', title: 'G' })).toMatchObject({ memberIds: [] });
    expect(createConversationRequestSchema.safeParse({ kind: 'direct' }).success).toBe(false);
    expect(createConversationRequestSchema.safeParse({ kind: 'secret', title: 'x' }).success).toBe(false);
    expect(changeEntrySchema.safeParse({ type: 'participant_left', changeSeq: 3, userId: 'u' }).success).toBe(true);
  });

  it('builds both invite link forms', () => {
    expect(inviteWebUrl('https://chat.example.com/', 'abcDEF12')).toBe('https://chat.example.com/invite/abcDEF12');
    expect(inviteDesktopUrl('abcDEF12')).toBe('charla://invite/abcDEF12');
  });
});
