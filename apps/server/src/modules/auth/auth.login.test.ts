import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authHeader, registerUser, startTestApp, TEST_PASSWORD, type TestApp } from '../../../test/harness.ts';

describe('register and login', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('registers through the harness; the first account is admin', async () => {
    const a = await registerUser(t);
    expect(a.user.role).toBe('admin');
    expect(a.user.emailVerified).toBe(false);
    expect(a.refreshToken).toMatch(/^[\w-]{43}$/);
    const b = await registerUser(t);
    expect(b.user.role).toBe('user');
    const me = await request(t.app).get('/api/v1/auth/me').set(authHeader(b.accessToken)).expect(200);
    expect(me.body.data).toMatchObject({ id: b.user.id, email: b.email, hasPassword: true });
  });

  it('logs in by email or username (any case) with one error for unknown user and wrong password', async () => {
    const u = await registerUser(t, { username: 'MixedCase_1' });
    for (const login of [u.email.toUpperCase(), 'mixedcase_1']) {
      const res = await request(t.app)
        .post('/api/v1/auth/login')
        .send({ login, password: TEST_PASSWORD, client: 'desktop' })
        .expect(200);
      expect(res.body.data.user.id).toBe(u.user.id);
      expect(res.body.data.refreshToken).toBeTypeOf('string');
    }
    const wrong = await request(t.app)
      .post('/api/v1/auth/login')
      .send({ login: u.email, password: 'not the password' })
      .expect(401);
    const unknown = await request(t.app)
      .post('/api/v1/auth/login')
      .send({ login: 'nobody@example.com', password: 'not the password' })
      .expect(401);
    expect(wrong.body.message).toBe(unknown.body.message);
    expect(wrong.body.code).toBe(unknown.body.code);
  });
});
