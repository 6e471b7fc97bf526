import type { ConversationSummary, Message, SearchResult, SharedItem } from '@charla/shared-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Rest, restAs } from '../../../test/chat.ts';
import { type RegisteredUser, registerUser, startTestApp, type TestApp } from '../../../test/harness.ts';
import { assertPlaintextAllowed, createContentPolicy, serverMayReadContent } from './content-policy.ts';
import { sharedIndex } from './messages.shared.ts';

/*
 * The one "may the server read this conversation's content?" check, and the features that ask it:
 * the chat list's previews, the details panel's shared links, server search. Real app, real SQLite.
 */

type SharedPage = { items: SharedItem[]; nextCursor: string | null };

describe('content policy', () => {
  let t: TestApp;
  let ana: RegisteredUser;
  let ben: RegisteredUser;
  let cy: RegisteredUser;
  let A: Rest;
  let C: Rest;
  let secretId: string;
  let plainId: string;
  let n = 0;

  beforeAll(async () => {
    t = await startTestApp();
    [ana, ben, cy] = await Promise.all([registerUser(t), registerUser(t), registerUser(t)]);
    A = restAs(t.api, ana.accessToken);
    C = restAs(t.api, cy.accessToken);
    const secret = await A.post<ConversationSummary>('/conversations', {
      kind: 'direct',
      userId: ben.user.id,
      encrypted: true,
    });
    const plain = await A.post<ConversationSummary>('/conversations', {
      kind: 'group',
      title: 'Plain',
      memberIds: [ben.user.id],
    });
    secretId = secret.body.data.id;
    plainId = plain.body.data.id;
  });
  afterAll(async () => {
    await t?.close();
  });

  const send = (r: Rest, id: string, text: string) =>
    r.post<Message>(`/conversations/${id}/messages`, { clientMsgId: `cp${n++}`, text });

  it('answers per conversation; unknown conversations are not readable', async () => {
    expect(serverMayReadContent({ encrypted: false })).toBe(true);
    expect(serverMayReadContent({ encrypted: true })).toBe(false);
    expect(() => assertPlaintextAllowed({ encrypted: false })).not.toThrow();
    expect(() => assertPlaintextAllowed({ encrypted: true })).toThrow(
      expect.objectContaining({ status: 409, code: 'encrypted_conversation' }),
    );
    const policy = createContentPolicy(t.storage);
    expect(await policy.mayRead(plainId)).toBe(true);
    expect(await policy.mayRead(secretId)).toBe(false);
    expect(await policy.mayRead('no-such-conversation')).toBe(false);
    expect(await policy.readable([plainId, secretId, plainId, 'no-such-conversation'])).toEqual(new Set([plainId]));
  });

  it('the links tab refuses an encrypted chat (409) and still serves plain ones; non-members get 404', async () => {
    expect((await send(A, plainId, 'see https://example.org/plan')).status).toBe(201);
    const plain = await A.get<SharedPage>(`/conversations/${plainId}/shared?kind=link`);
    expect(plain.status).toBe(200);
    expect(plain.body.data.items.map((i) => i.url)).toEqual(['https://example.org/plan']);
    for (const kind of ['link', 'media', 'file']) {
      const res = await A.get(`/conversations/${secretId}/shared?kind=${kind}`);
      expect(res).toMatchObject({ status: 409, body: { code: 'encrypted_conversation' } });
    }
    // Membership is checked first: a stranger learns nothing, not even that the chat is encrypted.
    expect((await C.get(`/conversations/${secretId}/shared?kind=link`)).status).toBe(404);
  });

  it('the shared index never extracts links for a conversation the server may not read', async () => {
    const sent = await send(A, plainId, 'two https://example.com/a and https://example.com/b');
    const record = await t.storage.messages.findById(sent.body.data.id);
    if (!record) throw new Error('message not stored');
    const index = sharedIndex(t.storage);
    const links = async () =>
      (
        await t.storage.sharedItems.list(plainId, 'link', { viewerId: ana.user.id, floorSeq: 0, limit: 50 })
      ).items.filter((i) => i.messageId === record.id);
    expect(await links()).toHaveLength(2);
    await index.drop(record.id);
    await index.record(record, { encrypted: true });
    expect(await links()).toHaveLength(0);
    await index.relink(record, { encrypted: true });
    expect(await links()).toHaveLength(0);
    await index.record(record, { encrypted: false });
    expect((await links()).map((i) => i.url).sort()).toEqual(['https://example.com/a', 'https://example.com/b']);
  });

  it('the chat list previews only system lines of an encrypted chat; search finds nothing there', async () => {
    const list = await A.get<{ items: ConversationSummary[] }>('/conversations');
    const secret = list.body.data.items.find((c) => c.id === secretId);
    expect(secret?.encrypted).toBe(true);
    expect(secret?.lastMessage).toMatchObject({ kind: 'system' });
    const plain = list.body.data.items.find((c) => c.id === plainId);
    expect(plain?.lastMessage?.text).toContain('https://example.com/a');
    const search = await A.get<SearchResult>(`/search/messages?q=encrypted&conversationId=${secretId}`);
    expect(search.status).toBe(200);
    expect(search.body.data.items).toEqual([]);
  });

  it('a plain message is never forwarded into an encrypted chat (409), nor anywhere in the same request', async () => {
    const sent = await send(A, plainId, 'forward me');
    const both = await A.post(`/messages/${sent.body.data.id}/forward`, {
      conversationIds: [plainId, secretId],
      clientMsgId: `cp${n++}`,
    });
    expect(both).toMatchObject({ status: 409, body: { code: 'encrypted_conversation' } });
    const history = await A.get<{ items: Message[] }>(`/conversations/${plainId}/messages`);
    expect(history.body.data.items.filter((m) => m.text === 'forward me')).toHaveLength(1);
  });
});
