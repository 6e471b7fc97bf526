/**
 * Rate limits behind a real reverse-proxy hop (issue 22 #6): `TRUST_PROXY=1`, the README's advice,
 * reached Express as the string "1" (an address, not a hop count), so every client behind the proxy
 * shared the proxy's bucket and one person could lock password reset for everyone. Clients here
 * connect from distinct loopback addresses through a node:http proxy that appends X-Forwarded-For.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../harness.ts';
import { type ReverseProxy, requestFrom, startReverseProxy } from '../reverse-proxy.ts';
import { vitestCommand, writeFigures } from './support.ts';

/** AUTH_SENSITIVE_PER_IP: 20 per 15 minutes, so the 21st request of one address is a 429. */
const SENSITIVE_LIMIT = 20;
const figures: Record<string, unknown> = {};
let sent = 0;

/** POST /auth/forgot-password (always 202 while under the limit) from a local address. */
function forgot(from: string, base: string, spoof?: string) {
  sent++;
  return requestFrom(from, `${base}/api/v1/auth/forgot-password`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(spoof ? { 'x-forwarded-for': spoof } : {}) },
    body: JSON.stringify({ email: `nobody-${sent}@example.com` }),
  });
}

/** Sends until refused; returns the 1-based number of the first 429 (or -1). */
async function limitedAt(from: string, base: string, spoof?: (i: number) => string): Promise<number> {
  for (let i = 0; i < SENSITIVE_LIMIT + 5; i++) {
    const res = await forgot(from, base, spoof?.(i));
    if (res.status === 429) return i + 1;
    expect(res.status, res.text).toBe(202);
  }
  return -1;
}

afterAll(() => {
  writeFigures('trust-proxy', {
    family: 'abuse',
    scenario: 'Rate limits behind a reverse-proxy hop (TRUST_PROXY)',
    command: vitestCommand('trust-proxy.test.ts'),
    ...figures,
    requests: sent,
    outcome: 'held',
  });
});

describe('TRUST_PROXY=1 behind one proxy hop', () => {
  let t: TestApp;
  let proxy: ReverseProxy;
  beforeAll(async () => {
    t = await startTestApp({ rateLimits: true, env: { TRUST_PROXY: '1' } });
    proxy = await startReverseProxy(t.url);
  });
  afterAll(async () => {
    await proxy?.close();
    await t?.close();
  });

  it('two clients behind the proxy get separate rate-limit buckets (issue 22 #6)', async () => {
    const first = await limitedAt('127.0.0.2', proxy.url);
    expect(first).toBe(SENSITIVE_LIMIT + 1);
    // Before the fix the proxy's own address was the key: everyone behind it was locked out here.
    expect((await forgot('127.0.0.3', proxy.url)).status).toBe(202);
    figures.clientLimitedAt = first;
    figures.otherClientAfterwards = 202;
  });

  it('a spoofed X-Forwarded-For sent through the proxy is not trusted beyond the one hop', async () => {
    // The client claims a new address each time; the proxy appends the real one, which is what counts.
    const at = await limitedAt('127.0.0.4', proxy.url, (i) => `203.0.113.${i + 1}`);
    expect(at).toBe(SENSITIVE_LIMIT + 1);
    figures.spoofingClientLimitedAt = at;
  });
});

describe('TRUST_PROXY=<the proxy address>', () => {
  let t: TestApp;
  let proxy: ReverseProxy;
  beforeAll(async () => {
    t = await startTestApp({ rateLimits: true, env: { TRUST_PROXY: '127.0.0.1' } });
    proxy = await startReverseProxy(t.url, '127.0.0.1');
  });
  afterAll(async () => {
    await proxy?.close();
    await t?.close();
  });

  it('a client that bypasses the proxy cannot pick its address with X-Forwarded-For', async () => {
    const at = await limitedAt('127.0.0.5', t.url, (i) => `198.51.100.${i + 1}`);
    expect(at).toBe(SENSITIVE_LIMIT + 1);
    // Through the trusted proxy, another client is still told apart.
    expect((await forgot('127.0.0.6', proxy.url)).status).toBe(202);
    figures.directSpoofingClientLimitedAt = at;
  });
});

describe('TRUST_PROXY=true', () => {
  it('starts (it used to crash at start-up) and trusts the forwarded address', async () => {
    const t = await startTestApp({ rateLimits: true, env: { TRUST_PROXY: 'true' } });
    const proxy = await startReverseProxy(t.url);
    try {
      expect(await limitedAt('127.0.0.7', proxy.url)).toBe(SENSITIVE_LIMIT + 1);
      expect((await forgot('127.0.0.8', proxy.url)).status).toBe(202);
    } finally {
      await proxy.close();
      await t.close();
    }
  });
});
