import type {
  ConversationSummary,
  HistoryPage,
  Message,
  MessageReceipts,
  ReactionSummary,
  Receipt,
  SearchResult,
} from '@charla/shared-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Rest, restAs } from '../../../test/chat.ts';
import { type RegisteredUser, registerUser, startTestApp, type TestApp } from '../../../test/harness.ts';

describe('messages over REST', () => {
  let t: TestApp;
  let ana: RegisteredUser;
  let ben: RegisteredUser;
  let cy: RegisteredUser;
  let A: Rest;
  let B: Rest;
  let C: Rest;
  let group: string;
  let n = 0;
  const cid = () => `m-${++n}`;
  const send = (r: Rest, id: string, text: string, extra: Record<string, unknown> = {}) =>
    r.post<Message>(`/conversations/${id}/messages`, { clientMsgId: cid(), text, ...extra });

  beforeAll(async () => {
    t = await startTestApp();
    [ana, ben, cy] = await Promise.all([registerUser(t), registerUser(t), registerUser(t)]);
    [A, B, C] = [ana, ben, cy].map((u) => restAs(t.api, u.accessToken)) as [Rest, Rest, Rest];
    group = (
      await A.post<ConversationSummary>('/conversations', {
        kind: 'group',
        title: 'Msgs',
        memberIds: [ben.user.id, cy.user.id],
      })
    ).body.data.id;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('sends with a server-assigned seq and is idempotent on clientMsgId', async () => {
    const first = await A.post<Message>(`/conversations/${group}/messages`, { clientMsgId: 'same-1', text: 'hello' });
    expect(first.status).toBe(201);
    expect(first.body.data).toMatchObject({
      text: 'hello',
      kind: 'text',
      senderId: ana.user.id,
      clientMsgId: 'same-1',
    });
    const retry = await A.post<Message>(`/conversations/${group}/messages`, { clientMsgId: 'same-1', text: 'hello' });
    expect(retry.status).toBe(200);
    expect(retry.body.data.id).toBe(first.body.data.id);
    // Another sender may use the same clientMsgId: it is a different message.
    const other = await B.post<Message>(`/conversations/${group}/messages`, { clientMsgId: 'same-1', text: 'hi' });
    expect(other.status).toBe(201);
    expect(other.body.data.seq).toBe(first.body.data.seq + 1);
  });

  it('refuses bad messages with 400: empty, too long, control characters, unknown reply', async () => {
    for (const body of [
      { clientMsgId: 'b1', text: '' },
      { clientMsgId: 'b2', text: 'x'.repeat(4097) },
      { clientMsgId: 'b3', text: 'a\u0002b' },
      { clientMsgId: '', text: 'x' },
      { text: 'no id' },
      { clientMsgId: 'b4', text: 'x', seq: 99 },
    ])
      expect((await A.post(`/conversations/${group}/messages`, body)).status).toBe(400);
    expect((await send(A, group, 'reply', { replyToId: 'nope' })).status).toBe(400);
    expect((await A.get(`/conversations/${group}/messages?limit=101`)).status).toBe(400);
    expect((await A.get(`/conversations/${group}/messages?before=3&after=1`)).status).toBe(400);
    expect((await A.patch('/messages/whatever', { text: '' })).status).toBe(400);
    expect((await A.put('/messages/whatever/reactions/notemoji')).status).toBe(400);
  });

  it('edits own messages only, marks them edited', async () => {
    const m = (await send(A, group, 'tpyo')).body.data;
    expect((await B.patch(`/messages/${m.id}`, { text: 'hijack' })).status).toBe(403);
    const edited = await A.patch<Message>(`/messages/${m.id}`, { text: 'typo' });
    expect(edited.body.data.text).toBe('typo');
    expect(edited.body.data.editedAt).not.toBeNull();
  });

  it('deletes for everyone (sender or admin: tombstone) and for me (hidden only for me)', async () => {
    const m1 = (await send(B, group, 'secret 1')).body.data;
    expect((await C.del(`/messages/${m1.id}?for=everyone`)).status).toBe(403);
    const tomb = await B.del<Message>(`/messages/${m1.id}?for=everyone`);
    expect(tomb.body.data).toMatchObject({ text: '', attachments: [], mentions: [] });
    expect(tomb.body.data.deletedAt).not.toBeNull();
    // An admin (the owner) may delete someone else's message.
    const m2 = (await send(C, group, 'spam')).body.data;
    expect((await A.del(`/messages/${m2.id}`)).status).toBe(200);

    const m3 = (await send(B, group, 'only hide for cy')).body.data;
    expect((await C.del(`/messages/${m3.id}?for=me`)).status).toBe(200);
    const seenByC = (await C.get<HistoryPage>(`/conversations/${group}/messages`)).body.data.items.map((m) => m.id);
    const seenByA = (await A.get<HistoryPage>(`/conversations/${group}/messages`)).body.data.items;
    expect(seenByC).not.toContain(m3.id);
    expect(seenByA.map((m) => m.id)).toContain(m3.id);
    expect(seenByA.find((m) => m.id === m1.id)).toMatchObject({ text: '' });
    expect((await C.del(`/messages/${m3.id}?for=them`)).status).toBe(400);
  });

  it('replies with a frozen snapshot and forwards marked forwarded', async () => {
    const original = (await send(A, group, 'original text')).body.data;
    const reply = (await send(B, group, 'my reply', { replyToId: original.id })).body.data;
    expect(reply.replyTo).toEqual({
      id: original.id,
      snapshot: { senderId: ana.user.id, kind: 'text', text: 'original text' },
    });
    await A.patch(`/messages/${original.id}`, { text: 'changed later' });
    const again = (await B.get<HistoryPage>(`/conversations/${group}/messages?around=${reply.seq}&limit=3`)).body.data;
    expect(again.items.find((m) => m.id === reply.id)?.replyTo?.snapshot.text).toBe('original text');

    const direct = (await B.post<ConversationSummary>('/conversations', { kind: 'direct', userId: cy.user.id })).body
      .data;
    const fwd = await B.post<Message[]>(`/messages/${original.id}/forward`, {
      conversationIds: [direct.id],
      clientMsgId: 'fwd-1',
    });
    expect(fwd.status).toBe(201);
    expect(fwd.body.data[0]).toMatchObject({
      conversationId: direct.id,
      senderId: ben.user.id,
      text: 'changed later',
      forwardedFrom: { messageId: original.id, conversationId: group, senderId: ana.user.id },
    });
    // Forwarding into a conversation I am not in: 404.
    const privateOne = (await A.post<ConversationSummary>('/conversations', { kind: 'group', title: 'x' })).body.data;
    expect(
      (await B.post(`/messages/${original.id}/forward`, { conversationIds: [privateOne.id], clientMsgId: 'f2' }))
        .status,
    ).toBe(404);
  });

  it('toggles reactions, several emoji per user', async () => {
    const m = (await send(A, group, 'react to me')).body.data;
    await B.put(`/messages/${m.id}/reactions/${encodeURIComponent('👍')}`);
    await B.put(`/messages/${m.id}/reactions/${encodeURIComponent('👍')}`); // idempotent
    await B.put(`/messages/${m.id}/reactions/${encodeURIComponent('🎉')}`);
    const res = await C.put<ReactionSummary[]>(`/messages/${m.id}/reactions/${encodeURIComponent('👍')}`);
    expect(res.body.data).toEqual([
      { emoji: '👍', count: 2, userIds: expect.arrayContaining([ben.user.id, cy.user.id]) },
      { emoji: '🎉', count: 1, userIds: [ben.user.id] },
    ]);
    const removed = await B.del<ReactionSummary[]>(`/messages/${m.id}/reactions/${encodeURIComponent('🎉')}`);
    expect(removed.body.data).toEqual([{ emoji: '👍', count: 2, userIds: expect.any(Array) }]);
  });

  it('pages history by seq (before/after/around, limit <= 100)', async () => {
    const g = (await A.post<ConversationSummary>('/conversations', { kind: 'group', title: 'Pages' })).body.data;
    for (let i = 1; i <= 12; i++) await send(A, g.id, `p${i}`);
    const latest = (await A.get<HistoryPage>(`/conversations/${g.id}/messages?limit=5`)).body.data;
    expect(latest.items.map((m) => m.text)).toEqual(['p8', 'p9', 'p10', 'p11', 'p12']);
    expect(latest).toMatchObject({ hasMoreBefore: true, hasMoreAfter: false });
    const before = (await A.get<HistoryPage>(`/conversations/${g.id}/messages?before=${latest.items[0]?.seq}&limit=5`))
      .body.data;
    expect(before.items.map((m) => m.text)).toEqual(['p3', 'p4', 'p5', 'p6', 'p7']);
    const after = (await A.get<HistoryPage>(`/conversations/${g.id}/messages?after=2&limit=2`)).body.data;
    expect(after.items.map((m) => m.seq)).toEqual([3, 4]);
    expect(after.hasMoreAfter).toBe(true);
  });

  it('tracks receipts: read is monotonic, delivered on ack, who read in a group', async () => {
    const g = (
      await A.post<ConversationSummary>('/conversations', {
        kind: 'group',
        title: 'Receipts',
        memberIds: [ben.user.id, cy.user.id],
      })
    ).body.data;
    const m = (await send(A, g.id, 'did you read this')).body.data;
    let r = (await A.get<MessageReceipts>(`/messages/${m.id}/receipts`)).body.data;
    expect(r).toMatchObject({ status: 'sent', readBy: [], deliveredTo: [] });
    expect(r.pending.sort()).toEqual([ben.user.id, cy.user.id].sort());

    await B.post(`/conversations/${g.id}/delivered`, { seq: m.seq });
    await C.post(`/conversations/${g.id}/delivered`, { seq: m.seq });
    r = (await A.get<MessageReceipts>(`/messages/${m.id}/receipts`)).body.data;
    expect(r.status).toBe('delivered');

    const read = await B.post<Receipt>(`/conversations/${g.id}/read`, { seq: m.seq });
    expect(read.body.data).toMatchObject({ lastReadSeq: m.seq, lastDeliveredSeq: m.seq });
    const lower = await B.post<Receipt>(`/conversations/${g.id}/read`, { seq: 1 });
    expect(lower.body.data.lastReadSeq).toBe(m.seq);
    r = (await A.get<MessageReceipts>(`/messages/${m.id}/receipts`)).body.data;
    expect(r).toMatchObject({ status: 'delivered', readBy: [ben.user.id] });
    await C.post(`/conversations/${g.id}/read`, { seq: m.seq });
    expect((await A.get<MessageReceipts>(`/messages/${m.id}/receipts`)).body.data.status).toBe('read');
    expect((await B.post(`/conversations/${g.id}/read`, { seq: -1 })).status).toBe(400);
  });

  it('message info lists only the recipients, with when each got and read it, and when it was sent', async () => {
    const g = (
      await A.post<ConversationSummary>('/conversations', { kind: 'group', title: 'Info', memberIds: [ben.user.id] })
    ).body.data;
    const m = (await send(A, g.id, 'before cy joined')).body.data;
    await B.post(`/conversations/${g.id}/delivered`, { seq: m.seq });
    const benGot = Date.now();
    // Cy joins after the message: she never received it, and her "read up to the join" is not a read.
    await A.post(`/conversations/${g.id}/participants`, { userIds: [cy.user.id] });
    await send(A, g.id, 'after cy joined');
    await C.post(`/conversations/${g.id}/read`, { seq: m.seq + 2 });
    let r = (await A.get<MessageReceipts>(`/messages/${m.id}/receipts`)).body.data;
    expect(r.sentAt).toBe(m.createdAt);
    expect(r.members.map((x) => x.userId)).toEqual([ben.user.id]);
    expect(r).toMatchObject({ status: 'delivered', readBy: [], deliveredTo: [ben.user.id], pending: [] });
    const delivered = Date.parse(r.members[0]?.deliveredAt ?? '');
    expect(Math.abs(delivered - benGot)).toBeLessThan(5000);
    expect(r.members[0]?.readAt).toBeNull();

    await B.post(`/conversations/${g.id}/read`, { seq: m.seq });
    r = (await A.get<MessageReceipts>(`/messages/${m.id}/receipts`)).body.data;
    expect(r.status).toBe('read');
    expect(r.members[0]?.deliveredAt).toBe(new Date(delivered).toISOString());
    expect(Date.parse(r.members[0]?.readAt ?? '')).toBeGreaterThanOrEqual(delivered);
  });

  it('searches only what the caller may see, with highlighted snippets', async () => {
    const g = (await A.post<ConversationSummary>('/conversations', { kind: 'group', title: 'Search' })).body.data;
    await send(A, g.id, 'the platypus is a curious mammal');
    await send(A, group, 'a platypus appears in the shared group');
    const mine = (await A.get<SearchResult>('/search/messages?q=platypus')).body.data;
    expect(mine.items).toHaveLength(2);
    const hit = mine.items[0];
    if (!hit) throw new Error('no hit');
    expect(hit.highlights.length).toBeGreaterThan(0);
    const h = hit.highlights[0];
    expect(h && hit.snippet.slice(h.start, h.end).toLowerCase()).toBe('platypus');
    const page1 = (await A.get<SearchResult>('/search/messages?q=platypus&limit=1')).body.data;
    expect(page1.items).toHaveLength(1);
    expect(page1.nextCursor).not.toBeNull();
    const page2 = (
      await A.get<SearchResult>(
        `/search/messages?q=platypus&limit=1&cursor=${encodeURIComponent(page1.nextCursor ?? '')}`,
      )
    ).body.data;
    expect(page2.items.map((i) => i.message.id)).not.toContain(page1.items[0]?.message.id);
    expect(page2.items).toHaveLength(1);
    const bens = (await B.get<SearchResult>('/search/messages?q=platypus')).body.data;
    expect(bens.items.map((i) => i.message.conversationId)).toEqual([group]);
    expect((await B.get(`/search/messages?q=platypus&conversationId=${g.id}`)).status).toBe(404);
    expect((await B.get('/search/messages?q=')).status).toBe(400);
  });

  it('turns @username in the text into a mention of that member (non-members ignored)', async () => {
    const outsider = await registerUser(t);
    const m = (await send(A, group, `hey @${ben.username}, @${outsider.username} and @nobody_here, see this`)).body
      .data;
    expect(m.mentions).toEqual([ben.user.id]);
    const edited = (await A.patch<Message>(`/messages/${m.id}`, { text: `sorry, I meant @${cy.username}` })).body.data;
    expect(edited.mentions.sort()).toEqual([ben.user.id, cy.user.id].sort());
    const plain = (await send(A, group, 'mail me at ana@example.com')).body.data;
    expect(plain.mentions).toEqual([]);
  });

  it('answers 404 on messages of conversations the caller is not in', async () => {
    const g = (await A.post<ConversationSummary>('/conversations', { kind: 'group', title: 'Closed' })).body.data;
    const m = (await send(A, g.id, 'private')).body.data;
    for (const res of [
      await B.patch(`/messages/${m.id}`, { text: 'x' }),
      await B.del(`/messages/${m.id}`),
      await B.put(`/messages/${m.id}/reactions/${encodeURIComponent('👍')}`),
      await B.get(`/messages/${m.id}/receipts`),
      await B.post(`/messages/${m.id}/forward`, { conversationIds: [group], clientMsgId: 'steal' }),
    ])
      expect(res.status).toBe(404);
  });
});
