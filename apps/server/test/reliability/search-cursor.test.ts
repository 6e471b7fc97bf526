/**
 * Message search ranks only the newest SEARCH_CANDIDATES visible matches, so a frequent word costs
 * the same whatever the history's size. The SQLite cursor carried that window's floor in plain
 * base64 JSON: a client could send [0, 0] and have every match ranked (issue 22 hardening). Cursors
 * are now signed by the server and bound to the caller and the query.
 */
import { randomUUID } from 'node:crypto';
import type { SearchResult } from '@charla/shared-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEARCH_CANDIDATES } from '../../src/storage/ports.ts';
import { restAs } from '../chat.ts';
import { type RegisteredUser, registerUser, startTestApp, type TestApp } from '../harness.ts';

const EXTRA = 30;
const unsigned = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

describe('search cursors cannot lift the candidate cap', () => {
  let t: TestApp;
  let ana: RegisteredUser;
  let ben: RegisteredUser;
  let groupId: string;

  beforeAll(async () => {
    t = await startTestApp();
    [ana, ben] = [await registerUser(t), await registerUser(t)];
    const group = await restAs(t.api, ana.accessToken).post<{ id: string }>('/conversations', {
      kind: 'group',
      title: 'Kiwis',
      memberIds: [ben.user.id],
    });
    groupId = group.body.data.id;
    // More matches than the cap, written straight to storage (REST would only be slower).
    for (let i = 0; i < SEARCH_CANDIDATES + EXTRA; i++)
      await t.storage.messages.send({
        conversationId: groupId,
        senderId: ana.user.id,
        clientMsgId: randomUUID(),
        kind: 'text',
        text: `kiwi number ${i}`,
        mentions: [],
        now: new Date(Date.now() + i),
      });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  const search = (token: string, query: string) => restAs(t.api, token).get<SearchResult>(`/search/messages?${query}`);

  it('paging with the cursors the server hands out stops at the cap', async () => {
    let seen = 0;
    let cursor: string | null = null;
    do {
      const cursorParam: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const page = await search(ana.accessToken, `q=kiwi&limit=50${cursorParam}`);
      expect(page.status).toBe(200);
      seen += page.body.data.items.length;
      cursor = page.body.data.nextCursor;
    } while (cursor);
    expect(seen).toBe(SEARCH_CANDIDATES);
  });

  it('a cursor with its window floor lowered to 0 is refused, signed or not (issue 22)', async () => {
    const first = await search(ana.accessToken, 'q=kiwi&limit=50');
    const next = first.body.data.nextCursor ?? '';
    const signature = next.slice(next.lastIndexOf('.'));
    // Before: [offset, 0] ranked every match, past the cap, on every page request.
    for (const forged of [unsigned([SEARCH_CANDIDATES, 0]), `${unsigned([SEARCH_CANDIDATES, 0])}${signature}`]) {
      const res = await search(ana.accessToken, `q=kiwi&limit=50&cursor=${encodeURIComponent(forged)}`);
      expect(res.status, forged).toBe(400);
      expect(res.body).toMatchObject({ error: true, code: 'bad_request' });
    }
  });

  it("a cursor only continues its own search: another query's or another user's is refused", async () => {
    const first = await search(ana.accessToken, 'q=kiwi&limit=10');
    const cursor = encodeURIComponent(first.body.data.nextCursor ?? '');
    expect((await search(ana.accessToken, `q=kiwi&limit=10&cursor=${cursor}`)).status).toBe(200);
    expect((await search(ana.accessToken, `q=number&limit=10&cursor=${cursor}`)).status).toBe(400);
    expect((await search(ben.accessToken, `q=kiwi&limit=10&cursor=${cursor}`)).status).toBe(400);
    expect((await search(ana.accessToken, `q=kiwi&limit=10&conversationId=${groupId}&cursor=${cursor}`)).status).toBe(
      400,
    );
  });
});
