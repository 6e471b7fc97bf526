/**
 * Abuse: login brute force throttled per account and per IP (in one process, and across two nodes
 * sharing Redis), reset and verification tokens single-use and unguessable, a reused rotated refresh
 * token ending the session, and a flood of messages or typing from one client cut without slowing
 * anyone else.
 */
import type { Message } from '@charla/shared-types';
import { describeIf, hasRedisServer } from '@charla/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSocket, emitAck, loose, restAs } from '../chat.ts';
import { authHeader, registerUser, startTestApp, TEST_PASSWORD, type TestApp } from '../harness.ts';
import { twoNodesWithRedis } from '../two-nodes.ts';
import { register, vitestCommand, writeFigures } from './support.ts';

const FILE = 'abuse.test.ts';
const figures: Record<string, unknown> = {};

const login = (
  api: string,
  loginName: string,
  password: string,
  ip: string,
  extra: { deviceTokens?: string[]; cookie?: string; client?: 'web' | 'desktop' } = {},
) =>
  fetch(`${api}/auth/login`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-forwarded-for': ip,
      ...(extra.cookie ? { cookie: extra.cookie } : {}),
    },
    body: JSON.stringify({
      login: loginName,
      password,
      client: extra.client ?? 'desktop',
      ...(extra.deviceTokens ? { deviceTokens: extra.deviceTokens } : {}),
    }),
  });
/** Seven wrong passwords from seven addresses: the account is locked. */
async function lockOut(api: string, email: string): Promise<void> {
  for (let i = 0; i < 7; i++) await login(api, email, `wrong-${i}-guess`, `10.7.${i}.1`);
  expect((await login(api, email, TEST_PASSWORD, '10.9.9.8')).status).toBe(429);
}

afterAll(() => {
  writeFigures('abuse', {
    family: 'abuse',
    scenario: 'Brute force, token entropy/single use, refresh reuse, floods',
    command: vitestCommand(FILE),
    ...figures,
    outcome: 'held',
  });
});

