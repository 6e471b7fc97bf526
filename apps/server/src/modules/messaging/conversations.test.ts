import type {
  ConversationDetails,
  ConversationSummary,
  DirectoryEntry,
  HistoryPage,
  Invite,
  InvitePreview,
  Message,
  MyConversationState,
  Page,
  Participant,
} from '@charla/shared-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Rest, restAs } from '../../../test/chat.ts';
import { type RegisteredUser, registerUser, startTestApp, type TestApp } from '../../../test/harness.ts';

describe('conversations over REST', () => {
  let t: TestApp;
  let ana: RegisteredUser;
  let ben: RegisteredUser;
  let cy: RegisteredUser;
  let dee: RegisteredUser;
  let A: Rest;
  let B: Rest;
  let C: Rest;
  let D: Rest;

  beforeAll(async () => {
    t = await startTestApp();
    [ana, ben, cy, dee] = await Promise.all([registerUser(t), registerUser(t), registerUser(t), registerUser(t)]);
    [A, B, C, D] = [ana, ben, cy, dee].map((u) => restAs(t.api, u.accessToken)) as [Rest, Rest, Rest, Rest];
  });
  afterAll(async () => {
    await t?.close();
  });

  const send = (r: Rest, id: string, text: string, clientMsgId = `c-${Math.random().toString(36).slice(2)}`) =>
    r.post<Message>(`/conversations/${id}/messages`, { clientMsgId, text });

  it('creates one direct chat per pair: creating it again returns the same one', async () => {
    const first = await A.post<ConversationSummary>('/conversations', { kind: 'direct', userId: ben.user.id });
    expect(first.status).toBe(201);
    expect(first.body.data).toMatchObject({ kind: 'direct', title: null, memberCount: 2 });
    expect(first.body.data.peer?.id).toBe(ben.user.id);
    const again = await B.post<ConversationSummary>('/conversations', { kind: 'direct', userId: ana.user.id });
    expect(again.status).toBe(200);
    expect(again.body.data.id).toBe(first.body.data.id);
    expect(again.body.data.peer?.id).toBe(ana.user.id);
  });

  it('lets one side delete a direct chat for themselves; a new message brings it back', async () => {
    const d = (await C.post<ConversationSummary>('/conversations', { kind: 'direct', userId: dee.user.id })).body.data;
    await send(C, d.id, 'first');
    expect((await D.del(`/conversations/${d.id}`)).status).toBe(200);
    expect((await D.get<Page<ConversationSummary>>('/conversations')).body.data.items.map((c) => c.id)).not.toContain(
      d.id,
    );
    expect((await send(C, d.id, 'are you there?')).status).toBe(201);
    const back = (await D.get<Page<ConversationSummary>>('/conversations')).body.data.items.find((c) => c.id === d.id);
    expect(back?.lastMessage?.text).toBe('are you there?');
  });

  it('refuses a direct chat with yourself, an unknown user, or when either side blocked the other', async () => {
    expect((await A.post('/conversations', { kind: 'direct', userId: ana.user.id })).status).toBe(400);
    expect((await A.post('/conversations', { kind: 'direct', userId: 'nobody' })).status).toBe(404);
    expect((await D.post(`/users/${cy.user.id}/block`)).status).toBeLessThan(300);
    const blocked = await C.post('/conversations', { kind: 'direct', userId: dee.user.id });
    expect(blocked.status).toBe(403);
    expect((await D.post('/conversations', { kind: 'direct', userId: cy.user.id })).status).toBe(403);
    expect((await D.del(`/users/${cy.user.id}/block`)).status).toBeLessThan(300);
  });

  it('rejects bad bodies with 400 and names the field', async () => {
    const res = await A.post('/conversations', { kind: 'group', title: '' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    expect((await A.post('/conversations', { kind: 'nope' })).status).toBe(400);
    expect((await A.patch('/conversations/x/me', { pinned: 'yes' })).status).toBe(400);
  });

  it('runs a group: roles, system messages, last owner cannot leave, owner transfer', async () => {
    const created = await A.post<ConversationSummary>('/conversations', {
      kind: 'group',
      title: 'Trip',
      memberIds: [ben.user.id],
    });
    expect(created.status).toBe(201);
    const g = created.body.data;
    expect(g).toMatchObject({ kind: 'group', title: 'Trip', memberCount: 2, me: { role: 'owner' } });

    // Members cannot manage; admins can add; nobody but an owner touches owners.
    expect((await B.post(`/conversations/${g.id}/participants`, { userIds: [cy.user.id] })).status).toBe(403);
    expect((await A.patch(`/conversations/${g.id}/participants/${ben.user.id}`, { role: 'admin' })).status).toBe(200);
    expect((await B.post(`/conversations/${g.id}/participants`, { userIds: [cy.user.id] })).status).toBe(201);
    expect((await B.patch(`/conversations/${g.id}/participants/${ana.user.id}`, { role: 'member' })).status).toBe(403);
    expect((await B.del(`/conversations/${g.id}/participants/${ana.user.id}`)).status).toBe(403);

    const renamed = await B.patch<ConversationDetails>(`/conversations/${g.id}`, { title: 'Trip 2026' });
    expect(renamed.body.data.title).toBe('Trip 2026');
    expect((await C.patch(`/conversations/${g.id}`, { title: 'mine' })).status).toBe(403);

    const ownerView = (await A.get<HistoryPage>(`/conversations/${g.id}/messages`)).body.data.items;
    expect(ownerView.filter((m) => m.kind === 'system').map((m) => m.system?.type)).toEqual([
      'created',
      'role_changed',
      'added',
      'title_changed',
    ]);

    // The last owner cannot just leave.
    const leave = await A.post(`/conversations/${g.id}/leave`);
    expect(leave.status).toBe(409);
    // Transfer: cy becomes owner, ana steps down to admin, then ana may leave.
    const transfer = await A.patch<Participant>(`/conversations/${g.id}/participants/${cy.user.id}`, { role: 'owner' });
    expect(transfer.body.data.role).toBe('owner');
    const members = await A.get<Page<Participant>>(`/conversations/${g.id}/participants`);
    expect(Object.fromEntries(members.body.data.items.map((p) => [p.userId, p.role]))).toEqual({
      [ana.user.id]: 'admin',
      [ben.user.id]: 'admin',
      [cy.user.id]: 'owner',
    });
    expect((await A.post(`/conversations/${g.id}/leave`)).status).toBe(200);
    expect((await A.get(`/conversations/${g.id}`)).status).toBe(404);

    // Removal by the owner; the removed member loses access.
    expect((await C.del(`/conversations/${g.id}/participants/${ben.user.id}`)).status).toBe(200);
    expect((await B.get(`/conversations/${g.id}/messages`)).status).toBe(404);

    const history = await C.get<HistoryPage>(`/conversations/${g.id}/messages`);
    const events = history.body.data.items.filter((m) => m.kind === 'system').map((m) => m.system?.type);
    // cy was added later: the history starts at their arrival.
    expect(events).toEqual(['added', 'title_changed', 'owner_transferred', 'left', 'removed']);
  });

  it('hides private conversations from non-members with 404, never 403', async () => {
    const g = (await A.post<ConversationSummary>('/conversations', { kind: 'group', title: 'Secret' })).body.data;
    await send(A, g.id, 'hush');
    for (const res of [
      await D.get(`/conversations/${g.id}`),
      await D.get(`/conversations/${g.id}/messages`),
      await D.get(`/conversations/${g.id}/participants`),
      await D.get(`/conversations/${g.id}/changes?after=0`),
      await send(D, g.id, 'hi'),
      await D.post(`/conversations/${g.id}/join`),
      await D.post(`/conversations/${g.id}/read`, { seq: 1 }),
      await D.patch(`/conversations/${g.id}`, { title: 'x' }),
      await D.get('/conversations/does-not-exist'),
    ])
      expect(res.status).toBe(404);
    const list = await D.get<Page<ConversationSummary>>('/conversations');
    expect(list.body.data.items.map((c) => c.id)).not.toContain(g.id);
  });

  it('lists public channels in a directory that anyone may join and read', async () => {
    const ch = (await A.post<ConversationSummary>('/conversations', { kind: 'channel', title: 'Announcements zeta' }))
      .body.data;
    await send(A, ch.id, 'welcome');
    const dir = await D.get<Page<DirectoryEntry>>('/conversations/public?q=zeta');
    expect(dir.body.data.items).toEqual([expect.objectContaining({ id: ch.id, joined: false, memberCount: 1 })]);
    // Readable before joining.
    const preview = await D.get<ConversationDetails>(`/conversations/${ch.id}`);
    expect(preview.body.data.me).toBeNull();
    const read = await D.get<HistoryPage>(`/conversations/${ch.id}/messages`);
    expect(read.body.data.items.map((m) => m.text)).toContain('welcome');
    expect((await send(D, ch.id, 'not yet')).status).toBe(404);
    const joined = await D.post<ConversationSummary>(`/conversations/${ch.id}/join`);
    expect(joined.body.data.me.role).toBe('member');
    expect((await send(D, ch.id, 'hello all')).status).toBe(201);
  });

  it('keeps my mute/archive/pin and sorts by last activity with unread counts and mentions', async () => {
    const g = (
      await A.post<ConversationSummary>('/conversations', { kind: 'group', title: 'Unread', memberIds: [ben.user.id] })
    ).body.data;
    await send(A, g.id, 'one');
    await A.post(`/conversations/${g.id}/messages`, {
      clientMsgId: 'mention-1',
      text: '@ben look',
      mentions: [ben.user.id],
    });
    const me = await B.patch<MyConversationState>(`/conversations/${g.id}/me`, {
      mutedUntil: '2999-01-01T00:00:00.000Z',
      pinned: true,
    });
    expect(me.body.data).toMatchObject({ pinned: true, archived: false, mutedUntil: '2999-01-01T00:00:00.000Z' });
    const list = await B.get<Page<ConversationSummary>>('/conversations');
    const first = list.body.data.items[0];
    expect(first?.id).toBe(g.id);
    // "created" (a system message by ana), "one" and the mention.
    expect(first).toMatchObject({ unreadCount: 3, unreadMentions: 1, lastMessage: { text: '@ben look' } });
    await B.post(`/conversations/${g.id}/read`, { seq: 100 });
    const after = (await B.get<ConversationDetails>(`/conversations/${g.id}`)).body.data;
    expect(after).toMatchObject({ unreadCount: 0, unreadMentions: 0 });
  });

  it('invites by link: preview without joining, accept, history only since joining', async () => {
    const g = (
      await A.post<ConversationSummary>('/conversations', {
        kind: 'group',
        title: 'Book club',
        memberIds: [ben.user.id],
      })
    ).body.data;
    await send(A, g.id, 'before cy joined');
    expect((await B.post(`/conversations/${g.id}/invites`, {})).status).toBe(403);
    const created = await A.post<Invite>(`/conversations/${g.id}/invites`, { maxUses: 1 });
    expect(created.status).toBe(201);
    const inv = created.body.data;
    expect(inv.webUrl).toBe(`http://charla.test/invite/${inv.code}`);
    expect(inv.desktopUrl).toBe(`charla://invite/${inv.code}`);

    const preview = await C.get<InvitePreview>(`/invites/${inv.code}`);
    expect(preview.body.data).toMatchObject({
      alreadyMember: false,
      conversation: { id: g.id, title: 'Book club', memberCount: 2 },
    });
    expect((await C.get(`/conversations/${g.id}`)).status).toBe(404);

    const accepted = await C.post<{ joined: boolean; conversation: ConversationSummary }>(
      `/invites/${inv.code}/accept`,
    );
    expect(accepted.body.data.joined).toBe(true);
    await send(A, g.id, 'after cy joined');
    const seen = (await C.get<HistoryPage>(`/conversations/${g.id}/messages`)).body.data.items;
    expect(seen.map((m) => m.text)).toContain('after cy joined');
    expect(seen.map((m) => m.text)).not.toContain('before cy joined');
    expect(seen.find((m) => m.kind === 'system')?.system).toMatchObject({ type: 'joined', actorId: cy.user.id });

    // Used up (maxUses 1), unknown and revoked links do not work.
    expect((await D.post(`/invites/${inv.code}/accept`)).status).toBe(410);
    expect((await D.get(`/invites/${inv.code}`)).status).toBe(404);
    expect((await D.get('/invites/unknown-code-123')).status).toBe(404);
    expect((await D.get('/invites/x')).status).toBe(404);
    const second = (await A.post<Invite>(`/conversations/${g.id}/invites`, { expiresInSeconds: 3600 })).body.data;
    expect((await A.get<Invite[]>(`/conversations/${g.id}/invites`)).body.data).toHaveLength(2);
    expect((await A.del(`/conversations/${g.id}/invites/${second.code}`)).status).toBe(200);
    expect((await D.post(`/invites/${second.code}/accept`)).status).toBe(404);

    // The group switches on full history for newcomers: dee, joining later, sees everything.
    expect((await A.patch(`/conversations/${g.id}`, { historyForNewcomers: true })).status).toBe(200);
    const third = (await A.post<Invite>(`/conversations/${g.id}/invites`, {})).body.data;
    expect((await D.post(`/invites/${third.code}/accept`)).status).toBe(200);
    const all = (await D.get<HistoryPage>(`/conversations/${g.id}/messages`)).body.data.items.map((m) => m.text);
    expect(all).toContain('before cy joined');
  });

  it('expires invite links', async () => {
    const g = (await A.post<ConversationSummary>('/conversations', { kind: 'group', title: 'Expiring' })).body.data;
    const inv = (await A.post<Invite>(`/conversations/${g.id}/invites`, { expiresInSeconds: 60 })).body.data;
    t.clock.advance(61_000);
    try {
      expect((await D.post(`/invites/${inv.code}/accept`)).status).toBe(410);
    } finally {
      t.clock.reset();
    }
  });

  it('deletes a group for everyone (owner only)', async () => {
    const g = (
      await A.post<ConversationSummary>('/conversations', { kind: 'group', title: 'Doomed', memberIds: [ben.user.id] })
    ).body.data;
    expect((await B.del(`/conversations/${g.id}`)).status).toBe(403);
    expect((await A.del(`/conversations/${g.id}`)).status).toBe(200);
    expect((await B.get(`/conversations/${g.id}`)).status).toBe(404);
  });
});
