import type { ConversationDetails, ConversationSummary, Invite } from '@charla/shared-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Rest, restAs } from '../../../test/chat.ts';
import { type RegisteredUser, registerUser, startTestApp, type TestApp } from '../../../test/harness.ts';

/**
 * Issue 22 #10: removal was not a ban: a removed member came back through an invite they had made
 * themselves. Removal now holds until someone adds them back, and a person's invite links die when
 * they lose the admin role, are removed, or leave.
 */
describe('removal is a ban until re-added; invites die with their creator’s role', () => {
  let t: TestApp;
  let owner: RegisteredUser;
  let mal: RegisteredUser;
  let kit: RegisteredUser;
  let O: Rest;
  let M: Rest;
  let K: Rest;

  beforeAll(async () => {
    t = await startTestApp();
    [owner, mal, kit] = await Promise.all([registerUser(t), registerUser(t), registerUser(t)]);
    [O, M, K] = [owner, mal, kit].map((u) => restAs(t.api, u.accessToken)) as [Rest, Rest, Rest];
  });
  afterAll(() => t?.close());

  const group = async (memberIds: string[]) =>
    (await O.post<ConversationSummary>('/conversations', { kind: 'group', title: 'G', memberIds })).body.data.id;
  const invite = async (as: Rest, id: string) =>
    (await as.post<Invite>(`/conversations/${id}/invites`, {})).body.data.code;

  it('a removed member cannot come back through an invite (even their own) until re-added', async () => {
    const g = await group([mal.user.id]);
    await O.patch(`/conversations/${g}/participants/${mal.user.id}`, { role: 'admin' });
    const own = await invite(M, g);
    const owners = await invite(O, g);
    expect((await O.del(`/conversations/${g}/participants/${mal.user.id}`)).status).toBe(200);

    const back = await M.post(`/invites/${owners}/accept`);
    expect(back.status).toBe(403);
    expect(back.body.code).toBe('removed_from_conversation');
    // Their own link was revoked with their removal.
    expect((await M.post(`/invites/${own}/accept`)).status).toBe(404);
    expect((await M.get(`/conversations/${g}`)).status).toBe(404);

    // Added back by the owner: a member again; after leaving of their own accord, links work again.
    expect((await O.post(`/conversations/${g}/participants`, { userIds: [mal.user.id] })).status).toBe(201);
    expect((await M.get(`/conversations/${g}`)).status).toBe(200);
    expect((await M.post(`/conversations/${g}/leave`)).status).toBe(200);
    expect((await M.post(`/invites/${owners}/accept`)).status).toBe(200);
  });

  it('a removed member cannot rejoin a public channel by themselves either', async () => {
    const ch = (await O.post<ConversationSummary>('/conversations', { kind: 'channel', title: 'Open' })).body.data.id;
    expect((await K.post(`/conversations/${ch}/join`)).status).toBe(200);
    await O.del(`/conversations/${ch}/participants/${kit.user.id}`);
    const view = await K.get<ConversationDetails>(`/conversations/${ch}`);
    expect(view.body.data.permissions).toMatchObject({ canJoin: false, canPost: false });
    const again = await K.post(`/conversations/${ch}/join`);
    expect(again.status).toBe(403);
    expect(again.body.code).toBe('removed_from_conversation');
    // Leaving is not removal: someone who left may join again.
    const other = restAs(t.api, (await registerUser(t)).accessToken);
    await other.post(`/conversations/${ch}/join`);
    await other.post(`/conversations/${ch}/leave`);
    expect((await other.post(`/conversations/${ch}/join`)).status).toBe(200);
  });

  it('demotion and leaving revoke the person’s invite links, and nobody else’s', async () => {
    const g = await group([mal.user.id, kit.user.id]);
    await O.patch(`/conversations/${g}/participants/${mal.user.id}`, { role: 'admin' });
    await O.patch(`/conversations/${g}/participants/${kit.user.id}`, { role: 'admin' });
    const malsLink = await invite(M, g);
    const kitsLink = await invite(K, g);
    const ownersLink = await invite(O, g);
    await O.patch(`/conversations/${g}/participants/${mal.user.id}`, { role: 'member' });
    await K.post(`/conversations/${g}/leave`);
    const links = (await O.get<Invite[]>(`/conversations/${g}/invites`)).body.data;
    expect(Object.fromEntries(links.map((l) => [l.code, l.revokedAt !== null]))).toEqual({
      [malsLink]: true,
      [kitsLink]: true,
      [ownersLink]: false,
    });
    const newcomer = restAs(t.api, (await registerUser(t)).accessToken);
    expect((await newcomer.post(`/invites/${malsLink}/accept`)).status).toBe(404);
    expect((await newcomer.post(`/invites/${ownersLink}/accept`)).status).toBe(200);
  });
});
