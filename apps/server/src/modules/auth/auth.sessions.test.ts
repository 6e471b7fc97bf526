import { CSRF_HEADER } from '@charla/shared-types';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authHeader, registerUser, startTestApp, TEST_PASSWORD, type TestApp } from '../../../test/harness.ts';
import type { AccountEventMap } from './account-events.ts';

describe('refresh, sessions and logout', () => {
  let t: TestApp;
  const revoked: AccountEventMap['session:revoked'][] = [];
  beforeAll(async () => {
    t = await startTestApp();
    t.charla.ctx.events.on('session:revoked', (e) => revoked.push(e));
  });
  afterAll(async () => {
    await t.close();
  });
  const api = (path: string) => `/api/v1${path}`;
  const refresh = (refreshToken: string) =>
    request(t.app).post(api('/auth/refresh')).send({ refreshToken, client: 'desktop' });

  it('rotates the refresh token; the new pair works', async () => {
    const u = await registerUser(t);
    const res = await refresh(u.refreshToken).expect(200);
    const next = res.body.data;
    expect(next.refreshToken).not.toBe(u.refreshToken);
    expect(next.sessionId).toBe(u.sessionId);
    await request(t.app).get(api('/auth/me')).set(authHeader(next.accessToken)).expect(200);
    await refresh(next.refreshToken).expect(200);
  });

  it('answers a just-rotated token with 409 within the grace, and revokes the session after it', async () => {
    const u = await registerUser(t);
    const rotated = (await refresh(u.refreshToken).expect(200)).body.data;
    const within = await refresh(u.refreshToken).expect(409);
    expect(within.body.code).toBe('conflict');
    // Still alive: the newest token works.
    const newest = (await refresh(rotated.refreshToken).expect(200)).body.data;
    t.clock.advance(11_000);
    const after = await refresh(rotated.refreshToken).expect(401);
    expect(after.body.code).toBe('session_revoked');
    expect(revoked).toContainEqual({ sessionId: u.sessionId, userId: u.user.id });
    // Reuse detection killed the whole session, including the thief's (or owner's) newest token.
    await refresh(newest.refreshToken).expect(401);
    const me = await request(t.app).get(api('/auth/me')).set(authHeader(newest.accessToken)).expect(401);
    expect(me.body.code).toBe('session_revoked');
    t.clock.reset();
  });

  it('lets only one of two concurrent refreshes win', async () => {
    const u = await registerUser(t);
    const [a, b] = await Promise.all([refresh(u.refreshToken), refresh(u.refreshToken)]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
  });

  it('rejects unknown, malformed and missing refresh tokens', async () => {
    expect((await refresh('x'.repeat(43)).expect(401)).body.code).toBe('unauthenticated');
    await request(t.app)
      .post(api('/auth/refresh'))
      .send({ refreshToken: { $gt: '' } })
      .expect(400);
    await request(t.app).post(api('/auth/refresh')).send({ refreshToken: 'short' }).expect(400);
    await request(t.app).post(api('/auth/refresh')).send({}).expect(401);
    await request(t.app).post(api('/auth/refresh')).expect(401);
  });

  it('refreshes web sessions from the cookie only with the CSRF header and an allowed origin', async () => {
    const u = await registerUser(t);
    const agent = request.agent(t.app);
    await agent.post(api('/auth/login')).send({ login: u.email, password: TEST_PASSWORD, client: 'web' }).expect(200);
    const noHeader = await agent.post(api('/auth/refresh')).send({ client: 'web' }).expect(403);
    expect(noHeader.body.message).toMatch(CSRF_HEADER);
    await agent
      .post(api('/auth/refresh'))
      .set(CSRF_HEADER, '1')
      .set('Origin', 'https://evil.example')
      .send({ client: 'web' })
      .expect(403);
    const ok = await agent
      .post(api('/auth/refresh'))
      .set(CSRF_HEADER, '1')
      .set('Origin', t.config.publicUrl)
      .send({ client: 'web' })
      .expect(200);
    expect(ok.body.data.refreshToken).toBeUndefined();
    expect(String(ok.headers['set-cookie'])).toMatch(/charla_rt=/);
    // The rotated cookie is in the agent's jar: refreshing again works.
    await agent.post(api('/auth/refresh')).set(CSRF_HEADER, '1').send({}).expect(200);
    // Logout by cookie clears it.
    const out = await agent.post(api('/auth/logout')).set(CSRF_HEADER, '1').send({}).expect(200);
    expect(String(out.headers['set-cookie'])).toMatch(/charla_rt=;/);
    await agent.post(api('/auth/refresh')).set(CSRF_HEADER, '1').send({}).expect(401);
  });

  it('lists my live sessions with the current one marked, and revokes one', async () => {
    const u = await registerUser(t);
    const second = (
      await request(t.app)
        .post(api('/auth/login'))
        .set('User-Agent', 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0')
        .send({ login: u.email, password: TEST_PASSWORD, client: 'web' })
        .expect(200)
    ).body.data;
    const list = (await request(t.app).get(api('/auth/sessions')).set(authHeader(u.accessToken)).expect(200)).body.data;
    expect(list).toHaveLength(2);
    const current = list.find((s: { current: boolean }) => s.current);
    expect(current).toMatchObject({ id: u.sessionId, deviceName: 'Test runner', platform: 'linux' });
    expect(list.find((s: { id: string }) => s.id === second.sessionId)).toMatchObject({
      deviceName: 'Firefox on Linux',
      platform: 'web',
      current: false,
    });
    await request(t.app)
      .delete(api(`/auth/sessions/${second.sessionId}`))
      .set(authHeader(u.accessToken))
      .expect(200);
    const me = await request(t.app).get(api('/auth/me')).set(authHeader(second.accessToken)).expect(401);
    expect(me.body.code).toBe('session_revoked');
    // Again: it is gone.
    await request(t.app)
      .delete(api(`/auth/sessions/${second.sessionId}`))
      .set(authHeader(u.accessToken))
      .expect(404);
  });

  it("cannot see or revoke another user's session", async () => {
    const a = await registerUser(t);
    const b = await registerUser(t);
    await request(t.app)
      .delete(api(`/auth/sessions/${b.sessionId}`))
      .set(authHeader(a.accessToken))
      .expect(404);
    await request(t.app).delete(api('/auth/sessions/nope')).set(authHeader(a.accessToken)).expect(404);
    await request(t.app).get(api('/auth/me')).set(authHeader(b.accessToken)).expect(200);
  });

  it('logs out the current session by access token, and everywhere with logout-all', async () => {
    const u = await registerUser(t);
    const other = (
      await request(t.app)
        .post(api('/auth/login'))
        .send({ login: u.email, password: TEST_PASSWORD, client: 'desktop' })
        .expect(200)
    ).body.data;
    await request(t.app).post(api('/auth/logout')).set(authHeader(u.accessToken)).expect(200);
    await request(t.app).get(api('/auth/me')).set(authHeader(u.accessToken)).expect(401);
    await refresh(u.refreshToken).expect(401);
    await request(t.app).get(api('/auth/me')).set(authHeader(other.accessToken)).expect(200);
    const third = (
      await request(t.app)
        .post(api('/auth/login'))
        .send({ login: u.email, password: TEST_PASSWORD, client: 'desktop' })
        .expect(200)
    ).body.data;
    await request(t.app).post(api('/auth/logout-all')).set(authHeader(other.accessToken)).expect(200);
    for (const s of [other, third]) {
      await request(t.app).get(api('/auth/me')).set(authHeader(s.accessToken)).expect(401);
      await refresh(s.refreshToken).expect(401);
    }
    expect(revoked.filter((e) => e.userId === u.user.id).map((e) => e.sessionId)).toEqual(
      expect.arrayContaining([u.sessionId, other.sessionId, third.sessionId]),
    );
  });

  it('logs out by refresh token in the body; with nothing valid it answers 401', async () => {
    const u = await registerUser(t);
    await request(t.app).post(api('/auth/logout')).send({ refreshToken: u.refreshToken }).expect(200);
    await refresh(u.refreshToken).expect(401);
    await request(t.app).post(api('/auth/logout')).send({}).expect(401);
    await request(t.app).post(api('/auth/logout')).set(authHeader('garbage')).send({}).expect(401);
  });

  it('rejects expired, forged and malformed access tokens', async () => {
    const u = await registerUser(t);
    t.clock.advance((t.config.ACCESS_TOKEN_TTL_SECONDS + 5) * 1000);
    const expired = await request(t.app).get(api('/auth/me')).set(authHeader(u.accessToken)).expect(401);
    expect(expired.body.code).toBe('token_expired');
    t.clock.reset();
    const [h, p] = u.accessToken.split('.');
    const forged = `${h}.${p}.${'A'.repeat(43)}`;
    expect((await request(t.app).get(api('/auth/me')).set(authHeader(forged)).expect(401)).body.code).toBe(
      'unauthenticated',
    );
    const noneAlg = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${p}.`;
    await request(t.app).get(api('/auth/me')).set(authHeader(noneAlg)).expect(401);
    await request(t.app).get(api('/auth/me')).set('Authorization', 'Basic abc').expect(401);
    await request(t.app)
      .get(api('/auth/me'))
      .set(authHeader('x'.repeat(10_000)))
      .expect(401);
    await request(t.app).get(api('/auth/me')).expect(401);
  });

  it('exposes verifyAccessToken for the socket handshake', async () => {
    const u = await registerUser(t);
    await expect(t.charla.ctx.verifyAccessToken(u.accessToken)).resolves.toEqual({
      userId: u.user.id,
      sessionId: u.sessionId,
      role: u.user.role,
    });
    await request(t.app).post(api('/auth/logout')).set(authHeader(u.accessToken)).expect(200);
    await expect(t.charla.ctx.verifyAccessToken(u.accessToken)).rejects.toMatchObject({
      status: 401,
      code: 'session_revoked',
    });
    await expect(t.charla.ctx.verifyAccessToken('nope')).rejects.toMatchObject({ code: 'unauthenticated' });
  });

  it('ends every session of a user when user:suspended is emitted', async () => {
    const u = await registerUser(t);
    await t.storage.users.update(u.user.id, { suspendedAt: new Date() });
    t.charla.ctx.events.emit('user:suspended', { userId: u.user.id });
    await new Promise((r) => setTimeout(r, 20));
    expect(revoked).toContainEqual({ sessionId: u.sessionId, userId: u.user.id });
    expect((await request(t.app).get(api('/auth/me')).set(authHeader(u.accessToken)).expect(401)).body.code).toBe(
      'session_revoked',
    );
    const res = await request(t.app)
      .post(api('/auth/login'))
      .send({ login: u.email, password: TEST_PASSWORD })
      .expect(403);
    expect(res.body.code).toBe('account_suspended');
  });
});
