/**
 * Resource exhaustion: one signed-in account trying to make the server hold too much for it
 * (presence subscriptions: rooms per socket, rooms per account across sockets, storage work per call;
 * uploads: rate per account, bytes of unattached uploads per account), and anonymous floods of the
 * OIDC routes that park pending sign-ins in a bounded store.
 */
import { randomUUID } from 'node:crypto';
import type { Presence } from '@charla/shared-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPasswordHasher } from '../../src/modules/auth/auth.password.ts';
import { upload } from '../../src/modules/media/media.test-helpers.ts';
import {
  PUBLIC_HOST,
  startTestProvider,
  TEST_CLIENT_ID,
  TEST_CLIENT_SECRET,
  TestBrowser,
  type TestProvider,
} from '../../src/modules/oidc/oidc.test-provider.ts';
import { type ClientSocket, connectSocket, emitAck, eventually, record, restAs, sleep } from '../chat.ts';
import { registerUser, startTestApp, TEST_PASSWORD, type TestApp } from '../harness.ts';
import { vitestCommand, writeFigures } from './support.ts';

const FILE = 'exhaustion.test.ts';
const figures: Record<string, unknown> = {};

afterAll(() => {
  writeFigures('exhaustion', {
    family: 'abuse',
    scenario: 'Resource exhaustion (presence rooms, uploads, OIDC pending sign-ins)',
    command: vitestCommand(FILE),
    ...figures,
    outcome: 'held',
  });
});

/** Counts calls to every storage method while `fn` runs (the repos are shared objects). */
async function countStorageCalls(t: TestApp, fn: () => Promise<unknown>): Promise<number> {
  let calls = 0;
  const restore: (() => void)[] = [];
  for (const repo of Object.values(t.storage)) {
    if (!repo || typeof repo !== 'object') continue;
    const r = repo as Record<string, unknown>;
    for (const [name, value] of Object.entries(r)) {
      if (typeof value !== 'function') continue;
      const original = value as (...a: unknown[]) => unknown;
      r[name] = (...args: unknown[]) => {
        calls++;
        return original.apply(repo, args);
      };
      restore.push(() => {
        r[name] = original;
      });
    }
  }
  try {
    await fn();
  } finally {
    for (const undo of restore) undo();
  }
  return calls;
}

const presenceRooms = (t: TestApp, socket: ClientSocket): number =>
  [...(t.charla.io.sockets.sockets.get(socket.id ?? '')?.rooms ?? [])].filter((r) => r.startsWith('presence:')).length;

