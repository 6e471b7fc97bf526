import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authHeader, registerUser, startTestApp, TEST_PASSWORD, type TestApp } from '../../../test/harness.ts';

/** The token from the last mail's link to `to`. */
function tokenFrom(t: TestApp, to: string, path: string): string {
  const link = t.mail.lastTo(to)?.link;
  expect(link).toBeDefined();
  const url = new URL(link ?? '');
  expect(`${url.origin}${url.pathname}`).toBe(`${t.config.publicUrl}${path}`);
  return url.searchParams.get('token') ?? '';
}

const settle = () => new Promise((r) => setTimeout(r, 50));

describe('email verification, password reset and change', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });
  const api = (path: string) => `/api/v1${path}`;
  const login = (email: string, password: string) =>
    request(t.app).post(api('/auth/login')).send({ login: email, password, client: 'desktop' });
  /**
   * An account whose email is not verified (sign-up verifies it with the mailed code; accounts from a
   * provider that vouches for nothing, or from before, are not) with its verification link mailed.
   */
  const unverifiedUser = async () => {
    const u = await registerUser(t);
    await t.storage.users.update(u.user.id, { emailVerifiedAt: null });
    await request(t.app).post(api('/auth/resend-verification')).set(authHeader(u.accessToken)).expect(202);
    return u;
  };

  it('mails a single-use sign-up code and link at registration; the link (with the password) signs in once', async () => {
    const email = 'linked@example.com';
    await request(t.app)
      .post(api('/auth/register'))
      .send({ email, password: TEST_PASSWORD, displayName: 'Linked' })
      .expect(202);
    const mail = t.mail.lastTo(email);
    expect(mail?.subject).toMatch(/sign-up code/);
    expect(mail?.code).toMatch(/^\d{6}$/);
    expect(mail?.text).toContain(mail?.code);
    expect(mail?.text).toContain(mail?.link);
    const link = tokenFrom(t, email, '/complete-signup');
    const complete = (body: object) =>
      request(t.app)
        .post(api('/auth/register/verify'))
        .send({ client: 'desktop', ...body });
    // The link alone is not enough: it needs the password chosen at sign-up.
    const wrong = await complete({ token: link, password: 'not the one chosen' }).expect(400);
    expect(wrong.body.details.password).toBeDefined();
    const done = await complete({ token: link, password: TEST_PASSWORD }).expect(201);
    expect(done.body.data.user).toMatchObject({ email, emailVerified: true, displayName: 'Linked' });
    expect(done.body.data.refreshToken).toBeTypeOf('string');
    await complete({ token: link, password: TEST_PASSWORD }).expect(400);
    // The code died with the link.
    await complete({ email, code: mail?.code, password: TEST_PASSWORD }).expect(400);
  });

  it('verifies an unverified account with a single-use link', async () => {
    const u = await unverifiedUser();
    const mail = t.mail.lastTo(u.email);
    expect(mail?.subject).toMatch(/Confirm/);
    expect(mail?.text).toContain(mail?.link);
    const token = tokenFrom(t, u.email, '/verify-email');
    const res = await request(t.app).post(api('/auth/verify-email')).send({ token }).expect(200);
    expect(res.body.data).toMatchObject({ id: u.user.id, emailVerified: true });
    await request(t.app).post(api('/auth/verify-email')).send({ token }).expect(400);
    const me = await request(t.app).get(api('/auth/me')).set(authHeader(u.accessToken)).expect(200);
    expect(me.body.data.emailVerified).toBe(true);
  });

  it('resends verification (old link dies) and says when already verified', async () => {
    const u = await unverifiedUser();
    const first = tokenFrom(t, u.email, '/verify-email');
    await request(t.app).post(api('/auth/resend-verification')).set(authHeader(u.accessToken)).expect(202);
    const second = tokenFrom(t, u.email, '/verify-email');
    expect(second).not.toBe(first);
    await request(t.app).post(api('/auth/verify-email')).send({ token: first }).expect(400);
    await request(t.app).post(api('/auth/verify-email')).send({ token: second }).expect(200);
    const again = await request(t.app)
      .post(api('/auth/resend-verification'))
      .set(authHeader(u.accessToken))
      .expect(202);
    expect(again.body.message).toMatch(/already verified/);
    await request(t.app).post(api('/auth/resend-verification')).expect(401);
  });

  it('rejects expired and malformed verification tokens', async () => {
    const u = await unverifiedUser();
    const token = tokenFrom(t, u.email, '/verify-email');
    t.clock.advance(25 * 60 * 60 * 1000);
    await request(t.app).post(api('/auth/verify-email')).send({ token }).expect(400);
    t.clock.reset();
    for (const body of [{}, { token: { $gt: '' } }, { token: 'short' }, { token: ['a'.repeat(20)] }]) {
      await request(t.app).post(api('/auth/verify-email')).send(body).expect(400);
    }
  });

  it('answers forgot-password with 202 for known and unknown emails alike', async () => {
    const u = await registerUser(t);
    const sentBefore = t.mail.sent.length;
    const known = await request(t.app).post(api('/auth/forgot-password')).send({ email: u.email }).expect(202);
    const unknown = await request(t.app)
      .post(api('/auth/forgot-password'))
      .send({ email: 'ghost@example.com' })
      .expect(202);
    expect(known.body).toEqual(unknown.body);
    await settle();
    expect(t.mail.sent.length).toBe(sentBefore + 1);
    expect(t.mail.lastTo('ghost@example.com')).toBeUndefined();
    expect(t.mail.lastTo(u.email)?.subject).toMatch(/Reset/);
    await request(t.app)
      .post(api('/auth/forgot-password'))
      .send({ email: { $gt: '' } })
      .expect(400);
    await request(t.app).post(api('/auth/forgot-password')).send({ email: 'nope' }).expect(400);
  });

  it('resets the password with a single-use token and revokes every session', async () => {
    const u = await registerUser(t);
    await request(t.app).post(api('/auth/forgot-password')).send({ email: u.email }).expect(202);
    await settle();
    const token = tokenFrom(t, u.email, '/reset-password');
    // A rejected password does not burn the token.
    await request(t.app).post(api('/auth/reset-password')).send({ token, password: 'password1' }).expect(400);
    await request(t.app).post(api('/auth/reset-password')).send({ token, password: 'brand new secret 42' }).expect(200);
    await request(t.app).post(api('/auth/reset-password')).send({ token, password: 'another secret 43' }).expect(400);
    const me = await request(t.app).get(api('/auth/me')).set(authHeader(u.accessToken)).expect(401);
    expect(me.body.code).toBe('session_revoked');
    await request(t.app).post(api('/auth/refresh')).send({ refreshToken: u.refreshToken }).expect(401);
    await login(u.email, TEST_PASSWORD).expect(401);
    const fresh = await login(u.email, 'brand new secret 42').expect(200);
    expect(fresh.body.data.user.emailVerified).toBe(true);
  });

  it('keeps only the newest reset link and expires it after 30 minutes', async () => {
    const u = await registerUser(t);
    await request(t.app).post(api('/auth/forgot-password')).send({ email: u.email }).expect(202);
    await settle();
    const first = tokenFrom(t, u.email, '/reset-password');
    await request(t.app).post(api('/auth/forgot-password')).send({ email: u.email }).expect(202);
    await settle();
    const second = tokenFrom(t, u.email, '/reset-password');
    await request(t.app)
      .post(api('/auth/reset-password'))
      .send({ token: first, password: 'fine new secret 1' })
      .expect(400);
    t.clock.advance(31 * 60 * 1000);
    await request(t.app)
      .post(api('/auth/reset-password'))
      .send({ token: second, password: 'fine new secret 1' })
      .expect(400);
    t.clock.reset();
    await login(u.email, TEST_PASSWORD).expect(200);
  });

  it('changes the password and signs out the other sessions only', async () => {
    const u = await registerUser(t);
    const other = (await login(u.email, TEST_PASSWORD).expect(200)).body.data;
    const wrong = await request(t.app)
      .post(api('/auth/change-password'))
      .set(authHeader(u.accessToken))
      .send({ currentPassword: 'not it at all', newPassword: 'shiny new secret 7' })
      .expect(400);
    expect(wrong.body.details).toHaveProperty('currentPassword');
    const common = await request(t.app)
      .post(api('/auth/change-password'))
      .set(authHeader(u.accessToken))
      .send({ currentPassword: TEST_PASSWORD, newPassword: 'qwertyuiop' })
      .expect(400);
    expect(common.body.details).toHaveProperty('newPassword');
    await request(t.app)
      .post(api('/auth/change-password'))
      .set(authHeader(u.accessToken))
      .send({ currentPassword: TEST_PASSWORD, newPassword: 'shiny new secret 7' })
      .expect(200);
    await request(t.app).get(api('/auth/me')).set(authHeader(u.accessToken)).expect(200);
    await request(t.app).get(api('/auth/me')).set(authHeader(other.accessToken)).expect(401);
    await login(u.email, 'shiny new secret 7').expect(200);
    await request(t.app)
      .post(api('/auth/change-password'))
      .send({ currentPassword: TEST_PASSWORD, newPassword: 'shiny new secret 8' })
      .expect(401);
    await request(t.app)
      .post(api('/auth/change-password'))
      .set(authHeader(u.accessToken))
      .send({ currentPassword: { $ne: 'x' }, newPassword: 'shiny new secret 8' })
      .expect(400);
  });
});

describe('resending the verification mail is rate-limited per account', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ rateLimits: true });
  });
  afterAll(async () => {
    await t.close();
  });

  it('allows one resend a minute per account, whoever else resends', async () => {
    const [ana, ben] = [await registerUser(t), await registerUser(t)];
    const resend = (token: string) => request(t.app).post('/api/v1/auth/resend-verification').set(authHeader(token));
    await resend(ana.accessToken).expect(202);
    const again = await resend(ana.accessToken).expect(429);
    expect(again.body.code).toBe('rate_limited');
    expect(Number(again.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(again.headers['retry-after'])).toBeLessThanOrEqual(60);
    // Another account on the same IP is not held back by Ana's limit.
    await resend(ben.accessToken).expect(202);
  });
});
