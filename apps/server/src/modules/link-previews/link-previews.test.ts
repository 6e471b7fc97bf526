import type { ConversationSummary, Message, SharedItem } from '@charla/shared-types';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClientSocket, connectSocket, type Rest, record, restAs } from '../../../test/chat.ts';
import { type RegisteredUser, registerUser, startTestApp, type TestApp } from '../../../test/harness.ts';
import { startTestSite, type TestSite } from './link-preview.test-site.ts';
import type { Resolver } from './safe-fetch.ts';

type SharedPage = { items: SharedItem[]; nextCursor: string | null };

const zone: Record<string, string> = {
  'site.test': '127.0.0.1',
  'metadata.test': '169.254.169.254',
  'private.test': '10.0.0.5',
};
const resolver: Resolver = async (host) => {
  const address = zone[host];
  if (!address) throw new Error(`ENOTFOUND ${host}`);
  return [{ address, family: 4 }];
};

describe('link previews in messages', () => {
  let site: TestSite;
  let t: TestApp;
  let ana: RegisteredUser;
  let ben: RegisteredUser;
  let A: Rest;
  let B: Rest;
  let group: string;
  let benSocket: ClientSocket;
  let n = 0;
  const at = (path: string) => `http://site.test:${site.port}${path}`;
  const send = async (r: Rest, text: string, conversation = group) => {
    const res = await r.post<Message>(`/conversations/${conversation}/messages`, { clientMsgId: `lp-${++n}`, text });
    expect(res.status).toBe(201);
    await t.charla.linkPreviews.service.idle();
    return res.body.data;
  };
  const reload = async (id: string, conversation = group) => {
    const page = await B.get<{ items: Message[] }>(`/conversations/${conversation}/messages?limit=100`);
    return page.body.data.items.find((m) => m.id === id);
  };

  beforeAll(async () => {
    site = await startTestSite();
    t = await startTestApp({
      deps: { linkPreviews: { resolver, allow: [`127.0.0.1:${site.port}`] } },
    });
    [ana, ben] = await Promise.all([registerUser(t), registerUser(t)]);
    [A, B] = [ana, ben].map((u) => restAs(t.api, u.accessToken)) as [Rest, Rest];
    group = (
      await A.post<ConversationSummary>('/conversations', { kind: 'group', title: 'Links', memberIds: [ben.user.id] })
    ).body.data.id;
    benSocket = await connectSocket(t.url, ben.accessToken);
  });
  afterAll(async () => {
    benSocket?.disconnect();
    await t?.close();
    await site?.close();
  });

  it('attaches an Open Graph preview, tells members live, and serves the re-encoded image itself', async () => {
    const updates = record(benSocket, 'message:updated');
    const m = await send(A, `look at ${at('/og')} please`);
    expect(m.linkPreview ?? null).toBeNull();
    const shown = await reload(m.id);
    expect(shown?.linkPreview).toMatchObject({
      url: at('/og'),
      title: 'Charla & friends',
      description: 'A page with Open Graph tags',
      siteName: 'Test Site',
      image: { width: 600, height: 300 },
    });
    await expect
      .poll(() => updates.find((u) => u.message.id === m.id)?.message.linkPreview?.title)
      .toBe('Charla & friends');
    const imageId = shown?.linkPreview?.image?.id ?? '';
    const img = await fetch(`${t.api}/link-previews/images/${imageId}`);
    expect(img.status).toBe(200);
    expect(img.headers.get('content-type')).toBe('image/webp');
    expect(img.headers.get('x-content-type-options')).toBe('nosniff');
    const meta = await sharp(Buffer.from(await img.arrayBuffer())).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 600, 300]);
    expect((await fetch(`${t.api}/link-previews/images/nope`)).status).toBe(404);
  });

  it('reads Twitter Cards, oEmbed and the plain title, and fetches a URL once (cache)', async () => {
    const tw = await send(A, at('/twitter'));
    expect((await reload(tw.id))?.linkPreview).toMatchObject({
      title: 'A Twitter card',
      description: 'Described for Twitter',
      siteName: '@charla',
      image: { width: 600 },
    });
    const oe = await send(A, `oembed: ${at('/oembed-page')}`);
    expect((await reload(oe.id))?.linkPreview).toMatchObject({
      title: 'An oEmbed photo',
      siteName: 'Embed Provider',
      image: { width: 600 },
    });
    const plain = await send(A, at('/plain'));
    expect((await reload(plain.id))?.linkPreview).toMatchObject({
      title: 'Only a title',
      description: 'And a description',
      siteName: null,
      image: null,
    });
    const hits = site.hits.get('/og');
    const again = await send(B, `again ${at('/og')}`);
    expect((await reload(again.id))?.linkPreview?.title).toBe('Charla & friends');
    expect(site.hits.get('/og')).toBe(hits);
  });

  it('leaves the message as it is when there is nothing to preview or the target is refused', async () => {
    for (const target of [
      at('/pdf'),
      at('/huge'),
      at('/no-meta'),
      at('/not-found'),
      'http://metadata.test/latest/meta-data/',
      'http://private.test/',
      `${at('/to')}?u=${encodeURIComponent('http://169.254.169.254/')}`,
      'http://127.0.0.1/',
    ]) {
      const before = (await t.storage.conversations.findById(group))?.changeSeq;
      const m = await send(A, `try ${target}`);
      expect((await reload(m.id))?.linkPreview ?? null, target).toBeNull();
      // Only the message's own change: no preview step followed it.
      expect((await t.storage.conversations.findById(group))?.changeSeq, target).toBe((before ?? 0) + 1);
    }
    // A bad image leaves the preview without a picture.
    const bad = await send(A, at('/og-bad-image'));
    expect((await reload(bad.id))?.linkPreview).toMatchObject({ title: 'Bad image', image: null });
    const privateImage = await send(A, at('/og-private-image'));
    expect((await reload(privateImage.id))?.linkPreview).toMatchObject({ image: null });
  });

  it('lets only the sender remove a preview; an edit keeping the link does not bring it back', async () => {
    const m = await send(A, `read ${at('/og')}`);
    expect((await B.del(`/messages/${m.id}/link-preview`)).status).toBe(403);
    expect((await A.del('/messages/unknown/link-preview')).status).toBe(404);
    const removed = await A.del<Message>(`/messages/${m.id}/link-preview`);
    expect(removed.status).toBe(200);
    expect(removed.body.data.linkPreview).toBeNull();
    expect((await reload(m.id))?.linkPreview).toBeNull();
    expect((await A.del(`/messages/${m.id}/link-preview`)).status).toBe(404);
    await A.patch(`/messages/${m.id}`, { text: `read ${at('/og')} (edited)` });
    await t.charla.linkPreviews.service.idle();
    expect((await reload(m.id))?.linkPreview).toBeNull();
    // Another link: a new preview.
    await A.patch(`/messages/${m.id}`, { text: `no, ${at('/twitter')}` });
    await t.charla.linkPreviews.service.idle();
    expect((await reload(m.id))?.linkPreview?.title).toBe('A Twitter card');
    // No link any more: the preview goes.
    await A.patch(`/messages/${m.id}`, { text: 'no link' });
    await t.charla.linkPreviews.service.idle();
    expect((await reload(m.id))?.linkPreview).toBeNull();
  });

  it('never reads an encrypted conversation’s text: no preview, no shared links', async () => {
    const secret = (
      await A.post<ConversationSummary>('/conversations', { kind: 'group', title: 'Secret', memberIds: [ben.user.id] })
    ).body.data.id;
    // A message written while the conversation read as plain, with no link, so nothing is fetched yet.
    const m = await send(A, 'nothing to preview here', secret);
    const stored = await t.storage.messages.findById(m.id);
    if (!stored) throw new Error('message not stored');
    // From now on storage answers that the conversation is end-to-end encrypted.
    const conversations = t.storage.conversations;
    const findById = conversations.findById.bind(conversations);
    conversations.findById = async (id) => {
      const c = await findById(id);
      return c && id === secret ? { ...c, encrypted: true } : c;
    };
    try {
      const hits = site.hits.get('/plain') ?? 0;
      // The server refuses plaintext for an encrypted conversation outright (content policy: 409).
      const refused = await A.post(`/conversations/${secret}/messages`, {
        clientMsgId: `lp-${++n}`,
        text: `${at('/plain')}?secret=1`,
      });
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({ code: 'encrypted_conversation' });
      // And the preview job itself asks the content policy before reading any text it is handed.
      t.charla.linkPreviews.service.onWritten({
        message: { ...stored, text: `${at('/plain')}?secret=2` },
        how: 'edited',
      });
      await t.charla.linkPreviews.service.idle();
      expect(site.hits.get('/plain') ?? 0).toBe(hits);
      expect((await t.storage.messages.findById(m.id))?.linkPreview ?? null).toBeNull();
      // The shared links of an encrypted conversation are the devices' to list, not the server's.
      const links = await B.get<SharedPage>(`/conversations/${secret}/shared?kind=link`);
      expect(links.status).toBe(409);
      // The same link in a plain conversation is fetched and listed.
      await send(A, `${at('/plain')}?secret=1`);
      expect(site.hits.get('/plain') ?? 0).toBeGreaterThan(hits);
      const plain = await B.get<SharedPage>(`/conversations/${group}/shared?kind=link`);
      expect(plain.body.data.items.length).toBeGreaterThan(0);
    } finally {
      conversations.findById = findById;
    }
  });
});