describe('login brute force (one node)', () => {
  let t: TestApp;
  beforeAll(async () => {
    // Rate limits on; X-Forwarded-For trusted from loopback so each request can come from "another IP".
    t = await startTestApp({ rateLimits: true, env: { TRUST_PROXY: 'loopback' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('locks one account whatever IP the guesses come from, and leaves other accounts alone', async () => {
    const victim = await registerUser(t);
    const other = await registerUser(t);
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++)
      statuses.push((await login(t.api, victim.email, `wrong-${i}-guess`, `10.0.${i}.1`)).status);
    // Five free failures, then locked (429) even though every guess came from a different address.
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toContain(429);
    // Locked means locked: the right password is refused too until the lock expires.
    const right = await login(t.api, victim.email, TEST_PASSWORD, '10.9.9.9');
    expect(right.status).toBe(429);
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await login(t.api, other.email, TEST_PASSWORD, '10.0.0.1')).status).toBe(200);
    t.clock.advance(16 * 60 * 1000);
    expect((await login(t.api, victim.email, TEST_PASSWORD, '10.9.9.9')).status).toBe(200);
    t.clock.reset();
    figures.perAccountLockAfterFailures = statuses.indexOf(429);
  });

  it('lets the right password through the lock from a device that signed in before, and only that', async () => {
    const victim = await registerUser(t);
    const other = await registerUser(t);
    // The victim's laptop (desktop app: token in the body) and browser (cookie) signed in earlier.
    const laptop = (
      (await (await login(t.api, victim.email, TEST_PASSWORD, '10.5.0.1')).json()) as {
        data: { deviceToken: string };
      }
    ).data.deviceToken;
    const web = await login(t.api, victim.email, TEST_PASSWORD, '10.5.0.2', { client: 'web' });
    const browserCookie = (web.headers.get('set-cookie') ?? '').match(/charla_kd=[^;]+/)?.[0] ?? '';
    expect(browserCookie).not.toBe('');
    const otherToken = (
      (await (await login(t.api, other.email, TEST_PASSWORD, '10.5.0.3')).json()) as {
        data: { deviceToken: string };
      }
    ).data.deviceToken;

    await lockOut(t.api, victim.email);
    // Not known: someone else's device token, a tampered one, none at all.
    const tampered = `${laptop.slice(0, -3)}${laptop.endsWith('AAA') ? 'BBB' : 'AAA'}`;
    for (const deviceTokens of [[otherToken], [tampered], []])
      expect((await login(t.api, victim.email, TEST_PASSWORD, '10.9.9.7', { deviceTokens })).status).toBe(429);
    // Known: the laptop's token, then (locked again) the browser's cookie.
    expect((await login(t.api, victim.email, TEST_PASSWORD, '10.5.0.1', { deviceTokens: [laptop] })).status).toBe(200);
    await lockOut(t.api, victim.email);
    const viaCookie = await login(t.api, victim.email, TEST_PASSWORD, '10.5.0.2', {
      client: 'web',
      cookie: browserCookie,
    });
    expect(viaCookie.status).toBe(200);

    // A known device's wrong passwords have their own small budget: it is no guessing back door.
    await lockOut(t.api, victim.email);
    const fromLaptop: number[] = [];
    for (let i = 0; i < 7; i++)
      fromLaptop.push(
        (await login(t.api, victim.email, `laptop-wrong-${i}`, '10.5.0.1', { deviceTokens: [laptop] })).status,
      );
    expect(fromLaptop.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(fromLaptop.slice(5)).toContain(429);
    figures.knownDeviceThroughLock = {
      unknownDevice: 429,
      foreignOrTamperedToken: 429,
      knownDesktopToken: 200,
      knownBrowserCookie: 200,
      knownDeviceWrongPasswordsBeforeItsOwnLock: 5,
    };
  });

  it('unlocks the account once a password reset completes', async () => {
    const victim = await registerUser(t);
    await lockOut(t.api, victim.email);
    await fetch(`${t.api}/auth/forgot-password`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '10.6.0.1' },
      body: JSON.stringify({ email: victim.email }),
    });
    await new Promise((r) => setTimeout(r, 50));
    const token = new URL(t.mail.lastTo(victim.email)?.link ?? 'http://x').searchParams.get('token');
    const reset = await fetch(`${t.api}/auth/reset-password`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '10.6.0.1' },
      body: JSON.stringify({ token, password: 'a brand new password 77' }),
    });
    expect(reset.status).toBe(200);
    expect((await login(t.api, victim.email, 'a brand new password 77', '10.6.0.2')).status).toBe(200);
    figures.resetUnlocks = true;
  });

  it('limits one IP across many accounts, and leaves other IPs alone', async () => {
    let firstLimited = -1;
    for (let i = 0; i < 70 && firstLimited < 0; i++) {
      const res = await login(t.api, `nobody-${i}@example.com`, 'some wrong password', '192.0.2.7');
      if (res.status === 429) firstLimited = i + 1;
    }
    expect(firstLimited).toBeGreaterThan(0);
    expect(firstLimited).toBeLessThanOrEqual(61);
    expect((await login(t.api, 'someone@example.com', 'some wrong password', '192.0.2.8')).status).toBe(401);
    figures.perIpLimitedAtRequest = firstLimited;
  });
});

