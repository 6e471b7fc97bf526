import type { ConversationSummary, Message, SharedItem } from '@charla/shared-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Rest, restAs } from '../../../test/chat.ts';
import { type RegisteredUser, registerUser, startTestApp, type TestApp } from '../../../test/harness.ts';
import { linksIn } from '../messaging/messages.shared.ts';
import { makePdf, makePng } from './media.fixtures.ts';
import { uploadOk } from './media.test-helpers.ts';

type SharedPage = { items: SharedItem[]; nextCursor: string | null };

describe('GET /conversations/:id/shared: media, files and links for members', () => {
  let t: TestApp;
  let ana: RegisteredUser;
  let ben: RegisteredUser;
  let cy: RegisteredUser;
  let A: Rest;
  let B: Rest;
  let C: Rest;
  beforeAll(async () => {
    t = await startTestApp();
    [ana, ben, cy] = await Promise.all([registerUser(t), registerUser(t), registerUser(t)]);
    [A, B, C] = [ana, ben, cy].map((u) => restAs(t.api, u.accessToken)) as [Rest, Rest, Rest];
  });
  afterAll(async () => {
    await t?.close();
  });
  let n = 0;
  const send = (r: Rest, id: string, body: { text?: string; attachments?: string[] }) =>
    r.post<Message>(`/conversations/${id}/messages`, { clientMsgId: `s${n++}`, text: '', ...body });
  const shared = (r: Rest, id: string, kind: string, extra = '') =>
    r.get<SharedPage>(`/conversations/${id}/shared?kind=${kind}${extra}`);

  it('lists photos, files and links newest first, pages them, and follows edits and deletes', async () => {
    const g = (
      await A.post<ConversationSummary>('/conversations', { kind: 'group', title: 'G', memberIds: [ben.user.id] })
    ).body.data;
    const photos = await Promise.all(
      [1, 2, 3].map(async () => uploadOk(t.api, ana.accessToken, 'p.png', await makePng())),
    );
    const pdf = await uploadOk(t.api, ana.accessToken, 'plan.pdf', makePdf());
    await send(A, g.id, { attachments: [photos[0]?.id ?? ''] });
    await send(A, g.id, { attachments: [photos[1]?.id ?? '', pdf.id], text: 'see https://example.com/a.' });
    const last = (await send(A, g.id, { attachments: [photos[2]?.id ?? ''] })).body.data;

    const media = (await shared(B, g.id, 'media')).body.data;
    expect(media.items.map((i) => i.media?.id)).toEqual([photos[2]?.id, photos[1]?.id, photos[0]?.id]);
    expect(media.items[0]?.media?.url).toMatch(/\?t=/);
    const p1 = (await shared(B, g.id, 'media', '&limit=2')).body.data;
    const p2 = (await shared(B, g.id, 'media', `&limit=2&cursor=${encodeURIComponent(p1.nextCursor ?? '')}`)).body.data;
    expect([...p1.items, ...p2.items].map((i) => i.media?.id)).toEqual(media.items.map((i) => i.media?.id));
    expect((await shared(B, g.id, 'file')).body.data.items.map((i) => i.media?.fileName)).toEqual(['plan.pdf']);
    const links = (await shared(B, g.id, 'link')).body.data.items;
    expect(links.map((i) => i.url)).toEqual(['https://example.com/a']);

    // An edit replaces the message's links; deleting for everyone drops its media.
    const textOnly = (await send(A, g.id, { text: 'old https://old.test/x' })).body.data;
    await A.patch(`/messages/${textOnly.id}`, { text: 'new https://new.test/y' });
    expect((await shared(B, g.id, 'link')).body.data.items.map((i) => i.url)).toEqual([
      'https://new.test/y',
      'https://example.com/a',
    ]);
    await A.del(`/messages/${last.id}?for=everyone`);
    expect((await shared(B, g.id, 'media')).body.data.items).toHaveLength(2);
    // Deleted for me: gone for me only.
    await B.del(`/messages/${textOnly.id}?for=me`);
    expect((await shared(B, g.id, 'link')).body.data.items).toHaveLength(1);
    expect((await shared(A, g.id, 'link')).body.data.items).toHaveLength(2);

    // A newcomer without earlier history sees nothing from before; a stranger gets 404; bad input 400.
    await A.post(`/conversations/${g.id}/participants`, { userIds: [cy.user.id] });
    expect((await shared(C, g.id, 'media')).body.data.items).toEqual([]);
    const stranger = await registerUser(t);
    expect((await shared(restAs(t.api, stranger.accessToken), g.id, 'media')).status).toBe(404);
    expect((await shared(B, g.id, 'videos')).status).toBe(400);
    expect((await shared(B, g.id, 'media', '&limit=1000')).status).toBe(400);
    expect((await shared(B, g.id, 'media', '&cursor=%00garbage')).status).toBe(200);
  });

  it('finds http(s) links as a reader would click them', () => {
    expect(linksIn('a https://x.test/p?q=1, and (http://y.test/a_b) *https://z.test/*')).toEqual([
      'https://x.test/p?q=1',
      'http://y.test/a_b',
      'https://z.test/',
    ]);
    expect(linksIn('no links, javascript:alert(1) or ftp://x')).toEqual([]);
  });
});
