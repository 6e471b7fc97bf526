import type {
  AdminStats,
  AdminUser,
  AuditEntry,
  ConversationDetails,
  Message,
  Page,
  Report,
} from '@charla/shared-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSocket, nextEvent, type Rest, restAs } from '../../../test/chat.ts';
import { type RegisteredUser, registerUser, startTestApp, TEST_PASSWORD, type TestApp } from '../../../test/harness.ts';
import { makePng } from '../media/media.fixtures.ts';
import { uploadOk } from '../media/media.test-helpers.ts';

describe('moderation: reports, admin actions, suspension, audit, stats', () => {
  let t: TestApp;
  let admin: RegisteredUser;
  let alice: RegisteredUser;
  let bob: RegisteredUser;
  let carol: RegisteredUser;
  let as: { admin: Rest; alice: Rest; bob: Rest; carol: Rest };
  let group: ConversationDetails;
  let spam: Message;

  beforeAll(async () => {
    t = await startTestApp();
    // The first account becomes the admin.
    admin = await registerUser(t);
    [alice, bob, carol] = await Promise.all([registerUser(t), registerUser(t), registerUser(t)]);
    expect(admin.user.role).toBe('admin');
    expect(alice.user.role).toBe('user');
    as = {
      admin: restAs(t.api, admin.accessToken),
      alice: restAs(t.api, alice.accessToken),
      bob: restAs(t.api, bob.accessToken),
      carol: restAs(t.api, carol.accessToken),
    };
    const g = await as.alice.post<ConversationDetails>('/conversations', {
      kind: 'group',
      title: 'Moderated',
      memberIds: [bob.user.id],
    });
    group = g.body.data;
    const sent = await as.bob.post<Message>(`/conversations/${group.id}/messages`, {
      clientMsgId: 'spam-1',
      text: 'BUY NOW',
    });
    spam = sent.body.data;
  });
  afterAll(() => t.close());

  it('files reports; one open report per reporter and target; bad inputs are 400/404', async () => {
    const r = await as.alice.post<Report>('/reports', { messageId: spam.id, reason: 'spam', note: 'ads' });
    expect(r.status).toBe(201);
    expect(r.body.data).toMatchObject({
      targetType: 'message',
      targetId: spam.id,
      conversationId: group.id,
      status: 'open',
    });
    const again = await as.alice.post('/reports', { messageId: spam.id, reason: 'spam' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('conflict');

    // Carol is not in the group: the message does not exist for her.
    expect((await as.carol.post('/reports', { messageId: spam.id, reason: 'spam' })).status).toBe(404);
    expect((await as.carol.post('/reports', { conversationId: group.id, reason: 'spam' })).status).toBe(404);
    expect((await as.bob.post('/reports', { messageId: spam.id, reason: 'spam' })).status).toBe(400);
    expect((await as.carol.post('/reports', { userId: carol.user.id, reason: 'other' })).status).toBe(400);
    expect((await as.carol.post('/reports', { userId: 'nobody', reason: 'other' })).status).toBe(404);
    // Exactly one target, a known reason, no extra fields.
    for (const bad of [
      { reason: 'spam' },
      { userId: bob.user.id, messageId: spam.id, reason: 'spam' },
      { userId: bob.user.id, reason: 'because' },
      { userId: bob.user.id, reason: 'spam', note: 'x'.repeat(1001) },
      { userId: bob.user.id, reason: 'spam', extra: 1 },
    ]) {
      const res = await as.carol.post('/reports', bad);
      expect(res.status, JSON.stringify(bad).slice(0, 80)).toBe(400);
      expect(res.body.code).toBe('validation_failed');
    }
    expect((await as.carol.post<Report>('/reports', { userId: bob.user.id, reason: 'harassment' })).status).toBe(201);
  });

  it('admin endpoints are for admins only', async () => {
    for (const path of ['/admin/reports', '/admin/users', '/admin/audit', '/admin/stats']) {
      expect((await as.alice.get(path)).status, path).toBe(403);
    }
    expect((await fetch(`${t.api}/admin/reports`)).status).toBe(401);
    expect((await as.alice.del(`/admin/messages/${spam.id}`)).status).toBe(403);
    expect((await as.alice.post(`/admin/users/${bob.user.id}/suspension`, {})).status).toBe(403);
  });

  it('group owners/admins see and close reports about their group; members cannot', async () => {
    const list = await as.alice.get<Page<Report>>(`/conversations/${group.id}/reports?status=open`);
    expect(list.status).toBe(200);
    expect(list.body.data.items.map((r) => r.targetId)).toEqual([spam.id]);
    expect((await as.bob.get(`/conversations/${group.id}/reports`)).status).toBe(403);
    expect((await as.carol.get(`/conversations/${group.id}/reports`)).status).toBe(404);
    // A user report is the site admins' business, not the group's.
    const userReports = await as.admin.get<Page<Report>>('/admin/reports?status=open');
    const aboutBob = userReports.body.data.items.find((r) => r.targetType === 'user');
    expect(aboutBob).toBeDefined();
    expect(
      (await as.alice.patch(`/conversations/${group.id}/reports/${aboutBob?.id}`, { status: 'dismissed' })).status,
    ).toBe(404);
  });

  it('an admin lists, resolves and dismisses reports; a closed report cannot be closed twice', async () => {
    const open = await as.admin.get<Page<Report>>('/admin/reports?status=open&limit=10');
    expect(open.status).toBe(200);
    expect(open.body.data.items).toHaveLength(2);
    expect((await as.admin.get('/admin/reports?status=weird')).status).toBe(400);
    const [first, second] = open.body.data.items as [Report, Report];
    const resolved = await as.admin.patch<Report>(`/admin/reports/${first.id}`, {
      status: 'resolved',
      note: 'handled',
    });
    expect(resolved.body.data).toMatchObject({
      status: 'resolved',
      resolutionNote: 'handled',
      resolvedBy: admin.user.id,
    });
    expect((await as.admin.patch(`/admin/reports/${first.id}`, { status: 'dismissed' })).status).toBe(409);
    expect((await as.admin.patch(`/admin/reports/${second.id}`, { status: 'open' })).status).toBe(400);
    expect((await as.admin.patch('/admin/reports/nope', { status: 'dismissed' })).status).toBe(404);
    await as.admin.patch(`/admin/reports/${second.id}`, { status: 'dismissed', note: 'fine' });
    expect((await as.admin.get<Page<Report>>('/admin/reports?status=open')).body.data.items).toHaveLength(0);
    // Closed: the same reporter may report the same target again.
    expect((await as.alice.post('/reports', { messageId: spam.id, reason: 'spam', note: 'still there' })).status).toBe(
      201,
    );
  });

  it('an admin deletes any message for everyone: members are told, its files are removed', async () => {
    const photo = await uploadOk(t.api, bob.accessToken, 'ad.png', await makePng(12, 12));
    const withPhoto = await as.bob.post<Message>(`/conversations/${group.id}/messages`, {
      clientMsgId: 'spam-2',
      text: 'more ads',
      attachments: [photo.id],
    });
    const socket = await connectSocket(t.url, alice.accessToken);
    try {
      const deleted = nextEvent(socket, 'message:deleted', (e) => e.messageId === withPhoto.body.data.id);
      const res = await as.admin.del(`/admin/messages/${withPhoto.body.data.id}`);
      expect(res.status).toBe(200);
      const event = await deleted;
      expect(event).toMatchObject({ scope: 'everyone', conversationId: group.id });
      expect(event.message?.deletedAt).not.toBeNull();
      expect(event.message?.text).toBe('');
    } finally {
      socket.close();
    }
    expect(await t.storage.media.findById(photo.id)).toBeNull();
    expect((await as.admin.del('/admin/messages/unknown')).status).toBe(404);
    // Deleting again is harmless.
    expect((await as.admin.del(`/admin/messages/${withPhoto.body.data.id}`)).status).toBe(200);
  });

  it('suspension: open sockets are disconnected, sessions revoked, sign-in refused with account_suspended', async () => {
    const socket = await connectSocket(t.url, bob.accessToken);
    const disconnected = new Promise<string>((resolve) => socket.on('disconnect', (reason) => resolve(reason)));
    const res = await as.admin.post<AdminUser>(`/admin/users/${bob.user.id}/suspension`, { reason: 'spam bot' });
    expect(res.status).toBe(200);
    expect(res.body.data.suspendedAt).not.toBeNull();
    expect(await disconnected).toBe('io server disconnect');

    // The old access token is dead (its session was revoked) and so is the refresh token.
    expect((await as.bob.get('/users/me')).status).toBe(401);
    const refresh = await fetch(`${t.api}/auth/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken: bob.refreshToken, client: 'desktop' }),
    });
    expect(refresh.status).toBe(401);
    const login = await fetch(`${t.api}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        login: bob.email,
        password: TEST_PASSWORD,
        client: 'desktop',
        device: { name: 't', platform: 'linux' },
      }),
    });
    expect(login.status).toBe(403);
    const body = (await login.json()) as { code: string; message: string };
    expect(body.code).toBe('account_suspended');
    expect(body.message).toMatch(/suspended/i);
    await expect(connectSocket(t.url, bob.accessToken)).rejects.toThrow();

    // Idempotent, not for yourself, not for another admin.
    expect((await as.admin.post(`/admin/users/${bob.user.id}/suspension`, {})).status).toBe(200);
    expect((await as.admin.post(`/admin/users/${admin.user.id}/suspension`, {})).status).toBe(400);
    expect((await as.admin.post('/admin/users/nobody/suspension', {})).status).toBe(404);

    const lifted = await as.admin.del<AdminUser>(`/admin/users/${bob.user.id}/suspension`);
    expect(lifted.body.data.suspendedAt).toBeNull();
    const again = await fetch(`${t.api}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        login: bob.email,
        password: TEST_PASSWORD,
        client: 'desktop',
        device: { name: 't', platform: 'linux' },
      }),
    });
    expect(again.status).toBe(200);
    as.bob = restAs(t.api, ((await again.json()) as { data: { accessToken: string } }).data.accessToken);
  });

  it('lists users for admins with their suspension state', async () => {
    const all = await as.admin.get<Page<AdminUser>>('/admin/users?limit=50');
    expect(all.status).toBe(200);
    expect(all.body.data.items.map((u) => u.id)).toEqual(
      expect.arrayContaining([alice.user.id, bob.user.id, carol.user.id]),
    );
    const found = await as.admin.get<Page<AdminUser>>(`/admin/users?q=${encodeURIComponent(carol.username)}`);
    expect(found.body.data.items).toHaveLength(1);
    expect(found.body.data.items[0]).toMatchObject({
      id: carol.user.id,
      role: 'user',
      suspendedAt: null,
      deleted: false,
    });
    expect((await as.admin.get('/admin/users?limit=1000')).status).toBe(400);
  });

  it('group moderation (member removal, deleting others’ messages) and site moderation land in the audit log', async () => {
    const m = await as.bob.post<Message>(`/conversations/${group.id}/messages`, {
      clientMsgId: 'spam-3',
      text: 'again',
    });
    expect((await as.alice.del(`/messages/${m.body.data.id}?for=everyone`)).status).toBe(200);
    expect((await as.alice.del(`/conversations/${group.id}/participants/${bob.user.id}`)).status).toBeLessThan(300);

    const audit = await as.admin.get<Page<AuditEntry>>('/admin/audit?limit=100');
    expect(audit.status).toBe(200);
    const actions = audit.body.data.items.map((e) => `${e.action}:${e.actorId === admin.user.id ? 'admin' : 'alice'}`);
    expect(actions).toEqual(
      expect.arrayContaining([
        'report.resolved:admin',
        'report.dismissed:admin',
        'message.deleted:admin',
        'user.suspended:admin',
        'user.unsuspended:admin',
        'message.deleted:alice',
        'member.removed:alice',
      ]),
    );
    // Newest first, filterable, never message content.
    expect(audit.body.data.items[0]?.action).toBe('member.removed');
    const aboutBob = await as.admin.get<Page<AuditEntry>>(`/admin/audit?targetId=${bob.user.id}`);
    expect(aboutBob.body.data.items.map((e) => e.action)).toEqual([
      'member.removed',
      'user.unsuspended',
      'user.suspended',
    ]);
    expect(JSON.stringify(audit.body.data)).not.toContain('more ads');
    const page1 = await as.admin.get<Page<AuditEntry>>('/admin/audit?limit=2');
    const page2 = await as.admin.get<Page<AuditEntry>>(`/admin/audit?limit=2&cursor=${page1.body.data.nextCursor}`);
    expect(page2.body.data.items[0]?.id).toBe(audit.body.data.items[2]?.id);
  });

  it('statistics: totals and a daily series for ?days=', async () => {
    const res = await as.admin.get<AdminStats>('/admin/stats?days=7');
    expect(res.status).toBe(200);
    const s = res.body.data;
    expect(s.days).toBe(7);
    expect(s.series).toHaveLength(7);
    expect(s.totals.users).toBe(4);
    expect(s.totals.conversations.group).toBe(1);
    expect(s.totals.messages).toBeGreaterThanOrEqual(3);
    expect(s.totals.active24h).toBeGreaterThanOrEqual(3);
    expect(s.totals.mediaCount).toBeGreaterThanOrEqual(0);
    const today = s.series.at(-1);
    expect(today?.signups).toBe(4);
    expect(today?.messages).toBe(s.totals.messages);
    expect(today?.activeUsers).toBe(1);
    expect((await as.admin.get<AdminStats>('/admin/stats')).body.data.series).toHaveLength(30);
    for (const bad of ['0', '366', 'abc']) expect((await as.admin.get(`/admin/stats?days=${bad}`)).status).toBe(400);
  });
});