describeIf(hasRedisServer(), 'no redis-server binary', 'login brute force across two nodes sharing Redis', () => {
  const nodes = twoNodesWithRedis('charla-abuse-', { CHARLA_DISABLE_RATE_LIMITS: '0', TRUST_PROXY: 'loopback' });

  it('shares the per-account lock and the per-IP budget between nodes', async () => {
    const victim = await register(nodes.a.api, 'victim');
    const statuses: number[] = [];
    // Alternate nodes: a node-local counter would never reach the lock.
    for (let i = 0; i < 7; i++) {
      const node = i % 2 === 0 ? nodes.a : nodes.b;
      statuses.push((await login(node.api, victim.user.email, `wrong-${i}`, `10.1.${i}.1`)).status);
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toContain(429);
    let firstLimited = -1;
    for (let i = 0; i < 70 && firstLimited < 0; i++) {
      const node = i % 2 === 0 ? nodes.a : nodes.b;
      const res = await login(node.api, `ghost-${i}@example.com`, 'wrong password', '198.51.100.3');
      if (res.status === 429) firstLimited = i + 1;
    }
    expect(firstLimited).toBeGreaterThan(0);
    expect(firstLimited).toBeLessThanOrEqual(61);
    figures.crossNodeAccountLockAfter = statuses.indexOf(429);
    figures.crossNodeIpLimitedAt = firstLimited;
  }, 60_000);
});

describe('tokens: single use, unguessable; refresh reuse ends the session', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });
  const tokenIn = (to: string, what: string) => {
    const link = t.mail.lastTo(to)?.link ?? '';
    expect(link).toContain(what);
    return new URL(link).searchParams.get('token') ?? '';
  };
  /** Shannon entropy per character over the concatenated sample, and the implied bits per token. */
  const entropy = (tokens: string[]) => {
    const all = tokens.join('');
    const counts = new Map<string, number>();
    for (const ch of all) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    let h = 0;
    for (const n of counts.values()) h -= (n / all.length) * Math.log2(n / all.length);
    const len = Math.min(...tokens.map((x) => x.length));
    return { bitsPerChar: h, bitsPerToken: h * len, length: len };
  };

  it('reset tokens: single use, distinct, high entropy', async () => {
    const u = await registerUser(t);
    const tokens: string[] = [];
    for (let i = 0; i < 30; i++) {
      await fetch(`${t.api}/auth/forgot-password`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: u.email }),
      });
      tokens.push(tokenIn(u.email, 'reset'));
    }
    expect(new Set(tokens).size).toBe(tokens.length);
    const e = entropy(tokens);
    expect(e.bitsPerChar).toBeGreaterThan(5);
    expect(e.bitsPerToken).toBeGreaterThanOrEqual(128);
    const reset = (token: string) =>
      fetch(`${t.api}/auth/reset-password`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token, password: 'a brand new password 42' }),
      });
    const last = tokens.at(-1) ?? '';
    expect((await reset(last)).status).toBe(200);
    expect((await reset(last)).status).toBe(400);
    // An older token from the same series is dead too once one was used.
    expect((await reset(tokens[0] ?? '')).status).toBe(400);
    figures.resetTokens = { sampled: tokens.length, distinct: new Set(tokens).size, ...round(e) };
  });

  it('verification tokens: single use, distinct, high entropy', async () => {
    // An account whose address is not verified yet (sign-up verifies it with the mailed code).
    const u = await registerUser(t);
    await t.storage.users.update(u.user.id, { emailVerifiedAt: null });
    const tokens: string[] = [];
    for (let i = 0; i < 21; i++) {
      await fetch(`${t.api}/auth/resend-verification`, {
        method: 'POST',
        headers: { ...authHeader(u.accessToken), 'content-type': 'application/json' },
        body: '{}',
      });
      tokens.push(tokenIn(u.email, 'verify'));
    }
    expect(new Set(tokens).size).toBe(tokens.length);
    const e = entropy(tokens);
    expect(e.bitsPerToken).toBeGreaterThanOrEqual(128);
    const verify = (token: string) =>
      fetch(`${t.api}/auth/verify-email`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token }),
      });
    const last = tokens.at(-1) ?? '';
    expect((await verify(last)).status).toBe(200);
    expect((await verify(last)).status).toBe(400);
    figures.verificationTokens = { sampled: tokens.length, distinct: new Set(tokens).size, ...round(e) };
  });

  it('reusing a rotated refresh token revokes the whole session', async () => {
    const u = await registerUser(t);
    const refresh = (refreshToken: string) =>
      fetch(`${t.api}/auth/refresh`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refreshToken }),
      });
    const rotated = await refresh(u.refreshToken);
    expect(rotated.status).toBe(200);
    const next = ((await rotated.json()) as { data: { refreshToken: string; accessToken: string } }).data;
    // Within the race grace (two tabs refreshing at once) a replay is only told to use the newest token.
    expect((await refresh(u.refreshToken)).status).toBe(409);
    // Later, a replayed old token means it leaked: refused, and the session ends for every holder.
    t.clock.advance(5 * 60 * 1000);
    expect((await refresh(u.refreshToken)).status).toBe(401);
    expect((await refresh(next.refreshToken)).status).toBe(401);
    const me = await fetch(`${t.api}/auth/me`, { headers: authHeader(next.accessToken) });
    expect(me.status).toBe(401);
    t.clock.reset();
    figures.refreshReuse = 'session revoked (old, new refresh and access token all 401)';
  });
});

