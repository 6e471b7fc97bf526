/**
 * Push delivery under a misbehaving push service and a crashing server. The push service is the
 * stand-in (@charla/test-utils/push-service): it verifies every VAPID JWT and decrypts every payload,
 * and answers as the scenario says. Invariants: every message is covered by a delivered push (a
 * push covers its burst: `count` messages, newest last), no push id is delivered twice, a 410
 * removes the subscription, and a server killed with pushes queued delivers each of them exactly
 * once after restart.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { notificationPaths, type PushPayload, paths } from '@charla/shared-types';
import {
  createStandInTls,
  type Delivery,
  type PushServiceStandIn,
  type StandInSubscription,
  type StandInTls,
  startPushServiceStandIn,
} from '@charla/test-utils/push-service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import webpush from 'web-push';
import { eventually, type Rest, restAs, sleep } from '../chat.ts';
import { registerUser, type TestApp } from '../harness.ts';
import { startPushApp } from '../push-app.ts';
import { killNode, type Node, nodeEnv, register, startNode, stopNode, vitestCommand, writeFigures } from './support.ts';

const FILE = 'faults-push.test.ts';
const prefs = { level: 'all', hideContent: false, doNotDisturb: false, locale: 'en' } as const;

let tls: StandInTls;
beforeAll(async () => {
  tls = await createStandInTls();
});

const putSubscription = async (rest: Rest, s: StandInSubscription) => {
  const res = await rest.put(notificationPaths.pushSubscription, { endpoint: s.endpoint, keys: s.keys, prefs });
  if (res.status !== 200) throw new Error(`subscribe failed: ${res.status} ${JSON.stringify(res.body)}`);
};
const sendText = async (rest: Rest, conversationId: string, text: string) => {
  const res = await rest.post<{ id: string; seq: number }>(paths.conversations.messages(conversationId), {
    clientMsgId: `p-${Math.random().toString(36).slice(2)}`,
    text,
  });
  if (res.status !== 201) throw new Error(`send failed: ${res.status}`);
  return res.body.data;
};

/** What the delivered pushes (2xx) say: per conversation, messages covered and the newest one. */
function audit(deliveries: Delivery[], subscriptionId: string) {
  const ok = deliveries.filter((d) => d.subscriptionId === subscriptionId && d.status >= 200 && d.status < 300);
  const byId = new Map<string, number>();
  for (const d of ok) {
    const id = (d.payload as PushPayload).id;
    byId.set(id, (byId.get(id) ?? 0) + 1);
  }
  const covered = new Map<string, number>();
  const newest = new Map<string, number>();
  for (const d of ok) {
    const p = d.payload as PushPayload;
    covered.set(p.conversationId, (covered.get(p.conversationId) ?? 0) + p.count);
    newest.set(p.conversationId, Math.max(newest.get(p.conversationId) ?? 0, p.seq));
  }
  const duplicates = [...byId.values()].reduce((n, c) => n + (c - 1), 0);
  return { delivered: ok.length, duplicates, covered, newest };
}

