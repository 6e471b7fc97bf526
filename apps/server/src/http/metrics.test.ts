import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/harness.ts';

describe('/metrics', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('exposes process metrics and a request histogram labelled by route pattern', async () => {
    await request(t.app).get('/api/v1/auth/providers').expect(200);
    await request(t.app).get('/api/v1/users/some-id').expect(401);
    const res = await request(t.app).get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/text\/plain/);
    expect(res.text).toMatch(/process_cpu_user_seconds_total/);
    expect(res.text).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/auth\/providers",status_code="200"\} 1/,
    );
    expect(res.text).toMatch(/route="\/api\/v1\/users\/:id",status_code="401"/);
    expect(res.text).not.toMatch(/some-id/);
  });

  it('refuses a request that came through a proxy when no token is configured', async () => {
    const res = await request(t.app).get('/metrics').set('X-Forwarded-For', '203.0.113.9').expect(403);
    expect(res.body).toMatchObject({ error: true, code: 'forbidden' });
  });
});

describe('/metrics behind a proxy (TRUST_PROXY set)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { TRUST_PROXY: '1' } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('refuses even a loopback request without X-Forwarded-For: the proxy itself is loopback (issue 22)', async () => {
    // A proxy that does not add X-Forwarded-For makes every public request look local.
    const res = await request(t.app).get('/metrics').expect(403);
    expect(res.body).toMatchObject({ error: true, code: 'forbidden' });
    expect(res.body.message).toMatch(/METRICS_TOKEN/);
  });

  it('still serves with the token', async () => {
    const token = 'scrape-token-behind-proxy-0123';
    const withToken = await startTestApp({ env: { TRUST_PROXY: '1', METRICS_TOKEN: token } });
    try {
      await request(withToken.app).get('/metrics').set('Authorization', `Bearer ${token}`).expect(200);
    } finally {
      await withToken.close();
    }
  });
});

describe('/metrics with METRICS_TOKEN', () => {
  let t: TestApp;
  const token = 'scrape-token-0123456789';
  beforeAll(async () => {
    t = await startTestApp({ env: { METRICS_TOKEN: token } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('requires the bearer token, even from loopback', async () => {
    await request(t.app).get('/metrics').expect(401);
    await request(t.app).get('/metrics').set('Authorization', 'Bearer wrong-token-0123456789').expect(401);
    await request(t.app).get('/metrics').set('Authorization', token).expect(401);
    const res = await request(t.app).get('/metrics').set('Authorization', `Bearer ${token}`).expect(200);
    expect(res.text).toMatch(/process_cpu_user_seconds_total/);
  });
});