describe('link previews without the test allow-list', () => {
  it('never fetches loopback, even the test site', async () => {
    const site = await startTestSite();
    const t = await startTestApp({ deps: { linkPreviews: { resolver } } });
    try {
      const ana = await registerUser(t);
      const A = restAs(t.api, ana.accessToken);
      const g = (await A.post<ConversationSummary>('/conversations', { kind: 'group', title: 'x', memberIds: [] })).body
        .data.id;
      await A.post(`/conversations/${g}/messages`, { clientMsgId: 'a', text: `${site.origin}/og` });
      await A.post(`/conversations/${g}/messages`, { clientMsgId: 'b', text: `http://site.test:${site.port}/og` });
      await t.charla.linkPreviews.service.idle();
      expect(site.hits.size).toBe(0);
      const { refused } = t.charla.linkPreviews.service.stats;
      expect((refused.address ?? 0) + (refused.port ?? 0)).toBe(2);
    } finally {
      await t.close();
      await site.close();
    }
  });

  it('counts fetches per user: past the limit the message simply has no preview', async () => {
    const site = await startTestSite();
    const t = await startTestApp({
      deps: { linkPreviews: { resolver, allow: [`127.0.0.1:${site.port}`], limits: { perUserPerMinute: 3 } } },
    });
    try {
      const ana = await registerUser(t);
      const A = restAs(t.api, ana.accessToken);
      const g = (await A.post<ConversationSummary>('/conversations', { kind: 'group', title: 'x', memberIds: [] })).body
        .data.id;
      for (let i = 0; i < 5; i++) {
        await A.post(`/conversations/${g}/messages`, { clientMsgId: `r${i}`, text: `${site.origin}/plain?n=${i}` });
        await t.charla.linkPreviews.service.idle();
      }
      expect(site.hits.get('/plain')).toBe(3);
      expect(t.charla.linkPreviews.service.stats.rateLimited).toBe(2);
    } finally {
      await t.close();
      await site.close();
    }
  });
});