describe('presence:subscribe cannot pile up rooms or storage work', () => {
  let t: TestApp;
  let crowd: string[];
  const open: ClientSocket[] = [];
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    for (const s of open) s.close();
    await t?.close();
  });

  /** `n` real accounts in one group with `member` (straight through storage: registering 1,000 over HTTP is slow). */
  async function crowdWith(memberId: string, n: number): Promise<string[]> {
    const ids: string[] = [];
    const passwordHash = await createPasswordHasher(4).hash(TEST_PASSWORD);
    for (let i = 0; i < n; i++) {
      const tag = randomUUID().slice(0, 12);
      const u = await t.storage.users.create({
        email: `crowd-${tag}@example.com`,
        username: `crowd_${tag}`,
        displayName: 'Crowd',
        passwordHash,
        role: 'user',
      });
      ids.push(u.id);
    }
    await t.storage.conversations.create({
      kind: 'group',
      title: 'Crowd',
      createdBy: memberId,
      members: ids.map((userId) => ({ userId, role: 'member' as const })),
      now: new Date(),
    });
    return ids;
  }

  it('replaces the socket’s set: 20 calls alternating two sets of 500 end with 500 rooms (added up: 1,000)', async () => {
    const attacker = await registerUser(t);
    crowd = await crowdWith(attacker.user.id, 1000);
    const socket = await connectSocket(t.url, attacker.accessToken);
    open.push(socket);
    for (let i = 0; i < 20; i++) {
      const batch = i % 2 === 0 ? crowd.slice(0, 500) : crowd.slice(500, 1000);
      const ack = await emitAck<Presence[]>(socket, 'presence:subscribe', { userIds: batch });
      expect(ack.ok).toBe(true);
    }
    const rooms = presenceRooms(t, socket);
    expect(rooms).toBe(500);
    figures.presenceRoomsAfter20Calls = rooms;

    // The replaced set really is gone: a user from the first half going online is not announced.
    const seen = record(socket, 'presence');
    const first = crowd[0] ?? '';
    const last = crowd[999] ?? '';
    const s1 = await connectAs(first);
    const s2 = await connectAs(last);
    await eventually(() => expect(seen.map((p) => p.userId)).toContain(last));
    await sleep(100);
    expect(seen.map((p) => p.userId)).not.toContain(first);
    s1.close();
    s2.close();
  }, 60_000);

  it('costs a fixed number of storage calls per subscribe, whatever the batch size', async () => {
    const viewer = await registerUser(t);
    const socket = await connectSocket(t.url, viewer.accessToken);
    open.push(socket);
    const one = await countStorageCalls(t, () => emitAck(socket, 'presence:subscribe', { userIds: crowd.slice(0, 1) }));
    const many = await countStorageCalls(t, () =>
      emitAck(socket, 'presence:subscribe', { userIds: crowd.slice(0, 500) }),
    );
    expect(many).toBeLessThanOrEqual(Math.max(one, 5));
    figures.storageCallsPerSubscribe = { ids1: one, ids500: many };
  }, 30_000);

  it('caps what one account follows across all its sockets', async () => {
    const greedy = await registerUser(t);
    const acks: boolean[] = [];
    const ids = [...crowd, ...crowd.map((id) => `${id}-x`), ...crowd.map((id) => `${id}-y`)];
    for (let i = 0; i < 5; i++) {
      const socket = await connectSocket(t.url, greedy.accessToken);
      open.push(socket);
      const ack = await emitAck(socket, 'presence:subscribe', { userIds: ids.slice(i * 500, i * 500 + 500) });
      acks.push(ack.ok);
      if (!ack.ok) expect(ack.error.code).toBe('rate_limited');
    }
    // 4 × 500 = 2,000 is the account's budget; the fifth socket is refused.
    expect(acks).toEqual([true, true, true, true, false]);
    figures.presencePerAccountCap = { socketsAccepted: 4, idsPerSocket: 500, fifthRefused: 'rate_limited' };
  }, 30_000);

  async function connectAs(userId: string): Promise<ClientSocket> {
    const user = await t.storage.users.findById(userId);
    const res = await fetch(`${t.api}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: user?.username, password: TEST_PASSWORD, client: 'desktop' }),
    });
    const body = (await res.json()) as { data: { accessToken: string } };
    const s = await connectSocket(t.url, body.data.accessToken);
    open.push(s);
    return s;
  }
});

describe('uploads: a rate per account and a quota on bytes not yet sent', () => {
  /** Distinct bytes per call (content-addressed blobs would otherwise be shared). */
  const file = (kb: number) => Buffer.concat([Buffer.from(`%PDF-1.4 ${randomUUID()}\n`), Buffer.alloc(kb * 1024, 7)]);

  it('answers 429 with a readable message past MEDIA_UPLOADS_PER_MINUTE, for that account only', async () => {
    const t = await startTestApp({ rateLimits: true });
    try {
      const [flooder, neighbour] = [await registerUser(t), await registerUser(t)];
      const statuses: number[] = [];
      let refusal = '';
      for (let i = 0; i < 40; i++) {
        const r = await upload(t.api, flooder.accessToken, `f${i}.pdf`, file(2));
        statuses.push(r.status);
        if (r.status === 429) refusal = r.body.message;
      }
      const accepted = statuses.filter((s) => s === 201).length;
      expect(accepted).toBe(t.config.MEDIA_UPLOADS_PER_MINUTE);
      expect(statuses.slice(accepted).every((s) => s === 429)).toBe(true);
      expect(refusal).toMatch(/Too many uploads: at most 30 a minute/);
      expect((await upload(t.api, neighbour.accessToken, 'n.pdf', file(2))).status).toBe(201);
      figures.uploadFlood = { sent: 40, accepted, rateLimited: 40 - accepted, neighbourRefused: 0 };
    } finally {
      await t.close();
    }
  }, 60_000);

  it('answers 413 once unsent uploads fill MEDIA_PENDING_MAX_BYTES, in parallel too; sending frees it', async () => {
    const quota = 200 * 1024;
    const t = await startTestApp({ env: { MEDIA_PENDING_MAX_BYTES: String(quota) } });
    try {
      const u = await registerUser(t);
      // Ten 40 KB uploads at once: the quota holds five.
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => upload(t.api, u.accessToken, `p${i}.pdf`, file(40))),
      );
      const ok = results.filter((r) => r.status === 201);
      const refused = results.filter((r) => r.status === 413);
      expect(ok.length + refused.length).toBe(10);
      expect(ok.length).toBeLessThanOrEqual(5);
      expect(ok.length).toBeGreaterThanOrEqual(4);
      expect(refused[0]?.body.message).toMatch(/not yet sent in a message take .* of the 0\.2 MB allowed/);
      expect(await t.storage.media.pendingBytes(u.user.id)).toBeLessThanOrEqual(quota);
      // What is left of the quota is less than another 40 KB file.
      const full = await upload(t.api, u.accessToken, 'x.pdf', file(40));
      expect(full.status).toBe(413);
      expect(full.body.code).toBe('payload_too_large');
      // Sending one of them in a message frees its bytes.
      const group = await restAs(t.api, u.accessToken).post<{ id: string }>('/conversations', {
        kind: 'group',
        title: 'Uploads',
      });
      const sent = await restAs(t.api, u.accessToken).post(`/conversations/${group.body.data.id}/messages`, {
        clientMsgId: randomUUID(),
        attachments: [ok[0]?.body.data?.id],
      });
      expect(sent.status).toBe(201);
      expect((await upload(t.api, u.accessToken, 'again.pdf', file(20))).status).toBe(201);
      figures.uploadQuota = {
        quotaBytes: quota,
        parallelUploads: 10,
        accepted: ok.length,
        refused413: refused.length,
        freedBySending: true,
      };
    } finally {
      await t.close();
    }
  }, 60_000);
});

describe('OIDC /start and /nonce floods cannot evict other people’s sign-ins in progress', () => {
  const STORE_MAX = 300;
  let op: TestProvider;
  let t: TestApp;
  const publicUrl = `http://${PUBLIC_HOST}`;
  beforeAll(async () => {
    op = await startTestProvider({ redirectUris: [`${publicUrl}/api/v1/auth/oidc/oidc/callback`] });
    t = await startTestApp({
      rateLimits: true,
      env: {
        PUBLIC_URL: publicUrl,
        OIDC_ISSUER: op.issuer,
        OIDC_CLIENT_ID: TEST_CLIENT_ID,
        OIDC_CLIENT_SECRET: TEST_CLIENT_SECRET,
        // Each flood request may come from "another address".
        TRUST_PROXY: 'loopback',
      },
      // The store holds 10,000 pending sign-ins; 300 shows the same thing with 1/33 of the requests.
      deps: { oidc: { storeMax: STORE_MAX } },
    });
  });
  afterAll(async () => {
    await t?.close();
    await op?.close();
  });

  it('caps pending sign-ins per IP: 6 addresses × 60 flood a 300-entry store, yet an earlier sign-in completes', async () => {
    const sub = 'flood-victim';
    op.accounts.set(sub, { email: 'victim@example.com', email_verified: true, name: 'Victim' });
    const victim = new TestBrowser(t.url);
    const started = await victim.request(`${t.api}/auth/oidc/oidc/start?client=web`);
    expect(started.status).toBe(302);

    // 6 addresses × 60 (what the general auth limit lets through per minute) > the store's 300.
    const ADDRESSES = 6;
    const PER_ADDRESS = 60;
    const statuses = new Map<number, number>();
    const acceptedPerAddress: number[] = [];
    for (let a = 0; a < ADDRESSES; a++) {
      const ip = `198.18.${Math.floor(a / 250)}.${(a % 250) + 1}`;
      const results = await Promise.all(
        Array.from({ length: PER_ADDRESS }, () =>
          fetch(`${t.api}/auth/oidc/oidc/start?client=web`, {
            headers: { 'x-forwarded-for': ip },
            redirect: 'manual',
          }).then(async (r) => {
            await r.arrayBuffer();
            return r.status;
          }),
        ),
      );
      for (const s of results) statuses.set(s, (statuses.get(s) ?? 0) + 1);
      acceptedPerAddress.push(results.filter((s) => s === 302).length);
    }
    // The sign-in begun before the flood is still there (checked first: it is what a flood would evict).
    const back = await victim.signInAtProvider(started.headers.get('location') ?? '', sub);
    const done = await victim.request(back.toString());
    expect(done.status).toBe(302);
    expect(done.headers.get('location')).toBe(`${publicUrl}/`);
    expect(Math.max(...acceptedPerAddress)).toBeLessThanOrEqual(10);
    expect(statuses.get(429)).toBeGreaterThan(0);
    // ID-token nonces (the other store a flood could fill) have the same per-address budget.
    const nonces: number[] = [];
    for (let i = 0; i < 15; i++)
      nonces.push(
        (await fetch(`${t.api}/auth/oidc/oidc/nonce`, { method: 'POST', headers: { 'x-forwarded-for': '198.19.0.1' } }))
          .status,
      );
    expect(nonces.filter((s) => s === 201).length).toBe(10);
    expect(nonces.slice(10).every((s) => s === 429)).toBe(true);

    figures.oidcFlood = {
      storeEntries: STORE_MAX,
      addresses: ADDRESSES,
      requestsPerAddress: PER_ADDRESS,
      acceptedPerAddressMax: Math.max(...acceptedPerAddress),
      rateLimited: statuses.get(429) ?? 0,
      noncesPerAddressPerMinute: 10,
      earlierSignInCompleted: true,
    };
  }, 120_000);
});
