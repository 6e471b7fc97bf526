import type { AdminUser, AuditEntry, Me, Page } from '@charla/shared-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSocket, restAs } from '../../../test/chat.ts';
import {
  type RegisteredUser,
  registerUser,
  startTestApp,
  TEST_PASSWORD,
  type TestApp,
  verifyEmail,
} from '../../../test/harness.ts';

const LISTED = 'listed-boss@example.com';
const OTHER_LISTED = 'second-boss@example.com';

async function login(t: TestApp, email: string): Promise<{ status: number; token: string; role?: string }> {
  const res = await fetch(`${t.api}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login: email, password: TEST_PASSWORD, client: 'desktop' }),
  });
  const body = (await res.json()) as { data?: { accessToken: string; user: Me } };
  return { status: res.status, token: body.data?.accessToken ?? '', role: body.data?.user.role };
}

describe('site admins: ADMIN_EMAILS needs a verified address; demotion and suspension of admins', () => {
  let t: TestApp;
  let first: RegisteredUser;

  beforeAll(async () => {
    t = await startTestApp({ env: { ADMIN_EMAILS: `${LISTED}, ${OTHER_LISTED}, listed-at-signup@example.com` } });
    first = await registerUser(t);
    expect(first.user.role).toBe('admin');
  });
  afterAll(() => t.close());

  it('sign-up makes a listed address admin only because its code proves the mailbox', async () => {
    const owner = await registerUser(t, { email: 'listed-at-signup@example.com' });
    expect(owner.user).toMatchObject({ role: 'admin', emailVerified: true });
  });

  it('an unverified account with a listed address is not admin until the mailbox is proven', async () => {
    // An account from before sign-up by code (or an OIDC account whose provider did not vouch): the
    // old code made it admin at registration; now only verification does.
    const squatter = await registerUser(t, { email: LISTED });
    await t.storage.users.update(squatter.user.id, { role: 'user', emailVerifiedAt: null });
    const as = restAs(t.api, squatter.accessToken);
    expect((await as.get('/admin/reports')).status).toBe(403);
    expect((await as.get('/auth/me')).body.data).toMatchObject({ role: 'user', emailVerified: false });
    // Signing in again changes nothing: the role comes from verification only.
    expect((await login(t, LISTED)).role).toBe('user');

    const verified = await verifyEmail(t, squatter);
    expect(verified).toMatchObject({ role: 'admin', emailVerified: true });
    expect((await as.get('/admin/reports')).status).toBe(200);
  });

  it('a password reset link proves the mailbox too', async () => {
    const u = await registerUser(t, { email: OTHER_LISTED });
    await t.storage.users.update(u.user.id, { role: 'user', emailVerifiedAt: null });
    expect((await login(t, OTHER_LISTED)).role).toBe('user');
    await fetch(`${t.api}/auth/forgot-password`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: OTHER_LISTED }),
    });
    let link: string | undefined;
    for (let i = 0; i < 50 && !link?.includes('reset-password'); i++) {
      await new Promise((r) => setTimeout(r, 20));
      link = t.mail.lastTo(OTHER_LISTED)?.link;
    }
    const token = new URL(link ?? 'http://x').searchParams.get('token');
    const reset = await fetch(`${t.api}/auth/reset-password`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, password: TEST_PASSWORD }),
    });
    expect(reset.status).toBe(200);
    expect((await login(t, OTHER_LISTED)).role).toBe('admin');
  });

  it('an admin demotes and promotes another admin, audited; the demoted one loses access at once', async () => {
    const admin = restAs(t.api, first.accessToken);
    const target = await registerUser(t);
    const promoted = await admin.put<AdminUser>(`/admin/users/${target.user.id}/role`, { role: 'admin' });
    expect(promoted.status).toBe(200);
    expect(promoted.body.data.role).toBe('admin');
    const asTarget = restAs(t.api, target.accessToken);
    expect((await asTarget.get('/admin/users')).status).toBe(200);

    const demoted = await admin.put<AdminUser>(`/admin/users/${target.user.id}/role`, { role: 'user' });
    expect(demoted.status).toBe(200);
    expect(demoted.body.data.role).toBe('user');
    expect((await asTarget.get('/admin/users')).status).toBe(403);
    // Idempotent.
    expect((await admin.put(`/admin/users/${target.user.id}/role`, { role: 'user' })).status).toBe(200);

    const audit = await admin.get<Page<AuditEntry>>(`/admin/audit?targetId=${target.user.id}`);
    expect(audit.body.data.items.map((e) => [e.action, e.details])).toEqual([
      ['user.role_changed', { from: 'admin', to: 'user' }],
      ['user.role_changed', { from: 'user', to: 'admin' }],
    ]);
    // Bad input and unknown users.
    expect((await admin.put(`/admin/users/${target.user.id}/role`, { role: 'owner' })).status).toBe(400);
    expect((await admin.put('/admin/users/nobody/role', { role: 'user' })).status).toBe(404);
    // A listed admin who was demoted stays demoted when signing in again.
    const listed = await login(t, LISTED);
    const listedId = ((await restAs(t.api, listed.token).get<Me>('/auth/me')).body.data as Me).id;
    expect((await admin.put(`/admin/users/${listedId}/role`, { role: 'user' })).status).toBe(200);
    expect((await login(t, LISTED)).role).toBe('user');
  });

  it('nobody changes their own role or suspends themselves; non-admins cannot call it', async () => {
    const admin = restAs(t.api, first.accessToken);
    expect((await admin.put(`/admin/users/${first.user.id}/role`, { role: 'user' })).status).toBe(400);
    expect((await admin.post(`/admin/users/${first.user.id}/suspension`, {})).status).toBe(400);
    const user = await registerUser(t);
    expect(
      (await restAs(t.api, user.accessToken).put(`/admin/users/${first.user.id}/role`, { role: 'user' })).status,
    ).toBe(403);
  });

  it('an admin suspends another admin: sessions end, sign-in refused, audited; lifting restores', async () => {
    const admin = restAs(t.api, first.accessToken);
    const other = await registerUser(t);
    await admin.put(`/admin/users/${other.user.id}/role`, { role: 'admin' });
    const socket = await connectSocket(t.url, other.accessToken);
    const closed = new Promise<void>((resolve) => socket.on('disconnect', () => resolve()));
    const res = await admin.post<AdminUser>(`/admin/users/${other.user.id}/suspension`, { reason: 'taken over' });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ role: 'admin' });
    expect(res.body.data.suspendedAt).not.toBeNull();
    await closed;
    expect((await restAs(t.api, other.accessToken).get('/admin/users')).status).toBe(401);
    expect((await login(t, other.email)).status).toBe(403);
    const audit = await admin.get<Page<AuditEntry>>(`/admin/audit?targetId=${other.user.id}`);
    expect(audit.body.data.items[0]).toMatchObject({
      action: 'user.suspended',
      actorId: first.user.id,
      details: { reason: 'taken over', role: 'admin' },
    });
    expect((await admin.del(`/admin/users/${other.user.id}/suspension`)).status).toBe(200);
    expect((await login(t, other.email)).status).toBe(200);
  });

  it('two admins demoting each other at once leave one admin standing (never the last admin)', async () => {
    // Only `first` and `b` are active admins here: demote every other admin first.
    const admin = restAs(t.api, first.accessToken);
    const users = await admin.get<Page<AdminUser>>('/admin/users?limit=100');
    for (const u of users.body.data.items)
      if (u.role === 'admin' && u.id !== first.user.id) await admin.put(`/admin/users/${u.id}/role`, { role: 'user' });
    const b = await registerUser(t);
    await admin.put(`/admin/users/${b.user.id}/role`, { role: 'admin' });
    expect(await t.storage.users.countActiveAdmins()).toBe(2);
    const asB = restAs(t.api, b.accessToken);
    const [x, y] = await Promise.all([
      admin.put(`/admin/users/${b.user.id}/role`, { role: 'user' }),
      asB.put(`/admin/users/${first.user.id}/role`, { role: 'user' }),
    ]);
    expect([x.status, y.status].sort()).toEqual([200, 403]);
    expect(await t.storage.users.countActiveAdmins()).toBe(1);
    // The survivor cannot suspend themselves either: the site always keeps an admin who can act.
    const survivor = x.status === 200 ? admin : asB;
    const survivorId = x.status === 200 ? first.user.id : b.user.id;
    expect((await survivor.post(`/admin/users/${survivorId}/suspension`, {})).status).toBe(400);
    expect(await t.storage.users.countActiveAdmins()).toBe(1);
  });
});