describe('push service errors: 429, 5xx, 410 and timeouts', () => {
  let t: TestApp;
  let standIn: PushServiceStandIn;
  afterAll(async () => {
    await t?.close();
    await standIn?.close();
  });

  it('every message is covered by exactly one delivered push; a 410 removes its subscription', async () => {
    ({ t, standIn } = await startPushApp(tls, { coalesceMs: 100, backoffMaxMs: 800 }));
    const ana = await registerUser(t, { displayName: 'Ana' });
    const ben = await registerUser(t, { displayName: 'Ben' });
    const anaRest = restAs(t.api, ana.accessToken);
    const benPhone = standIn.subscribe();
    await putSubscription(restAs(t.api, ben.accessToken), benPhone);
    // Ben's old laptop: its subscription expired at the push service.
    const benLaptop = await registerUser(t, { email: `laptop-${ben.email}`, displayName: 'Ben laptop' });
    const stale = standIn.subscribe();
    await putSubscription(restAs(t.api, benLaptop.accessToken), stale);

    // Deterministic mix of answers for the phone: ~45 % failures of every retryable kind.
    let i = 0;
    const script = [201, 503, 201, 429, 500, 201, 502, 201, 201, 504, 429, 201];
    standIn.respond(({ subscriptionId }) => {
      if (subscriptionId === stale.id) return { status: 410 };
      const status = script[i++ % script.length] ?? 201;
      return status === 429 ? { status, headers: { 'retry-after': '0' } } : { status };
    });

    const CONVERSATIONS = 6;
    const PER_CONVERSATION = 8;
    const conversations: string[] = [];
    for (let c = 0; c < CONVERSATIONS; c++) {
      const res = await anaRest.post<{ id: string }>(paths.conversations.create, {
        kind: 'group',
        title: `Burst ${c}`,
        memberIds: [ben.user.id, benLaptop.user.id],
      });
      conversations.push(res.body.data.id);
    }
    const sentSeq = new Map<string, number>();
    const started = Date.now();
    for (let m = 0; m < PER_CONVERSATION; m++) {
      for (const c of conversations) sentSeq.set(c, (await sendText(anaRest, c, `message ${m}`)).seq);
      await sleep(m % 3 === 0 ? 250 : 20);
    }
    await eventually(() => {
      const a = audit(standIn.deliveries, benPhone.id);
      for (const c of conversations) expect(a.covered.get(c)).toBe(PER_CONVERSATION);
    }, 30_000);
    const allDeliveredMs = Date.now() - started;
    await sleep(1500);
    const a = audit(standIn.deliveries, benPhone.id);
    for (const c of conversations) {
      expect(a.covered.get(c)).toBe(PER_CONVERSATION);
      expect(a.newest.get(c)).toBe(sentSeq.get(c));
    }
    expect(a.duplicates).toBe(0);
    expect(standIn.errors).toEqual([]);
    await eventually(async () => expect(await t.storage.pushSubscriptions.listByUser(benLaptop.user.id)).toEqual([]));
    expect(await t.storage.pushQueue.counts()).toEqual({ pending: 0, sending: 0 });
    const attempts = standIn.deliveries.filter((d) => d.subscriptionId === benPhone.id);
    const stats = t.charla.notifications.worker.stats();
    writeFigures('faults-push-errors', {
      family: 'faults',
      scenario: 'Push service answering 429/5xx/410 (Web Push stand-in)',
      command: vitestCommand(FILE),
      sent: CONVERSATIONS * PER_CONVERSATION,
      delivered: CONVERSATIONS * PER_CONVERSATION,
      duplicates: a.duplicates,
      losses: 0,
      pushesDelivered: a.delivered,
      pushAttempts: attempts.length,
      failedAttempts: attempts.filter((d) => d.status >= 300).length,
      retriesScheduled: stats.retried,
      staleSubscriptionRemovedAfter410: true,
      verifiedJwtAndDecrypted: standIn.deliveries.length,
      verificationErrors: standIn.errors.length,
      allCoveredAfterMs: allDeliveredMs,
      outcome: 'held',
    });
  }, 90_000);
});

