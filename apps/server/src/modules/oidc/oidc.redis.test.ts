import { describeIf, hasRedisServer, NO_REDIS_REASON, type RedisServer, startRedisServer } from '@charla/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/harness.ts';
import { REFRESH_COOKIE } from '../auth/auth.cookies.ts';
import {
  PUBLIC_HOST,
  startTestProvider,
  TEST_CLIENT_ID,
  TEST_CLIENT_SECRET,
  TestBrowser,
  type TestProvider,
} from './oidc.test-provider.ts';

const PUBLIC_URL = `http://${PUBLIC_HOST}`;

/** Two server nodes behind one public name, sharing a real redis-server (not sticky). */
describeIf(hasRedisServer(), NO_REDIS_REASON, 'OIDC sign-in state shared through Redis', () => {
  let redis: RedisServer;
  let op: TestProvider;
  let nodeA: TestApp;
  let nodeB: TestApp;

  beforeAll(async () => {
    redis = await startRedisServer();
    op = await startTestProvider({ redirectUris: [`${PUBLIC_URL}/api/v1/auth/oidc/oidc/callback`] });
    const env = {
      PUBLIC_URL,
      REDIS_URL: redis.url,
      OIDC_ISSUER: op.issuer,
      OIDC_CLIENT_ID: TEST_CLIENT_ID,
      OIDC_CLIENT_SECRET: TEST_CLIENT_SECRET,
    };
    // rateLimits: true is what opens the shared Redis connection the OIDC stores use.
    nodeA = await startTestApp({ env, rateLimits: true });
    nodeB = await startTestApp({ env, rateLimits: true });
  });

  afterAll(async () => {
    await nodeA?.close();
    await nodeB?.close();
    await op?.close();
    await redis?.stop();
  });

  /** The same browser (same cookies for the public host), whichever node the balancer picks. */
  function sameBrowserOn(from: TestBrowser, to: TestApp): TestBrowser {
    const other = new TestBrowser(to.url);
    const jar = from.jars.get(new URL(from.appOrigin).host);
    if (jar) other.jars.set(new URL(to.url).host, jar);
    return other;
  }

  it('a sign-in started on one node finishes on the other, and its state is single-use across nodes', async () => {
    op.accounts.set('redis-user', { email: 'redis.user@example.com', email_verified: true });
    const onA = new TestBrowser(nodeA.url);
    const start = await onA.request(`${nodeA.api}/auth/oidc/oidc/start?client=web`);
    expect(start.status).toBe(302);
    const back = await onA.signInAtProvider(start.headers.get('location') ?? '', 'redis-user');

    const onB = sameBrowserOn(onA, nodeB);
    const res = await onB.request(back.toString());
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(`${PUBLIC_URL}/`);
    expect(onB.cookie(new URL(nodeB.url).host, REFRESH_COOKIE)).toBeTruthy();
    expect(await nodeB.storage.identities.find('oidc', 'redis-user')).not.toBeNull();

    // Replaying the callback on node A: the state was consumed on node B.
    const replay = await sameBrowserOn(onA, nodeA).request(back.toString());
    expect(replay.status).toBe(400);
  });

  it('a nonce issued by one node is accepted once, by any node', async () => {
    const issued = await fetch(`${nodeA.api}/auth/oidc/oidc/nonce`, { method: 'POST' });
    const nonce = ((await issued.json()) as { data: { nonce: string } }).data.nonce;
    const now = Math.floor(Date.now() / 1000);
    const idToken = await op.sign({
      iss: op.issuer,
      aud: TEST_CLIENT_ID,
      sub: 'redis-nonce-user',
      email: 'redis.nonce@example.com',
      email_verified: true,
      nonce,
      iat: now,
      exp: now + 300,
    });
    const post = (t: TestApp) =>
      fetch(`${t.api}/auth/oidc/oidc/id-token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ idToken, nonce, client: 'desktop' }),
      });
    expect((await post(nodeB)).status).toBe(200);
    expect((await post(nodeA)).status).toBe(401);
  });
});
