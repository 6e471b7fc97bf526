import type { ConversationSummary, Me, Message, MyConversationState } from '@charla/shared-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Rest, restAs } from '../../../test/chat.ts';
import { type RegisteredUser, registerUser, startTestApp, type TestApp } from '../../../test/harness.ts';
import { makePng } from '../media/media.fixtures.ts';
import { uploadOk } from '../media/media.test-helpers.ts';

describe('chat list: previews name the sender and carry attachments; mark as unread; account preferences', () => {
  let t: TestApp;
  let ana: RegisteredUser;
  let ben: RegisteredUser;
  let A: Rest;
  let B: Rest;
  beforeAll(async () => {
    t = await startTestApp();
    [ana, ben] = await Promise.all([
      registerUser(t, { displayName: 'Ana Lima' }),
      registerUser(t, { displayName: 'Ben Ortiz' }),
    ]);
    [A, B] = [ana, ben].map((u) => restAs(t.api, u.accessToken)) as [Rest, Rest];
  });
  afterAll(async () => {
    await t?.close();
  });
  const row = async (r: Rest, id: string) =>
    (await r.get<{ items: ConversationSummary[] }>('/conversations')).body.data.items.find((c) => c.id === id);

  it('a group preview names the sender and lists the media ids of the last message', async () => {
    const g = (
      await A.post<ConversationSummary>('/conversations', { kind: 'group', title: 'Trip', memberIds: [ben.user.id] })
    ).body.data;
    const photo = await uploadOk(t.api, ben.accessToken, 'beach.png', await makePng());
    const sent = await B.post<Message>(`/conversations/${g.id}/messages`, {
      clientMsgId: 'p1',
      text: '',
      attachments: [photo.id],
    });
    expect(sent.status).toBe(201);
    const preview = (await row(A, g.id))?.lastMessage;
    expect(preview).toMatchObject({ senderName: 'Ben Ortiz', attachments: [photo.id], kind: 'media', text: '' });
  });

  it('marks a chat unread for me only, syncs it, and clears it', async () => {
    const d = (await A.post<ConversationSummary>('/conversations', { kind: 'direct', userId: ben.user.id })).body.data;
    const set = await A.patch<MyConversationState>(`/conversations/${d.id}/me`, { markedUnread: true });
    expect(set.status).toBe(200);
    expect(set.body.data.markedUnread).toBe(true);
    expect((await row(A, d.id))?.me.markedUnread).toBe(true);
    expect((await row(B, d.id))?.me.markedUnread).toBe(false);
    expect((await A.patch(`/conversations/${d.id}/me`, { markedUnread: 'yes' })).status).toBe(400);
    await A.patch(`/conversations/${d.id}/me`, { markedUnread: false });
    expect((await row(A, d.id))?.me.markedUnread).toBe(false);
  });

  it('deleting a direct chat leaves it: gone from my list, back when either of us starts it again', async () => {
    const d = (await A.post<ConversationSummary>('/conversations', { kind: 'direct', userId: ben.user.id })).body.data;
    await A.post<Message>(`/conversations/${d.id}/messages`, { clientMsgId: 'd1', text: 'hello' });
    expect((await A.post(`/conversations/${d.id}/leave`)).status).toBe(200);
    expect(await row(A, d.id)).toBeUndefined();
    const again = await B.post<ConversationSummary>('/conversations', { kind: 'direct', userId: ana.user.id });
    expect(again.body.data.id).toBe(d.id);
    expect(await row(A, d.id)).toBeDefined();
  });

  it('saves appearance preferences with the account, merges patches, resets with null, refuses bad values', async () => {
    expect((await A.get<Me>('/users/me')).body.data.preferences).toEqual({});
    const first = await A.patch<Me>('/users/me', { preferences: { accent: 'purple', fontSize: 'large' } });
    expect(first.status).toBe(200);
    expect(first.body.data.preferences).toEqual({ accent: 'purple', fontSize: 'large' });
    const second = await A.patch<Me>('/users/me', { preferences: { theme: 'dark', fontSize: null } });
    expect(second.body.data.preferences).toEqual({ accent: 'purple', theme: 'dark' });
    // Another device signing in gets them with the profile.
    expect((await A.get<Me>('/auth/me')).body.data.preferences).toEqual({ accent: 'purple', theme: 'dark' });
    for (const bad of [{ accent: 'neon' }, { fontSize: 99 }, { theme: 'dark', extra: 1 }, 'dark']) {
      const res = await A.patch('/users/me', { preferences: bad });
      expect(res.status).toBe(400);
    }
    expect((await B.get<Me>('/users/me')).body.data.preferences).toEqual({});
  });
});