describe('server kill -9 with pushes queued, then restart', () => {
  let node: Node | undefined;
  let standIn: PushServiceStandIn;
  let dir: string;
  afterAll(async () => {
    await stopNode(node);
    await standIn?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('each queued push is delivered exactly once after the restart, in-flight ones included', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'charla-push-crash-'));
    const caFile = path.join(dir, 'push-ca.pem');
    fs.writeFileSync(caFile, tls.cert);
    const vapid = webpush.generateVAPIDKeys();
    const env = nodeEnv(path.join(dir, 'data'), {
      CHARLA_PUSH_ALLOW_PRIVATE_HOSTS: '1',
      NODE_EXTRA_CA_CERTS: caFile,
      VAPID_PUBLIC_KEY: vapid.publicKey,
      VAPID_PRIVATE_KEY: vapid.privateKey,
    });
    standIn = await startPushServiceStandIn({ tls, vapidPublicKey: vapid.publicKey });
    // The push service is down: every push fails and waits in the queue. Three conversations'
    // first attempts hang instead (in flight when the server dies).
    const hangFor = new Set<string>();
    const hung = new Set<string>();
    standIn.respond(({ payload }) => {
      const c = (payload as PushPayload).conversationId;
      if (!hangFor.has(c)) return { status: 503 };
      hung.add(c);
      return 'hold';
    });
    node = await startNode(env);
    const ana = await register(node.api, 'Ana');
    const ben = await register(node.api, 'Ben');
    const anaRest = restAs(node.api, ana.accessToken);
    const phone = standIn.subscribe();
    await putSubscription(restAs(node.api, ben.accessToken), phone);

    const CONVERSATIONS = 8;
    const PER_CONVERSATION = 5;
    const conversations: string[] = [];
    for (let c = 0; c < CONVERSATIONS; c++) {
      const res = await anaRest.post<{ id: string }>(paths.conversations.create, {
        kind: 'group',
        title: `Crash ${c}`,
        memberIds: [ben.user.id],
      });
      conversations.push(res.body.data.id);
      if (c < 3) hangFor.add(res.body.data.id);
    }
    const lastSeq = new Map<string, number>();
    for (let m = 0; m < PER_CONVERSATION; m++)
      for (const c of conversations) lastSeq.set(c, (await sendText(anaRest, c, `before the crash ${m}`)).seq);
    // Queued and tried: every conversation's push has reached the (failing) push service at least once.
    await eventually(() => {
      const tried = new Set(standIn.deliveries.map((d) => (d.payload as PushPayload).conversationId));
      for (const c of conversations) expect(tried.has(c) || hung.has(c), c).toBe(true);
      expect(standIn.held()).toBeGreaterThan(0);
    }, 20_000);
    const inFlightAtKill = standIn.held();
    const attemptsBeforeKill = standIn.deliveries.length + inFlightAtKill;
    const deliveredBeforeKill = standIn.deliveries.filter((d) => d.status < 300).length;

    await killNode(node);
    const { openSqliteStorage } = await import('../../src/storage/sqlite/sqlite-storage.ts');
    const peek = openSqliteStorage(env.DATA_DIR ?? '');
    const queuedAtKill = await peek.pushQueue.counts();
    await peek.close();

    standIn.respond({ status: 201 });
    const restartedAt = Date.now();
    node = await startNode(env, node.port);
    await eventually(() => {
      const a = audit(standIn.deliveries, phone.id);
      for (const c of conversations) expect(a.covered.get(c), c).toBe(PER_CONVERSATION);
    }, 60_000);
    const allDeliveredMs = Date.now() - restartedAt;
    // Anything sent twice would arrive within a few retry rounds: wait them out.
    await sleep(4000);
    const a = audit(standIn.deliveries, phone.id);
    for (const c of conversations) {
      expect(a.covered.get(c)).toBe(PER_CONVERSATION);
      expect(a.newest.get(c)).toBe(lastSeq.get(c));
    }
    expect(deliveredBeforeKill).toBe(0);
    expect(a.duplicates).toBe(0);
    expect(standIn.errors).toEqual([]);
    writeFigures('faults-push-restart', {
      family: 'faults',
      scenario: 'Server kill -9 with pushes queued (some in flight), restart',
      command: vitestCommand(FILE),
      sent: CONVERSATIONS * PER_CONVERSATION,
      delivered: CONVERSATIONS * PER_CONVERSATION,
      duplicates: a.duplicates,
      losses: 0,
      pushesQueuedAtKill: queuedAtKill,
      inFlightAtKill,
      attemptsBeforeKill,
      pushesDeliveredAfterRestart: a.delivered,
      allDeliveredAfterRestartMs: allDeliveredMs,
      outcome: 'held',
    });
  }, 120_000);
});
