import fs from 'node:fs';
import path from 'node:path';
import type { ConversationDetails, Me, Message } from '@charla/shared-types';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authHeader, type RegisteredUser, registerUser, startTestApp, type TestApp } from '../../../test/harness.ts';
import { makeJpegWithGps, makePdf, makePng, makeWebm } from './media.fixtures.ts';
import { type Envelope, local, postJson, upload, uploadOk } from './media.test-helpers.ts';

describe('media serving, access control, attachments, avatars, sweeper', () => {
  let t: TestApp;
  let alice: RegisteredUser;
  let bob: RegisteredUser;
  let carol: RegisteredUser;
  let group: ConversationDetails;

  const get = (url: string, headers: Record<string, string> = {}) => fetch(local(url, t.url), { headers });
  const bare = (url: string) => url.replace(/\?.*$/, '');
  const meta = (id: string, token: string, via?: string) =>
    fetch(`${t.api}/media/${id}/meta${via ? `?via=${via}` : ''}`, { headers: authHeader(token) });
  const send = (token: string, conversationId: string, body: Record<string, unknown>) =>
    postJson<Message>(`${t.api}/conversations/${conversationId}/messages`, token, body);
  const blobExists = (key: string) => fs.existsSync(path.join(t.dataDir, 'media', 'blobs', key.slice(0, 2), key));

  beforeAll(async () => {
    t = await startTestApp();
    [alice, bob, carol] = await Promise.all([registerUser(t), registerUser(t), registerUser(t)]);
    const created = await postJson<ConversationDetails>(`${t.api}/conversations`, alice.accessToken, {
      kind: 'group',
      title: 'Media group',
      memberIds: [bob.user.id],
    });
    expect(created.status).toBe(201);
    group = created.body.data as ConversationDetails;
  });
  afterAll(() => t.close());

  describe('range requests', () => {
    it('serves 206 partial content for seeking, suffix ranges, and 416 for bad ranges', async () => {
      const webm = makeWebm();
      const m = await uploadOk(t.api, alice.accessToken, 'clip.webm', webm);
      const whole = await get(m.url);
      expect(whole.status).toBe(200);
      expect(whole.headers.get('accept-ranges')).toBe('bytes');
      expect(whole.headers.get('content-disposition')).toMatch(/^inline;/);
      expect(whole.headers.get('content-type')).toBe('video/webm');
      expect(Buffer.from(await whole.arrayBuffer())).toEqual(webm);

      const part = await get(m.url, { Range: 'bytes=0-99' });
      expect(part.status).toBe(206);
      expect(part.headers.get('content-range')).toBe(`bytes 0-99/${webm.length}`);
      expect(Buffer.from(await part.arrayBuffer())).toEqual(webm.subarray(0, 100));

      const open = await get(m.url, { Range: `bytes=${webm.length - 5}-` });
      expect(open.status).toBe(206);
      expect(Buffer.from(await open.arrayBuffer())).toEqual(webm.subarray(-5));
      const suffix = await get(m.url, { Range: 'bytes=-10' });
      expect(Buffer.from(await suffix.arrayBuffer())).toEqual(webm.subarray(-10));
      const clamped = await get(m.url, { Range: `bytes=10-${webm.length + 1000}` });
      expect(clamped.headers.get('content-range')).toBe(`bytes 10-${webm.length - 1}/${webm.length}`);

      for (const bad of [`bytes=${webm.length}-`, 'bytes=50-10', 'bytes=-0']) {
        const r = await get(m.url, { Range: bad });
        expect(r.status, bad).toBe(416);
        expect(r.headers.get('content-range')).toBe(`bytes */${webm.length}`);
        await r.arrayBuffer();
      }
      // Unparseable or multi-range: the whole file.
      const multi = await get(m.url, { Range: 'bytes=0-1,5-6' });
      expect(multi.status).toBe(200);
      await multi.arrayBuffer();
    });
  });

  describe('tokens and headers', () => {
    it('accepts a Bearer token or a signed ?t= token, and refuses tampered, foreign and expired ones', async () => {
      const a = await uploadOk(t.api, alice.accessToken, 'a.pdf', makePdf());
      const b = await uploadOk(t.api, alice.accessToken, 'b.png', await makePng(8, 8));
      expect((await get(bare(a.url), authHeader(alice.accessToken))).status).toBe(200);
      expect((await get(bare(a.url))).status).toBe(401);
      const token = new URL(a.url).searchParams.get('t') ?? '';
      const tampered = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
      expect((await get(`${bare(a.url)}?t=${tampered}`)).status).toBe(404);
      // A token is bound to its media id and variant.
      expect((await get(`${bare(b.url)}?t=${token}`)).status).toBe(404);
      expect((await get(`${bare(b.thumbnailUrl ?? '')}?t=${new URL(b.url).searchParams.get('t')}`)).status).toBe(404);
      t.clock.advance(3 * 60 * 60 * 1000);
      try {
        expect((await get(a.url)).status).toBe(404);
      } finally {
        t.clock.reset();
      }
      const fresh = (await (await meta(a.id, alice.accessToken)).json()) as Envelope<{ url: string }>;
      expect((await get(fresh.data?.url ?? '')).status).toBe(200);
    });

    it('answers unknown ids exactly like forbidden ones (404)', async () => {
      const r = await get(`${t.api}/media/does-not-exist`, authHeader(alice.accessToken));
      expect(r.status).toBe(404);
      expect(((await r.json()) as Envelope<never>).code).toBe('not_found');
    });
  });

  describe('attachments', () => {
    it('members see message media; a non-member gets 404 by id, meta or token-less bytes', async () => {
      const photo = await uploadOk(t.api, alice.accessToken, 'p.jpg', await makeJpegWithGps(40, 30));
      // Before attaching, only the uploader can see it.
      expect((await meta(photo.id, bob.accessToken)).status).toBe(404);
      const sent = await send(alice.accessToken, group.id, {
        clientMsgId: 'with-photo',
        text: 'look',
        attachments: [photo.id],
      });
      expect(sent.status).toBe(201);
      expect(sent.body.data).toMatchObject({ kind: 'media', attachments: [photo.id] });

      const bobMeta = await meta(photo.id, bob.accessToken);
      expect(bobMeta.status).toBe(200);
      const dto = ((await bobMeta.json()) as Envelope<{ url: string }>).data;
      expect((await get(dto?.url ?? '')).status).toBe(200);
      expect((await get(bare(photo.url), authHeader(bob.accessToken))).status).toBe(200);

      expect((await meta(photo.id, carol.accessToken)).status).toBe(404);
      expect((await get(bare(photo.url), authHeader(carol.accessToken))).status).toBe(404);
      expect((await get(bare(photo.thumbnailUrl ?? ''), authHeader(carol.accessToken))).status).toBe(404);
    });

    it('a forwarded copy: members of the target see the file through ?via=<their message>', async () => {
      const photo = await uploadOk(t.api, alice.accessToken, 'fwd.png', await makePng(16, 16));
      const original = await send(alice.accessToken, group.id, { clientMsgId: 'fwd-src', attachments: [photo.id] });
      const direct = await postJson<ConversationDetails>(`${t.api}/conversations`, alice.accessToken, {
        kind: 'direct',
        userId: carol.user.id,
      });
      const fwd = await postJson<Message[]>(`${t.api}/messages/${original.body.data?.id}/forward`, alice.accessToken, {
        conversationIds: [direct.body.data?.id],
        clientMsgId: 'fwd-1',
      });
      expect(fwd.status).toBeLessThan(300);
      const copy = fwd.body.data?.[0];
      expect(copy?.attachments).toEqual([photo.id]);
      expect((await meta(photo.id, carol.accessToken)).status).toBe(404);
      const viaCopy = await meta(photo.id, carol.accessToken, copy?.id);
      expect(viaCopy.status).toBe(200);
      const url = ((await viaCopy.json()) as Envelope<{ url: string }>).data?.url ?? '';
      expect((await get(url)).status).toBe(200);
      // `via` must really carry the file: another message of hers proves nothing.
      const other = await send(carol.accessToken, direct.body.data?.id ?? '', { clientMsgId: 'plain', text: 'hi' });
      expect((await meta(photo.id, carol.accessToken, other.body.data?.id)).status).toBe(404);
      expect((await meta(photo.id, bob.accessToken, copy?.id)).status).toBe(404);
    });

    it('only the uploader may attach, once; an idempotent retry is fine', async () => {
      const file = await uploadOk(t.api, alice.accessToken, 'doc.pdf', makePdf());
      const stolen = await send(bob.accessToken, group.id, { clientMsgId: 'steal', attachments: [file.id] });
      expect(stolen.status).toBe(400);
      expect(stolen.body.code).toBe('validation_failed');
      const unknown = await send(alice.accessToken, group.id, { clientMsgId: 'ghost', attachments: ['nope'] });
      expect(unknown.status).toBe(400);

      const first = await send(alice.accessToken, group.id, { clientMsgId: 'doc-1', attachments: [file.id] });
      expect(first.status).toBe(201);
      const retry = await send(alice.accessToken, group.id, { clientMsgId: 'doc-1', attachments: [file.id] });
      expect(retry.status).toBe(200);
      expect(retry.body.data?.id).toBe(first.body.data?.id);
      const reuse = await send(alice.accessToken, group.id, { clientMsgId: 'doc-2', attachments: [file.id] });
      expect(reuse.status).toBe(400);
      const twice = await uploadOk(t.api, alice.accessToken, 'x.pdf', makePdf());
      expect(
        (await send(alice.accessToken, group.id, { clientMsgId: 'dup', attachments: [twice.id, twice.id] })).status,
      ).toBe(400);
    });

    it('deleting the message for everyone removes its files', async () => {
      const png = await makePng(20, 21);
      const m = await uploadOk(t.api, alice.accessToken, 'gone.png', png);
      const sent = await send(alice.accessToken, group.id, { clientMsgId: 'to-delete', attachments: [m.id] });
      const row = await t.storage.media.findById(m.id);
      expect(row && blobExists(row.storageKey)).toBe(true);
      const del = await fetch(`${t.api}/messages/${sent.body.data?.id}?for=everyone`, {
        method: 'DELETE',
        headers: authHeader(alice.accessToken),
      });
      expect(del.status).toBe(200);
      expect(await t.storage.media.findById(m.id)).toBeNull();
      expect(row && blobExists(row.storageKey)).toBe(false);
      expect((await get(m.url)).status).toBe(404);
    });
  });

  describe('avatars', () => {
    it('crops my avatar to a 512 px square, readable by any signed-in user; replacing deletes the old one', async () => {
      const { body, status } = await upload(t.api, alice.accessToken, 'me.jpg', await makeJpegWithGps(900, 500), {
        path: '/users/me/avatar',
        method: 'PUT',
      });
      expect(status).toBe(200);
      const avatarUrl = (body.data as unknown as { avatarUrl: string }).avatarUrl;
      const img = await get(avatarUrl);
      const bytes = Buffer.from(await img.arrayBuffer());
      const info = await sharp(bytes).metadata();
      expect([info.format, info.width, info.height, info.exif]).toEqual(['webp', 512, 512, undefined]);
      expect((await get(bare(avatarUrl), authHeader(carol.accessToken))).status).toBe(200);
      const me = (await (
        await fetch(`${t.api}/users/me`, { headers: authHeader(alice.accessToken) })
      ).json()) as Envelope<Me>;
      expect(me.data?.avatarUrl).toBe(avatarUrl);

      const old = await t.storage.media.findAvatarOf({ type: 'user', id: alice.user.id });
      const second = await upload(t.api, alice.accessToken, 'me2.png', await makePng(100, 300), {
        path: '/users/me/avatar',
        method: 'PUT',
      });
      expect(second.status).toBe(200);
      expect((await get(avatarUrl)).status).toBe(404);
      expect(old && (await t.storage.media.findById(old.id))).toBeNull();
      expect(old && blobExists(old.storageKey)).toBe(false);

      const notImage = await upload(t.api, alice.accessToken, 'cv.pdf', makePdf(), {
        path: '/users/me/avatar',
        method: 'PUT',
      });
      expect(notImage.status).toBe(415);
      const removed = await fetch(`${t.api}/users/me/avatar`, {
        method: 'DELETE',
        headers: authHeader(alice.accessToken),
      });
      expect(removed.status).toBe(200);
      const after = (await (
        await fetch(`${t.api}/users/me`, { headers: authHeader(alice.accessToken) })
      ).json()) as Envelope<Me>;
      expect(after.data?.avatarUrl).toBeNull();
    });

    it('group avatars: admins only (403 for members, 404 for outsiders)', async () => {
      const png = await makePng(64, 64);
      const path = `/conversations/${group.id}/avatar`;
      expect((await upload(t.api, bob.accessToken, 'g.png', png, { path, method: 'PUT' })).status).toBe(403);
      expect((await upload(t.api, carol.accessToken, 'g.png', png, { path, method: 'PUT' })).status).toBe(404);
      const ok = await upload(t.api, alice.accessToken, 'g.png', png, { path, method: 'PUT' });
      expect(ok.status).toBe(200);
      const conv = await t.storage.conversations.findById(group.id);
      expect(conv?.avatarUrl).toBe((ok.body.data as unknown as { avatarUrl: string }).avatarUrl);
      // Announced like any group change: a system message in the history.
      const history = await fetch(`${t.api}/conversations/${group.id}/messages`, {
        headers: authHeader(bob.accessToken),
      });
      const items = ((await history.json()) as Envelope<{ items: Message[] }>).data?.items ?? [];
      expect(items.some((m) => m.system?.type === 'avatar_changed')).toBe(true);
    });
  });

  describe('sweeper', () => {
    it('removes uploads never attached after 24 h, keeps attached and recent ones', async () => {
      const stale = await uploadOk(t.api, bob.accessToken, 'stale.pdf', Buffer.from('%PDF-1.4 stale one'));
      const kept = await uploadOk(t.api, bob.accessToken, 'kept.pdf', Buffer.from('%PDF-1.4 kept one'));
      await send(bob.accessToken, group.id, { clientMsgId: 'keep', attachments: [kept.id] });
      const staleRow = await t.storage.media.findById(stale.id);
      expect(await t.charla.media.sweepOnce()).toBe(0);
      t.clock.advance(25 * 60 * 60 * 1000);
      try {
        // Access tokens expired with the jump: a new account uploads the recent file.
        const dave = await registerUser(t);
        const fresh = await uploadOk(t.api, dave.accessToken, 'fresh.pdf', Buffer.from('%PDF-1.4 fresh one'));
        expect(await t.charla.media.sweepOnce()).toBeGreaterThanOrEqual(1);
        expect(await t.storage.media.findById(stale.id)).toBeNull();
        expect(staleRow && blobExists(staleRow.storageKey)).toBe(false);
        expect(await t.storage.media.findById(kept.id)).not.toBeNull();
        expect(await t.storage.media.findById(fresh.id)).not.toBeNull();
      } finally {
        t.clock.reset();
      }
    });
  });
});
