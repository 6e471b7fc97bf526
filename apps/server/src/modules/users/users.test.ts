import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authHeader,
  type RegisteredUser,
  registerUser,
  startTestApp,
  TEST_PASSWORD,
  type TestApp,
} from '../../../test/harness.ts';

describe('users', () => {
  let t: TestApp;
  let me: RegisteredUser;
  let anna: RegisteredUser;
  beforeAll(async () => {
    t = await startTestApp();
    me = await registerUser(t, { username: 'searcher', displayName: 'Searcher' });
    anna = await registerUser(t, { username: 'anna_k', displayName: 'Anna Karenina', email: 'anna@example.com' });
    await registerUser(t, { username: 'annabel', displayName: 'Belle' });
    await registerUser(t, { username: 'zed', displayName: 'Annie Zed' });
    await registerUser(t, { username: 'bob', displayName: 'Bob' });
  });
  afterAll(async () => {
    await t.close();
  });
  const get = (path: string, who = me) => request(t.app).get(`/api/v1${path}`).set(authHeader(who.accessToken));

  it('searches by prefix of username or display name (email for site admins only), excluding me, paginated', async () => {
    const res = await get('/users?q=ann').expect(200);
    const names = res.body.data.items.map((u: { username: string }) => u.username);
    expect(names).toEqual(['anna_k', 'annabel', 'zed']);
    expect(res.body.data.items[0]).not.toHaveProperty('email');
    // `me` is the first account, so a site admin: it may find someone by email.
    expect(me.user.role).toBe('admin');
    const byEmail = await get('/users?q=anna@ex').expect(200);
    expect(byEmail.body.data.items.map((u: { id: string }) => u.id)).toEqual([anna.user.id]);
    // Anyone else: the email is never matched (profiles hide it, search must not reveal it).
    const plain = await registerUser(t);
    expect((await get('/users?q=anna@ex', plain).expect(200)).body.data.items).toEqual([]);
    expect((await get('/users?q=anna%40example.com', plain).expect(200)).body.data.items).toEqual([]);
    expect((await get('/users?q=anna', plain).expect(200)).body.data.items).toHaveLength(2);
    const mine = await get('/users?q=search').expect(200);
    expect(mine.body.data.items).toEqual([]);
    const page1 = await get('/users?q=&limit=2').expect(200);
    expect(page1.body.data.items).toHaveLength(2);
    expect(page1.body.data.nextCursor).toBeTypeOf('string');
    const page2 = await get(`/users?q=&limit=2&cursor=${encodeURIComponent(page1.body.data.nextCursor)}`).expect(200);
    const seen = [...page1.body.data.items, ...page2.body.data.items].map((u: { id: string }) => u.id);
    expect(new Set(seen).size).toBe(4);
  });

  it('treats LIKE wildcards and odd input literally; rejects bad query params', async () => {
    expect((await get('/users?q=%25').expect(200)).body.data.items).toEqual([]);
    expect((await get('/users?q=_').expect(200)).body.data.items).toEqual([]);
    expect((await get(`/users?q=${encodeURIComponent("' OR 1=1 --")}`).expect(200)).body.data.items).toEqual([]);
    await get('/users?q=a&q=b').expect(400);
    // The simple query parser keeps "q[$gt]" as a literal key: no operator object can appear.
    await get('/users?q[$gt]=').expect(200);
    await get('/users?limit=0').expect(400);
    await get('/users?limit=abc').expect(400);
    await get(`/users?q=${'a'.repeat(65)}`).expect(400);
    await request(t.app).get('/api/v1/users?q=a').expect(401);
  });

  it('shows a public profile with last seen subject to privacy; 404 for unknown ids', async () => {
    const seenAt = new Date('2026-05-01T10:00:00.000Z');
    await t.storage.users.update(anna.user.id, { lastSeenAt: seenAt });
    // Last seen is for people who share a chat with Anna (as live presence is): a stranger gets null.
    const stranger = await registerUser(t);
    expect((await get(`/users/${anna.user.id}`, stranger).expect(200)).body.data.lastSeenAt).toBeNull();
    await request(t.app)
      .post('/api/v1/conversations')
      .set(authHeader(me.accessToken))
      .send({ kind: 'direct', userId: anna.user.id })
      .expect((r) => expect([200, 201]).toContain(r.status));
    const res = await get(`/users/${anna.user.id}`).expect(200);
    expect(res.body.data).toEqual({
      id: anna.user.id,
      username: 'anna_k',
      displayName: 'Anna Karenina',
      about: '',
      avatarUrl: null,
      lastSeenAt: seenAt.toISOString(),
      deleted: false,
    });
    await request(t.app)
      .patch('/api/v1/users/me')
      .set(authHeader(anna.accessToken))
      .send({ lastSeenVisibility: 'nobody' })
      .expect(200);
    expect((await get(`/users/${anna.user.id}`).expect(200)).body.data.lastSeenAt).toBeNull();
    await get('/users/00000000-0000-0000-0000-000000000000').expect(404);
    await get(`/users/${'x'.repeat(500)}`).expect(404);
    await get('/users/%00').expect(404);
  });

  it('updates my profile with validation and a 409 on a taken username', async () => {
    const res = await request(t.app)
      .patch('/api/v1/users/me')
      .set(authHeader(me.accessToken))
      .send({ displayName: ' Søren 🌊 ', about: 'Hej!', username: 'Searcher2' })
      .expect(200);
    expect(res.body.data).toMatchObject({ displayName: 'Søren 🌊', about: 'Hej!', username: 'Searcher2' });
    const taken = await request(t.app)
      .patch('/api/v1/users/me')
      .set(authHeader(me.accessToken))
      .send({ username: 'ANNA_K' })
      .expect(409);
    expect(taken.body.details).toHaveProperty('username');
    for (const body of [
      { role: 'admin' },
      { email: 'new@example.com' },
      { displayName: '' },
      { about: 'x'.repeat(281) },
      { username: { $gt: '' } },
      { lastSeenVisibility: 'friends' },
      JSON.parse('{"__proto__": {"role": "admin"}}'),
    ]) {
      const bad = await request(t.app).patch('/api/v1/users/me').set(authHeader(me.accessToken)).send(body);
      expect(bad.status, JSON.stringify(body)).toBe(400);
    }
    expect((await get('/users/me').expect(200)).body.data.role).not.toBe('superuser');
  });

  it('blocks and unblocks users', async () => {
    const bob = await registerUser(t);
    await request(t.app).post(`/api/v1/users/${bob.user.id}/block`).set(authHeader(me.accessToken)).expect(200);
    await request(t.app).post(`/api/v1/users/${bob.user.id}/block`).set(authHeader(me.accessToken)).expect(200);
    expect(await t.storage.blocks.isBlockedEitherWay(bob.user.id, me.user.id)).toBe(true);
    const list = await get('/users/me/blocked').expect(200);
    expect(list.body.data.map((u: { id: string }) => u.id)).toEqual([bob.user.id]);
    await request(t.app).delete(`/api/v1/users/${bob.user.id}/block`).set(authHeader(me.accessToken)).expect(200);
    expect((await get('/users/me/blocked').expect(200)).body.data).toEqual([]);
    await request(t.app).post(`/api/v1/users/${me.user.id}/block`).set(authHeader(me.accessToken)).expect(400);
    await request(t.app).post('/api/v1/users/unknown-id/block').set(authHeader(me.accessToken)).expect(404);
    await request(t.app).post(`/api/v1/users/${bob.user.id}/block`).expect(401);
  });

  it('deletes my account with the password: sessions revoked, profile anonymised', async () => {
    const gone = await registerUser(t, { username: 'leaving', displayName: 'Leaving Soon' });
    await request(t.app)
      .delete('/api/v1/users/me')
      .set(authHeader(gone.accessToken))
      .send({ password: 'wrong password' })
      .expect(400);
    await request(t.app).delete('/api/v1/users/me').set(authHeader(gone.accessToken)).send({}).expect(400);
    await request(t.app)
      .delete('/api/v1/users/me')
      .set(authHeader(gone.accessToken))
      .send({ password: TEST_PASSWORD })
      .expect(200);
    const after = await request(t.app).get('/api/v1/auth/me').set(authHeader(gone.accessToken)).expect(401);
    expect(after.body.code).toBe('session_revoked');
    await request(t.app).post('/api/v1/auth/login').send({ login: gone.email, password: TEST_PASSWORD }).expect(401);
    const profile = await get(`/users/${gone.user.id}`).expect(200);
    expect(profile.body.data).toMatchObject({ displayName: 'Deleted account', deleted: true, lastSeenAt: null });
    expect(profile.body.data.username).not.toBe('leaving');
    expect((await get('/users?q=leaving').expect(200)).body.data.items).toEqual([]);
    // The email is free again.
    await registerUser(t, { email: gone.email, username: 'leaving' });
  });

  it('deletes an account without a password (Google/OIDC) by typed username from a fresh sign-in only', async () => {
    const sso = await registerUser(t, { username: 'sso_only', displayName: 'SSO Only' });
    // Eleven minutes later the same person signs in again on another device: a fresh session.
    t.clock.advance(11 * 60 * 1000);
    const login = await request(t.app)
      .post('/api/v1/auth/login')
      .send({ login: sso.email, password: TEST_PASSWORD, client: 'desktop' })
      .expect(200);
    const fresh: string = login.body.data.accessToken;
    // What an account created through Google/OIDC looks like: no password hash.
    await t.storage.users.update(sso.user.id, { passwordHash: null });
    const del = (token: string, body: object) =>
      request(t.app).delete('/api/v1/users/me').set(authHeader(token)).send(body);
    const wrong = await del(fresh, { confirmUsername: 'someone_else' }).expect(400);
    expect(wrong.body.details).toHaveProperty('confirmUsername');
    await del(fresh, { password: 'anything at all' }).expect(400);
    await del(fresh, { confirmUsername: { $ne: null } }).expect(400);
    // The first session's sign-in is older than ten minutes: refused.
    const stale = await del(sso.accessToken, { confirmUsername: 'SSO_ONLY' }).expect(403);
    expect(stale.body.message).toMatch(/Sign in again/);
    await del(fresh, { confirmUsername: 'SSO_ONLY' }).expect(200);
    expect((await get(`/users/${sso.user.id}`).expect(200)).body.data).toMatchObject({ deleted: true });
  });

  it('asks a password account for its password, not its username', async () => {
    const pw = await registerUser(t, { username: 'has_password' });
    const res = await request(t.app)
      .delete('/api/v1/users/me')
      .set(authHeader(pw.accessToken))
      .send({ confirmUsername: 'has_password' })
      .expect(400);
    expect(res.body.details).toHaveProperty('password');
  });
});