describe('sign-up does not tell a taken address from a new one', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });
  // Requester-chosen text that must never reach a mailbox the requester does not own.
  const BAIT = 'Security Team <b>http://phish.example/reset</b>';
  const post = (path: string, body: unknown) =>
    fetch(`${t.api}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const signUp = (email: string) =>
    post('/auth/register', { email, password: 'a fine long password', displayName: BAIT, client: 'desktop' });
  /** What an observer of the HTTP answer sees, minus the per-request and per-address parts. */
  const observable = async (res: Response) => {
    const body = (await res.json()) as { data?: Record<string, unknown> };
    return {
      status: res.status,
      cookie: res.headers.get('set-cookie'),
      body: { ...body, data: { ...body.data, email: '<address>' } },
    };
  };

  it('answers alike, creates no session, mails the owner a warning without the requester’s text', async () => {
    const owner = await registerUser(t, { email: 'enum-owner@example.com' });
    const fresh = 'enum-nobody@example.com';
    const taken = await observable(await signUp(owner.email));
    const newcomer = await observable(await signUp(fresh));
    expect(taken).toEqual(newcomer);
    expect(taken.status).toBe(202);
    expect(taken.cookie).toBeNull();
    expect(JSON.stringify(taken.body)).not.toMatch(/accessToken|refreshToken/);
    // Sign-up mail leaves in the background.
    await new Promise((r) => setTimeout(r, 50));
    const warning = t.mail.lastTo(owner.email);
    expect(warning?.subject).toMatch(/tried to sign up/);
    expect(warning?.code).toBeUndefined();
    const codeMail = t.mail.lastTo(fresh);
    expect(codeMail?.code).toMatch(/^[0-9]{6}$/);
    for (const mail of [warning, codeMail]) {
      expect(`${mail?.subject} ${mail?.text} ${mail?.html}`).not.toMatch(/Security Team|phish/);
    }
    figures.signUpEnumeration = { takenStatus: taken.status, newStatus: newcomer.status, identicalAnswers: true };
  });

  it('fails wrong codes the same way for both, up to the attempt limit', async () => {
    const owner = await registerUser(t, { email: 'enum-owner2@example.com' });
    const fresh = 'enum-nobody2@example.com';
    await signUp(owner.email);
    await signUp(fresh);
    const tries = async (email: string) => {
      const seen: unknown[] = [];
      for (let i = 0; i < 7; i++) {
        const res = await post('/auth/register/verify', {
          email,
          code: String(100000 + i),
          password: 'a fine long password',
          client: 'desktop',
        });
        const body = (await res.json()) as { message: string; code: string };
        seen.push([res.status, body.code, body.message]);
      }
      return seen;
    };
    const takenTries = await tries(owner.email);
    const newTries = await tries(fresh);
    expect(takenTries).toEqual(newTries);
    expect(JSON.stringify(newTries)).toMatch(/Too many wrong codes/);
    // The new address's real code is dead too after the limit.
    const code = t.mail.lastTo(fresh)?.code;
    const late = await post('/auth/register/verify', { email: fresh, code, password: 'a fine long password' });
    expect(late.status).toBe(400);
    figures.signUpWrongCodes = { attempts: 7, identical: true, limit: 5 };
  });

  it('takes about as long for both (one password hash each)', async () => {
    const owners = await Promise.all(Array.from({ length: 8 }, () => registerUser(t)));
    const time = async (email: string) => {
      const started = performance.now();
      await (await signUp(email)).arrayBuffer();
      return performance.now() - started;
    };
    const takenMs: number[] = [];
    const newMs: number[] = [];
    for (const [i, o] of owners.entries()) {
      takenMs.push(await time(o.email));
      newMs.push(await time(`enum-timing-${i}@example.com`));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
    figures.signUpTimingMs = { takenMedian: round1(median(takenMs)), newMedian: round1(median(newMs)), samples: 8 };
    // Same work on both paths; only a gross difference (e.g. skipping the hash) would show here.
    expect(median(takenMs)).toBeLessThan(median(newMs) * 3 + 20);
    expect(median(newMs)).toBeLessThan(median(takenMs) * 3 + 20);
  }, 30_000);
});

const round1 = (x: number) => Math.round(x * 10) / 10;

const round = (e: { bitsPerChar: number; bitsPerToken: number; length: number }) => ({
  length: e.length,
  bitsPerChar: Math.round(e.bitsPerChar * 100) / 100,
  estimatedBits: Math.round(e.bitsPerToken),
});

describe('floods from one client are cut without affecting others', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(); // default per-socket limits
  });
  afterAll(async () => {
    await t?.close();
  });

  it('rate-limits a message and typing flood on that socket only', async () => {
    const [spammer, polite, reader] = [await registerUser(t), await registerUser(t), await registerUser(t)];
    const group = await restAs(t.api, spammer.accessToken).post<{ id: string }>('/conversations', {
      kind: 'group',
      title: 'Flood',
      memberIds: [polite.user.id, reader.user.id],
    });
    const conversationId = group.body.data.id;
    const spam = await connectSocket(t.url, spammer.accessToken);
    const nice = await connectSocket(t.url, polite.accessToken);
    const read = await connectSocket(t.url, reader.accessToken);
    let readerGot = 0;
    loose(read).on('message:created', () => {
      readerGot++;
    });
    try {
      const FLOOD = 300;
      const floodAcks = Promise.all(
        Array.from({ length: FLOOD }, (_, i) =>
          emitAck<Message>(spam, 'message:send', { conversationId, clientMsgId: `spam-${i}`, text: 'spam' }),
        ),
      );
      // Meanwhile the polite user sends at a human pace and must never be refused.
      const politeAcks = [];
      for (let i = 0; i < 10; i++) {
        politeAcks.push(
          await emitAck<Message>(nice, 'message:send', { conversationId, clientMsgId: `nice-${i}`, text: 'hi' }),
        );
        await new Promise((r) => setTimeout(r, 20));
      }
      const acks = await floodAcks;
      const accepted = acks.filter((a) => a.ok).length;
      const limited = acks.filter((a) => !a.ok && a.error.code === 'rate_limited').length;
      expect(accepted + limited).toBe(FLOOD);
      expect(limited).toBeGreaterThan(FLOOD / 2);
      expect(politeAcks.every((a) => a.ok)).toBe(true);

      const TYPING = 100;
      const typingAcks = await Promise.all(
        Array.from({ length: TYPING }, () => emitAck(spam, 'typing:start', { conversationId })),
      );
      const typingLimited = typingAcks.filter((a) => !a.ok && a.error.code === 'rate_limited').length;
      expect(typingLimited).toBeGreaterThan(TYPING / 2);
      expect((await emitAck(nice, 'typing:start', { conversationId })).ok).toBe(true);
      // Only what was accepted was stored and delivered.
      const history = await restAs(t.api, reader.accessToken).get<{ items: Message[] }>(
        `/conversations/${conversationId}/messages?limit=100&after=0`,
      );
      expect(history.status).toBe(200);
      await new Promise((r) => setTimeout(r, 200));
      expect(readerGot).toBe(accepted + 10);
      figures.messageFlood = { sent: FLOOD, accepted, rateLimited: limited, othersRefused: 0 };
      figures.typingFlood = { sent: TYPING, rateLimited: typingLimited, othersRefused: 0 };
    } finally {
      for (const s of [spam, nice, read]) s.close();
    }
  }, 30_000);
});
