import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authHeader,
  registerUser,
  signUpCodeFor,
  startTestApp,
  TEST_PASSWORD,
  type TestApp,
} from '../../../test/harness.ts';

describe('register and login', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { ADMIN_EMAILS: 'Boss@Example.com' } });
  });
  afterAll(async () => {
    await t.close();
  });
  const post = (path: string, body: unknown) =>
    request(t.app)
      .post(`/api/v1${path}`)
      .send(body as object);
  /** Signs up (202, no session), then enters the mailed code: the auth result (201). */
  const signUp = async (body: { email: string; password: string; displayName: string; [k: string]: unknown }) => {
    await post('/auth/register', body).expect(202);
    const email = body.email.trim().toLowerCase();
    const code = await signUpCodeFor(t.api, email);
    return post('/auth/register/verify', { email, code, password: body.password, client: 'desktop' }).expect(201);
  };

  it('registers through the harness; the first account is admin, the next a user', async () => {
    const a = await registerUser(t);
    expect(a.user.role).toBe('admin');
    // The mailed code proved the address.
    expect(a.user.emailVerified).toBe(true);
    expect(a.refreshToken).toMatch(/^[\w-]{43}$/);
    const b = await registerUser(t);
    expect(b.user.role).toBe('user');
    const me = await request(t.app).get('/api/v1/auth/me').set(authHeader(b.accessToken)).expect(200);
    expect(me.body.data).toMatchObject({ id: b.user.id, email: b.email, hasPassword: true });
    expect(me.body.data).not.toHaveProperty('passwordHash');
  });

  it('makes ADMIN_EMAILS admins and normalises the email', async () => {
    const res = await signUp({
      email: '  BOSS@example.COM ',
      password: TEST_PASSWORD,
      displayName: 'Boss',
      client: 'desktop',
    });
    expect(res.body.data.user).toMatchObject({ email: 'boss@example.com', role: 'admin', username: 'boss' });
  });

  it('derives a free username from the email when none is given', async () => {
    await registerUser(t, { username: 'samesame' });
    const res = await signUp({
      email: 'samesame@other.org',
      password: TEST_PASSWORD,
      displayName: 'Same',
    });
    expect(res.body.data.user.username).toMatch(/^samesame\d{4,5}$/);
  });

  it('answers a taken email like a new one (no 409, no session) and a taken username (any case) with 409', async () => {
    const u = await registerUser(t, { username: 'Taken_Name' });
    const dupEmail = await post('/auth/register', {
      email: u.email.toUpperCase(),
      password: TEST_PASSWORD,
      displayName: 'X',
    }).expect(202);
    const fresh = await post('/auth/register', {
      email: 'brand-new@example.com',
      password: TEST_PASSWORD,
      displayName: 'X',
    }).expect(202);
    expect({ ...dupEmail.body.data, email: '' }).toEqual({ ...fresh.body.data, email: '' });
    expect(dupEmail.body.message).toBe(fresh.body.message);
    expect(dupEmail.body.data).not.toHaveProperty('accessToken');
    const dupName = await post('/auth/register', {
      email: 'fresh@example.com',
      username: 'taken_name',
      password: TEST_PASSWORD,
      displayName: 'X',
    }).expect(409);
    expect(dupName.body.details).toHaveProperty('username');
  });

  it('enforces password rules: 8 chars, 72 bytes (never truncated), not a common password', async () => {
    const base = { email: 'pw@example.com', displayName: 'Pw' };
    const short = await post('/auth/register', { ...base, password: 'short1!' }).expect(400);
    expect(short.body.details.password).toBeDefined();
    // 36 two-byte characters = 72 bytes: allowed; one more is 74 bytes: rejected.
    await post('/auth/register', { ...base, password: 'é'.repeat(37) }).expect(400);
    const common = await post('/auth/register', { ...base, password: 'Password123' }).expect(400);
    expect(common.body.details.password[0]).toMatch(/common/);
    const ok = await signUp({ ...base, password: 'é'.repeat(36), client: 'desktop' });
    await post('/auth/login', { login: 'pw@example.com', password: 'é'.repeat(36) }).expect(200);
    expect(ok.body.data.user.email).toBe('pw@example.com');
  });

  it('logs in by email or username (any case) with one error for unknown user and wrong password', async () => {
    const u = await registerUser(t, { username: 'MixedCase_1' });
    for (const login of [u.email.toUpperCase(), 'mixedcase_1']) {
      const res = await post('/auth/login', { login, password: TEST_PASSWORD, client: 'desktop' }).expect(200);
      expect(res.body.data.user.id).toBe(u.user.id);
      expect(res.body.data.refreshToken).toBeTypeOf('string');
    }
    const wrong = await post('/auth/login', { login: u.email, password: 'not the password' }).expect(401);
    const unknown = await post('/auth/login', { login: 'nobody@example.com', password: 'not the password' }).expect(
      401,
    );
    const unknownName = await post('/auth/login', { login: 'nobody_here', password: 'not the password' }).expect(401);
    expect(wrong.body.message).toBe(unknown.body.message);
    expect(unknownName.body.code).toBe(unknown.body.code);
    expect(wrong.body.code).toBe('unauthenticated');
  });

  it('gives web clients the refresh token only as an httpOnly SameSite=Strict cookie on the auth path', async () => {
    const u = await registerUser(t);
    const res = await post('/auth/login', { login: u.email, password: TEST_PASSWORD, client: 'web' }).expect(200);
    expect(res.body.data.refreshToken).toBeUndefined();
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/charla_rt=[\w-]{43};/);
    expect(cookie).toMatch(/Path=\/api\/v1\/auth/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).not.toMatch(/Secure/); // PUBLIC_URL is http here
  });

  it('refuses suspended accounts with account_suspended (only after the right password)', async () => {
    const u = await registerUser(t);
    await t.storage.users.update(u.user.id, { suspendedAt: new Date() });
    const res = await post('/auth/login', { login: u.email, password: TEST_PASSWORD }).expect(403);
    expect(res.body.code).toBe('account_suspended');
    await post('/auth/login', { login: u.email, password: 'wrong password!' }).expect(401);
  });

  it('answers bad inputs with 400s, never a 500', async () => {
    const bad: unknown[] = [
      {},
      { login: 'a' },
      { login: { $gt: '' }, password: { $gt: '' } },
      { login: ['a'], password: 'x' },
      { login: 'a@b.c', password: 12345678 },
      { login: 'a@b.c', password: 'x', client: 'tv' },
      { login: 'a@b.c', password: 'x', extra: true },
      JSON.parse('{"login":"a@b.c","password":"x","device":{"name":"x","platform":"web","__proto__":{"a":1}}}'),
      JSON.parse('{"__proto__": {"login": "x"}, "password": "y"}'),
      { login: 'x'.repeat(300), password: 'y' },
      { login: 'a@b.c', password: 'y'.repeat(2000) },
    ];
    for (const body of bad) {
      const res = await post('/auth/login', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body).toMatchObject({ error: true, status: 400, code: 'validation_failed' });
    }
    const regBad: unknown[] = [
      { email: 'not-an-email', password: TEST_PASSWORD, displayName: 'x' },
      { email: { $gt: '' }, password: TEST_PASSWORD, displayName: 'x' },
      { email: 'a@b.co', password: TEST_PASSWORD, displayName: '' },
      { email: 'a@b.co', password: TEST_PASSWORD, displayName: '   ' },
      { email: 'a@b.co', password: TEST_PASSWORD, displayName: 'x', username: 'a b' },
      { email: 'a@b.co', password: TEST_PASSWORD, displayName: 'x', username: 'émile' },
      { email: 'a@b.co', password: TEST_PASSWORD, displayName: 'x', username: 'ab' },
      { email: 'a@b.co', password: TEST_PASSWORD, displayName: 'x'.repeat(65) },
      { email: 'a@b.co', password: TEST_PASSWORD, displayName: 'x', role: 'admin' },
      { email: 'a@b.co', password: null, displayName: 'x' },
    ];
    for (const body of regBad) {
      const res = await post('/auth/register', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    await request(t.app).post('/api/v1/auth/login').set('content-type', 'text/plain').send('hello').expect(400);
    await request(t.app)
      .post('/api/v1/auth/register')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ email: 'big@example.com', password: TEST_PASSWORD, displayName: 'x'.repeat(70_000) }))
      .expect(413);
  });

  it('accepts unicode display names and keeps them intact', async () => {
    const name = '  Zoë 🦊 נעמי  ';
    const res = await signUp({
      email: 'zoe@example.com',
      password: TEST_PASSWORD,
      displayName: name,
      client: 'desktop',
    });
    expect(res.body.data.user.displayName).toBe('Zoë 🦊 נעמי');
    for (const displayName of ['a\u0000b', 'bell\u0007', 'esc\u001b[31m', 'c1\u0085']) {
      await post('/auth/register', { email: 'ctl@example.com', password: TEST_PASSWORD, displayName }).expect(400);
    }
    // Composed and decomposed forms are different strings; both are kept as typed.
    const nfd = 'Zoe\u0308';
    const res2 = await signUp({ email: 'nfd@example.com', password: TEST_PASSWORD, displayName: nfd });
    expect(res2.body.data.user.displayName).toBe(nfd);
  });

  it('lists the sign-in providers from config', async () => {
    const res = await request(t.app).get('/api/v1/auth/providers').expect(200);
    expect(res.body.data).toEqual({ password: true, google: false, github: false, oidc: null });
  });
});
