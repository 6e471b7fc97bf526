import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authHeader, registerUser, startTestApp, TEST_PASSWORD, type TestApp } from '../../../test/harness.ts';

const browser = { Accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

function linkOf(t: TestApp, to: string): URL {
  const link = t.mail.lastTo(to)?.link;
  expect(link).toBeDefined();
  return new URL(link ?? '');
}

/** An account whose email is not verified (as accounts from before sign-up codes), and its mailed link. */
async function unverified(t: TestApp) {
  const u = await registerUser(t);
  await t.storage.users.update(u.user.id, { emailVerifiedAt: null });
  await request(t.app).post('/api/v1/auth/resend-verification').set(authHeader(u.accessToken)).expect(202);
  return u;
}

async function groupInvite(t: TestApp): Promise<{ code: string; webUrl: string }> {
  const owner = await registerUser(t);
  const g = await request(t.app)
    .post('/api/v1/conversations')
    .set(authHeader(owner.accessToken))
    .send({ kind: 'group', title: 'Links', memberIds: [] })
    .expect(201);
  const inv = await request(t.app)
    .post(`/api/v1/conversations/${g.body.data.id}/invites`)
    .set(authHeader(owner.accessToken))
    .send({})
    .expect(201);
  return inv.body.data;
}

describe('mailed and shared links when the web client is elsewhere (WEB_URL, as under npm run up)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { WEB_URL: 'http://127.0.0.1:5173' } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('points sign-up, verification, reset and invite links at the web client', async () => {
    const u = await registerUser(t);
    const signUp = t.mail.sent.find((m) => m.to === u.email)?.link ?? '';
    expect(`${new URL(signUp).origin}${new URL(signUp).pathname}`).toBe('http://127.0.0.1:5173/complete-signup');
    const v = await unverified(t);
    expect(`${linkOf(t, v.email).origin}${linkOf(t, v.email).pathname}`).toBe('http://127.0.0.1:5173/verify-email');
    await request(t.app).post('/api/v1/auth/forgot-password').send({ email: u.email }).expect(202);
    await new Promise((r) => setTimeout(r, 50));
    const reset = linkOf(t, u.email);
    expect(`${reset.origin}${reset.pathname}`).toBe('http://127.0.0.1:5173/reset-password');
    const invite = await groupInvite(t);
    expect(invite.webUrl).toBe(`http://127.0.0.1:5173/invite/${invite.code}`);
  });

  it('sends a browser that asks the API server for a link to the web client, query kept', async () => {
    for (const p of [
      '/complete-signup?token=abc_123',
      '/verify-email?token=abc_123',
      '/reset-password?token=xyz',
      '/invite/abcdEFGH12',
    ]) {
      const res = await request(t.app).get(p).set(browser).expect(302);
      expect(res.headers.location).toBe(`http://127.0.0.1:5173${p}`);
    }
  });

  it('lets the web client origin call the API with credentials', async () => {
    const res = await request(t.app).get('/api/v1/auth/providers').set('Origin', 'http://127.0.0.1:5173').expect(200);
    expect(res.headers['access-control-allow-origin']).toBe('http://127.0.0.1:5173');
  });
});

describe('mailed and shared links on a server without a web client', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('verifies an email from a page with a button (a prefetching GET spends nothing)', async () => {
    const u = await unverified(t);
    const link = linkOf(t, u.email);
    const token = link.searchParams.get('token') ?? '';
    const page = await request(t.app).get(`${link.pathname}${link.search}`).set(browser).expect(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.text).toContain('Confirm my email');
    expect(page.text).toContain(`value="${token}"`);
    let me = await request(t.app).get('/api/v1/auth/me').set(authHeader(u.accessToken));
    expect(me.body.data.emailVerified).toBe(false);
    const done = await request(t.app).post('/verify-email').type('form').send({ token }).expect(200);
    expect(done.text).toContain('Email confirmed');
    me = await request(t.app).get('/api/v1/auth/me').set(authHeader(u.accessToken));
    expect(me.body.data.emailVerified).toBe(true);
    const again = await request(t.app).post('/verify-email').type('form').send({ token }).expect(400);
    expect(again.text).toMatch(/invalid, expired or already used/);
  });

  it('resets a password from a page, in Spanish for a Spanish browser', async () => {
    const u = await registerUser(t);
    await request(t.app).post('/api/v1/auth/forgot-password').send({ email: u.email }).expect(202);
    await new Promise((r) => setTimeout(r, 50));
    const link = linkOf(t, u.email);
    const page = await request(t.app)
      .get(`${link.pathname}${link.search}`)
      .set({ ...browser, 'Accept-Language': 'es-ES,es;q=0.9' })
      .expect(200);
    expect(page.text).toContain('Elige una contraseña nueva');
    expect(page.text).toContain('lang="es"');
    const token = link.searchParams.get('token') ?? '';
    const short = await request(t.app).post('/reset-password').type('form').send({ token, password: 'short' });
    expect(short.status).toBe(400);
    expect(short.text).toContain('at least 8 characters');
    await request(t.app)
      .post('/reset-password')
      .type('form')
      .send({ token, password: 'a brand new passphrase' })
      .expect(200);
    await request(t.app)
      .post('/api/v1/auth/login')
      .send({ login: u.email, password: 'a brand new passphrase', client: 'desktop' })
      .expect(200);
    await request(t.app)
      .post('/api/v1/auth/login')
      .send({ login: u.email, password: TEST_PASSWORD, client: 'desktop' })
      .expect(401);
  });

  it('tells someone who opened the sign-up link where to type the code', async () => {
    const page = await request(t.app).get('/complete-signup?token=abc').set(browser).expect(200);
    expect(page.text).toContain('Finish signing up');
  });

  it('offers an invite to the desktop app and refuses a malformed code', async () => {
    const invite = await groupInvite(t);
    const page = await request(t.app).get(new URL(invite.webUrl).pathname).set(browser).expect(200);
    expect(page.text).toContain(`href="charla://invite/${invite.code}"`);
    await request(t.app).get('/invite/x').set(browser).expect(404);
  });
});

describe('mailed and shared links on a server that serves the web client', () => {
  let t: TestApp;
  beforeAll(async () => {
    const dist = fs.mkdtempSync(path.join(fs.realpathSync('/tmp'), 'charla-dist-'));
    fs.writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>Charla web client</title>');
    t = await startTestApp({ env: { WEB_DIST_DIR: dist } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('serves the web client, which reads the link itself', async () => {
    for (const p of ['/verify-email?token=abc_123', '/reset-password?token=xyz', '/invite/abcdEFGH12']) {
      const res = await request(t.app).get(p).set(browser).expect(200);
      expect(res.text).toContain('Charla web client');
    }
  });
});

describe('mailed links when WEB_URL is elsewhere and a (possibly stale) build is also served', () => {
  let t: TestApp;
  beforeAll(async () => {
    const dist = fs.mkdtempSync(path.join(fs.realpathSync('/tmp'), 'charla-dist-'));
    fs.writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>old build</title>');
    t = await startTestApp({ env: { WEB_DIST_DIR: dist, WEB_URL: 'http://127.0.0.1:5173' } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('sends the link to WEB_URL, where the mail said it would open', async () => {
    const res = await request(t.app).get('/verify-email?token=abc_123').set(browser).expect(302);
    expect(res.headers.location).toBe('http://127.0.0.1:5173/verify-email?token=abc_123');
    // Everything else is still the served client.
    expect((await request(t.app).get('/').set(browser).expect(200)).text).toContain('old build');
  });
});
