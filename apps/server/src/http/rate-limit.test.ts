import { describeIf, hasRedisServer, NO_REDIS_REASON, type RedisServer, startRedisServer } from '@charla/test-utils';
import bcrypt from 'bcryptjs';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, TEST_PASSWORD, type TestApp } from '../../test/harness.ts';
import { loadConfig } from '../config.ts';
import { AUTH_SENSITIVE_PER_IP } from './rate-limit.ts';

async function exhaustForgot(t: TestApp, times: number) {
  const statuses: number[] = [];
  for (let i = 0; i < times; i++) {
    const res = await request(t.app).post('/api/v1/auth/forgot-password').send({ email: 'x@example.com' });
    statuses.push(res.status);
  }
  return statuses;
}

describe('CHARLA_DISABLE_RATE_LIMITS', () => {
  it('is honoured only under NODE_ENV=test', () => {
    expect(loadConfig({ CHARLA_DISABLE_RATE_LIMITS: '1', NODE_ENV: 'test' }).rateLimitsDisabled).toBe(true);
    expect(loadConfig({ CHARLA_DISABLE_RATE_LIMITS: '1', NODE_ENV: 'production' }).rateLimitsDisabled).toBe(false);
    expect(loadConfig({ CHARLA_DISABLE_RATE_LIMITS: '1' }).rateLimitsDisabled).toBe(false);
  });
});

describe('rate limits (in memory)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ rateLimits: true });
  });
  afterAll(async () => {
    await t.close();
  });

  it('limits sensitive auth routes per IP with a 429 envelope and Retry-After', async () => {
    const statuses = await exhaustForgot(t, AUTH_SENSITIVE_PER_IP.limit);
    expect(statuses.every((s) => s === 202)).toBe(true);
    const res = await request(t.app).post('/api/v1/auth/forgot-password').send({ email: 'x@example.com' }).expect(429);
    expect(res.body).toMatchObject({ error: true, status: 429, code: 'rate_limited' });
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.headers.ratelimit).toBeDefined();
  });

  it('throttles one account after repeated failures, with growing backoff, and a success resets it', async () => {
    // Seeded directly: register is itself a sensitive route, whose budget the test above spent.
    const email = 'throttled@example.com';
    await t.storage.users.create({
      email,
      username: 'throttled',
      displayName: 'T',
      passwordHash: await bcrypt.hash(TEST_PASSWORD, 4),
      role: 'user',
    });
    const login = (password: string) =>
      request(t.app).post('/api/v1/auth/login').send({ login: email, password, client: 'desktop' });
    for (let i = 0; i < 5; i++) await login('wrong password!').expect(401);
    const locked = await login(TEST_PASSWORD).expect(429);
    expect(locked.body.code).toBe('rate_limited');
    expect(locked.headers['retry-after']).toBe('1');
    // The same account by its username is locked too.
    await request(t.app).post('/api/v1/auth/login').send({ login: 'THROTTLED', password: TEST_PASSWORD }).expect(429);
    // Another account is unaffected.
    await request(t.app).post('/api/v1/auth/login').send({ login: 'other@example.com', password: 'x' }).expect(401);
    t.clock.advance(1_100);
    await login('wrong password!').expect(401);
    const longer = await login(TEST_PASSWORD).expect(429);
    expect(longer.headers['retry-after']).toBe('2');
    t.clock.advance(2_100);
    await login(TEST_PASSWORD).expect(200);
    await login('wrong password!').expect(401);
    await login(TEST_PASSWORD).expect(200);
    t.clock.reset();
  });
});

describeIf(hasRedisServer(), NO_REDIS_REASON, 'rate limits in Redis', () => {
  let redis: RedisServer;
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    redis = await startRedisServer();
    a = await startTestApp({ rateLimits: true, env: { REDIS_URL: redis.url } });
    b = await startTestApp({ rateLimits: true, env: { REDIS_URL: redis.url } });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await redis?.stop();
  });

  it('shares per-IP counters between server nodes', async () => {
    const statuses = await exhaustForgot(a, AUTH_SENSITIVE_PER_IP.limit);
    expect(statuses.every((s) => s === 202)).toBe(true);
    const res = await request(b.app).post('/api/v1/auth/forgot-password').send({ email: 'x@example.com' }).expect(429);
    expect(res.body.code).toBe('rate_limited');
  });

  it('shares the per-account login throttle between nodes', async () => {
    const login = (t: TestApp, password: string) =>
      request(t.app).post('/api/v1/auth/login').send({ login: 'shared@example.com', password });
    for (let i = 0; i < 5; i++) await login(a, 'wrong password!').expect(401);
    const res = await login(b, 'wrong password!').expect(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  });
});
