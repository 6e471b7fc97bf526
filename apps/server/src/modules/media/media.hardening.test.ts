import type { ConversationDetails, Media, Message } from '@charla/shared-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Rest, restAs } from '../../../test/chat.ts';
import { authHeader, type RegisteredUser, registerUser, startTestApp, type TestApp } from '../../../test/harness.ts';
import { makePng } from './media.fixtures.ts';
import { local, upload, uploadOk } from './media.test-helpers.ts';

/**
 * Issue 22, hardening: a conversation picture is only ever this server's own upload for that
 * conversation, and a signed media URL stops working the moment its holder leaves or is removed.
 */
describe('media hardening: own avatars only; signed URLs follow membership', () => {
  let t: TestApp;
  let alice: RegisteredUser;
  let bob: RegisteredUser;
  let A: Rest;
  let B: Rest;
  let group: string;

  beforeAll(async () => {
    t = await startTestApp();
    [alice, bob] = await Promise.all([registerUser(t), registerUser(t)]);
    [A, B] = [alice, bob].map((u) => restAs(t.api, u.accessToken)) as [Rest, Rest];
    group = (
      await A.post<ConversationDetails>('/conversations', { kind: 'group', title: 'Pics', memberIds: [bob.user.id] })
    ).body.data.id;
  });
  afterAll(() => t?.close());

  const meta = async (token: string, id: string, via: string) =>
    (await restAs(t.api, token).get<Media>(`/media/${id}/meta?via=${via}`)).body.data;
  const fetchUrl = async (url: string) => {
    const res = await fetch(local(url, t.url));
    await res.arrayBuffer();
    return res.status;
  };

  it('a conversation avatar URL must be the picture uploaded for that conversation', async () => {
    for (const foreign of [
      'https://res.cloudinary.com/someone/image/upload/pixel.png',
      'http://charla.test.evil.example/api/v1/media/x',
      'javascript:alert(1)',
      'not a url',
    ]) {
      const res = await A.patch(`/conversations/${group}`, { avatarUrl: foreign });
      expect(res.status, foreign).toBe(400);
      expect(res.body.code).toBe('validation_failed');
    }
    // This server's media, but a message attachment rather than this conversation's picture.
    const photo = await uploadOk(t.api, alice.accessToken, 'p.png', await makePng(8, 8));
    expect((await A.patch(`/conversations/${group}`, { avatarUrl: photo.url })).status).toBe(400);
    // Another conversation's picture is not this one's either.
    const other = (await A.post<ConversationDetails>('/conversations', { kind: 'group', title: 'Other' })).body.data.id;
    const put = await upload(t.api, alice.accessToken, 'a.png', await makePng(64, 64), {
      path: `/conversations/${other}/avatar`,
      method: 'PUT',
    });
    expect(put.status).toBe(200);
    const otherAvatar = (put.body.data as unknown as { avatarUrl: string }).avatarUrl;
    expect((await A.patch(`/conversations/${group}`, { avatarUrl: otherAvatar })).status).toBe(400);
    // The upload route sets it, and null clears it.
    const own = await upload(t.api, alice.accessToken, 'b.png', await makePng(64, 64), {
      path: `/conversations/${group}/avatar`,
      method: 'PUT',
    });
    expect(own.status).toBe(200);
    const details = (await A.get<ConversationDetails>(`/conversations/${group}`)).body.data;
    expect(details.avatarUrl).toBe((own.body.data as unknown as { avatarUrl: string }).avatarUrl);
    expect((await A.patch(`/conversations/${group}`, { avatarUrl: null })).status).toBe(200);
    expect((await A.get<ConversationDetails>(`/conversations/${group}`)).body.data.avatarUrl).toBeNull();
  });

  it('a signed media URL stops working when its holder leaves or is removed, and works again once re-added', async () => {
    const photo = await uploadOk(t.api, alice.accessToken, 'shared.png', await makePng(16, 16));
    const sent = (
      await A.post<Message>(`/conversations/${group}/messages`, {
        clientMsgId: 'pic',
        text: '',
        attachments: [photo.id],
      })
    ).body.data;
    const mine = await meta(bob.accessToken, photo.id, sent.id);
    expect(await fetchUrl(mine.url)).toBe(200);
    expect(await fetchUrl(mine.thumbnailUrl ?? '')).toBe(200);

    await B.post(`/conversations/${group}/leave`);
    expect(await fetchUrl(mine.url)).toBe(404);
    expect(await fetchUrl(mine.thumbnailUrl ?? '')).toBe(404);

    await A.post(`/conversations/${group}/participants`, { userIds: [bob.user.id] });
    // Re-added, but the photo predates the new joining point: still not visible to bob.
    expect(await fetchUrl(mine.url)).toBe(404);
    await A.patch(`/conversations/${group}`, { historyForNewcomers: true });
    expect(await fetchUrl(mine.url)).toBe(200);

    await A.del(`/conversations/${group}/participants/${bob.user.id}`);
    expect(await fetchUrl(mine.url)).toBe(404);
    // The uploader's own URL keeps working; a Bearer request is checked the same way.
    expect(await fetchUrl((await meta(alice.accessToken, photo.id, sent.id)).url)).toBe(200);
    const bearer = await fetch(`${t.api}/media/${photo.id}`, { headers: authHeader(bob.accessToken) });
    expect(bearer.status).toBe(404);
  });

  it('URLs from the shared-media list are the viewer’s too: they stop working on removal', async () => {
    const g2 = (
      await A.post<ConversationDetails>('/conversations', { kind: 'group', title: 'Shared', memberIds: [bob.user.id] })
    ).body.data.id;
    const photo = await uploadOk(t.api, alice.accessToken, 's.png', await makePng(12, 12));
    await A.post(`/conversations/${g2}/messages`, { clientMsgId: 'shared-1', text: '', attachments: [photo.id] });
    const shared = await B.get<{ items: { media: Media | null }[] }>(`/conversations/${g2}/shared?kind=media`);
    expect(shared.status).toBe(200);
    const url = shared.body.data.items[0]?.media?.url ?? '';
    expect(await fetchUrl(url)).toBe(200);
    await A.del(`/conversations/${g2}/participants/${bob.user.id}`);
    expect(await fetchUrl(url)).toBe(404);
  });

  it('a grant-less (avatar-style) token is refused for message media', async () => {
    const photo = await uploadOk(t.api, alice.accessToken, 'x.png', await makePng(8, 8));
    const token = new URL(photo.url).searchParams.get('t') ?? '';
    const [exp, , , sig] = token.split('.');
    expect(await fetchUrl(`${t.url}/api/v1/media/${photo.id}?t=${exp}.${sig}`)).toBe(404);
    expect(await fetchUrl(`${t.url}/api/v1/media/${photo.id}?t=${'x'.repeat(300)}`)).toBe(400);
  });
});
