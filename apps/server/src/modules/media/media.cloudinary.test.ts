import type { ConversationDetails, Message } from '@charla/shared-types';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authHeader, type RegisteredUser, registerUser, startTestApp, type TestApp } from '../../../test/harness.ts';
import { startStandIn } from '../../media/cloudinary-stand-in.ts';
import { makeJpegWithGps, makeOggOpus, makePng } from './media.fixtures.ts';
import { local, postJson, upload, uploadOk } from './media.test-helpers.ts';

/** The whole app with CLOUDINARY_URL set: bytes go to the (stand-in) Cloudinary API and back. */
describe('media end to end on the Cloudinary store (stand-in API)', () => {
  let standIn: Awaited<ReturnType<typeof startStandIn>>;
  let t: TestApp;
  let alice: RegisteredUser;
  let bob: RegisteredUser;

  beforeAll(async () => {
    standIn = await startStandIn();
    t = await startTestApp({ env: { CLOUDINARY_URL: standIn.url } });
    [alice, bob] = await Promise.all([registerUser(t), registerUser(t)]);
  });
  afterAll(async () => {
    await t.close();
    standIn.close();
  });

  it('uses the Cloudinary store when CLOUDINARY_URL is set', () => {
    expect(t.charla.media.store.kind).toBe('cloudinary');
  });

  it('an image message: EXIF-free image and thumbnail uploaded, served to members through our access check', async () => {
    const photo = await uploadOk(t.api, alice.accessToken, 'trip.jpg', await makeJpegWithGps(400, 300));
    expect([...standIn.assets.keys()].filter((k) => k.startsWith('image/'))).toHaveLength(2);
    const conv = await postJson<ConversationDetails>(`${t.api}/conversations`, alice.accessToken, {
      kind: 'direct',
      userId: bob.user.id,
    });
    const conversationId = conv.body.data?.id ?? '';
    const sent = await postJson<Message>(`${t.api}/conversations/${conversationId}/messages`, alice.accessToken, {
      clientMsgId: 'cld-1',
      attachments: [photo.id],
    });
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    const res = await fetch(local(photo.url, t.url).replace(/\?.*$/, ''), { headers: authHeader(bob.accessToken) });
    expect(res.status).toBe(200);
    const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
    expect([meta.format, meta.width, meta.exif]).toEqual(['jpeg', 400, undefined]);
    const part = await fetch(local(photo.url, t.url), { headers: { Range: 'bytes=0-1' } });
    expect(part.status).toBe(206);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(Buffer.from([0xff, 0xd8]));

    // Deleting the message deletes the remote assets.
    const before = standIn.assets.size;
    await fetch(`${t.api}/messages/${sent.body.data?.id}?for=everyone`, {
      method: 'DELETE',
      headers: authHeader(alice.accessToken),
    });
    expect(standIn.assets.size).toBe(before - 2);
  });

  it('a voice note goes up as a video-type asset', async () => {
    const voice = await uploadOk(t.api, alice.accessToken, 'note.ogg', makeOggOpus());
    expect(voice).toMatchObject({ kind: 'audio', mime: 'audio/ogg' });
    expect([...standIn.assets.keys()].some((k) => k.startsWith('video/charla/'))).toBe(true);
  });

  it('replacing an avatar deletes the old remote asset', async () => {
    const first = await upload(t.api, bob.accessToken, 'a.png', await makePng(50, 50), {
      path: '/users/me/avatar',
      method: 'PUT',
    });
    expect(first.status).toBe(200);
    const count = standIn.assets.size;
    const second = await upload(t.api, bob.accessToken, 'b.png', await makePng(60, 40), {
      path: '/users/me/avatar',
      method: 'PUT',
    });
    expect(second.status).toBe(200);
    expect(standIn.assets.size).toBe(count);
    const url = (second.body.data as unknown as { avatarUrl: string }).avatarUrl;
    const img = await fetch(local(url, t.url));
    expect((await sharp(Buffer.from(await img.arrayBuffer())).metadata()).width).toBe(512);
  });

  it('a Cloudinary failure is a 500 envelope, not a crash, and leaves nothing behind', async () => {
    standIn.failWith(500, JSON.stringify({ error: { message: 'General Error' } }));
    const r = await upload(t.api, alice.accessToken, 'x.pdf', Buffer.from('%PDF-1.4 will fail'));
    expect(r.status).toBe(500);
    expect(r.body).toMatchObject({ error: true, code: 'internal' });
  });
});
