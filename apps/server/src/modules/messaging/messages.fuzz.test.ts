import type { ConversationSummary, Message } from '@charla/shared-types';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClientSocket, connectSocket, emitAck, type Rest, restAs } from '../../../test/chat.ts';
import { type RegisteredUser, registerUser, startTestApp, type TestApp } from '../../../test/harness.ts';

/** Values that have broken servers before: operators, prototype keys, odd unicode, wrong types. */
const hostileString = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' ', '\u0000', '\u0002', '\u202e', '🦊'.repeat(50), '%', '../', '.*', '\\', 'x'.repeat(5000)),
);
const hostileValue = fc.oneof(
  hostileString,
  fc.constant({ $gt: '' }),
  fc.constant(JSON.parse('{"__proto__": {"admin": true}}')),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(hostileString, { maxLength: 3 }),
);
const keys = [
  'kind',
  'userId',
  'title',
  'memberIds',
  'clientMsgId',
  'text',
  'attachments',
  'replyToId',
  'mentions',
  'conversationId',
  'conversationIds',
  'messageId',
  'emoji',
  'on',
  'seq',
  'for',
  'role',
  'userIds',
  'mutedUntil',
  'pinned',
  'status',
  '__proto__',
];
const hostileBody = fc.oneof(
  fc.dictionary(fc.constantFrom(...keys), hostileValue, { maxKeys: 6 }),
  fc.jsonValue({ maxDepth: 3 }),
);

describe('no input gets a 500 or a crash from conversations, messages, invites and search', () => {
  let t: TestApp;
  let u: RegisteredUser;
  let R: Rest;
  let group: string;
  let message: string;
  let socket: ClientSocket;

  beforeAll(async () => {
    t = await startTestApp();
    u = await registerUser(t);
    R = restAs(t.api, u.accessToken);
    group = (await R.post<ConversationSummary>('/conversations', { kind: 'group', title: 'Fuzz' })).body.data.id;
    message = (await R.post<Message>(`/conversations/${group}/messages`, { clientMsgId: 'fz', text: 'x' })).body.data
      .id;
    socket = await connectSocket(t.url, u.accessToken);
  });
  afterAll(async () => {
    socket?.close();
    await t?.close();
  });

  it('REST bodies', async () => {
    const routes: [method: 'post' | 'patch' | 'put' | 'del', path: () => string][] = [
      ['post', () => '/conversations'],
      ['patch', () => `/conversations/${group}`],
      ['patch', () => `/conversations/${group}/me`],
      ['post', () => `/conversations/${group}/participants`],
      ['post', () => `/conversations/${group}/messages`],
      ['post', () => `/conversations/${group}/read`],
      ['post', () => `/conversations/${group}/invites`],
      ['patch', () => `/messages/${message}`],
      ['post', () => `/messages/${message}/forward`],
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), hostileBody, async ([method, path], body) => {
        const res = await R[method](path(), body);
        expect(res.status, `${method} ${path()} ${JSON.stringify(body)}`).toBeLessThan(500);
        expect(res.body.error).toBe(res.status >= 400);
      }),
      { numRuns: 150 },
    );
  });

  it('ids, emoji and query strings in URLs', async () => {
    await fc.assert(
      fc.asyncProperty(hostileString, async (s) => {
        const e = encodeURIComponent(s);
        for (const path of [
          `/conversations/${e}`,
          `/conversations/${e}/messages`,
          `/conversations/${group}/messages?before=${e}`,
          `/conversations/${group}/changes?after=${e}`,
          `/conversations/public?q=${e}&cursor=${e}`,
          `/conversations?cursor=${e}&archived=${e}`,
          `/conversations/sync?since=${e}`,
          `/invites/${e}`,
          `/messages/${e}/receipts`,
          `/search/messages?q=${e}&cursor=${e}`,
        ]) {
          const res = await R.get(path);
          expect(res.status, path).toBeLessThan(500);
        }
        expect((await R.put(`/messages/${message}/reactions/${e}`)).status).toBeLessThan(500);
        expect((await R.del(`/messages/${e}?for=${e}`)).status).toBeLessThan(500);
      }),
      { numRuns: 60 },
    );
  });

  it('socket payloads', async () => {
    const events = [
      'message:send',
      'message:edit',
      'message:delete',
      'message:react',
      'message:delivered',
      'conversation:read',
      'typing:start',
      'typing:stop',
      'presence:set',
      'presence:subscribe',
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...events), hostileBody, async (event, payload) => {
        const ack = await emitAck(socket, event, payload);
        expect(typeof ack.ok).toBe('boolean');
        if (!ack.ok) expect(ack.error.code).not.toBe('internal');
      }),
      { numRuns: 200 },
    );
    expect(socket.connected).toBe(true);
  });
});
