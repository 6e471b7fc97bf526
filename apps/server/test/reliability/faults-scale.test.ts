/**
 * Scale-out faults with two real server processes on one SQLite file and a real redis-server:
 * a node killed with SIGKILL under load (its clients move to the other node, nothing acked is lost),
 * and Redis stopped mid-run (local clients keep being served, the degradation is visible on
 * /readyz, and cross-node fan-out comes back with Redis).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AuthResult, Message, MessageCreatedEvent } from '@charla/shared-types';
import { describeIf, freePort, hasRedisServer, type RedisServer, startRedisServer } from '@charla/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ClientSocket, connectSocket, emitAck, eventually, loose, nextEvent, sleep } from '../chat.ts';
import {
  allMessages,
  auditHistory,
  catchUp,
  connectRetrying,
  createGroup,
  killNode,
  type Node,
  newSender,
  nodeEnv,
  register,
  retryPending,
  runLoad,
  type Sender,
  setDebug,
  startNode,
  stopNode,
  vitestCommand,
  writeFigures,
} from './support.ts';

const FILE = 'faults-scale.test.ts';

describeIf(hasRedisServer(), 'no redis-server binary', 'node loss: two nodes + Redis, one killed under load', () => {
  let redis: RedisServer;
  let dataDir: string;
  let nodeA: Node;
  let nodeB: Node;
  const sockets: ClientSocket[] = [];
  beforeAll(async () => {
    redis = await startRedisServer();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'charla-nodeloss-'));
    const env = nodeEnv(dataDir, { REDIS_URL: redis.url });
    nodeA = await startNode(env);
    nodeB = await startNode(env);
    setDebug(() => nodeA.output.join('') + nodeB.output.join(''));
  }, 60_000);
  afterAll(async () => {
    for (const s of sockets) s.close();
    await Promise.all([stopNode(nodeA), stopNode(nodeB)]);
    await redis?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('moves the lost node’s clients to the survivor without losing or duplicating an acked message', async () => {
    const track = (s: ClientSocket) => {
      sockets.push(s);
      return s;
    };
    const users: AuthResult[] = [];
    for (const n of ['ana', 'ben', 'cy', 'dee']) users.push(await register(nodeA.api, n));
    const [ana, ben, cy, dee] = users as [AuthResult, AuthResult, AuthResult, AuthResult];
    const conversationId = await createGroup(nodeA.api, ana, [ben, cy, dee]);
    // ana and cy on A (the node that dies), ben on B; dee listens on B.
    const senders: Sender[] = [
      newSender('ana', ana.accessToken, track(await connectSocket(nodeA.url, ana.accessToken))),
      newSender('cy', cy.accessToken, track(await connectSocket(nodeA.url, cy.accessToken))),
      newSender('ben', ben.accessToken, track(await connectSocket(nodeB.url, ben.accessToken))),
    ];
    const listener = track(await connectSocket(nodeB.url, dee.accessToken));
    const live = new Map<string, number>();
    loose(listener).on('message:created', (e: MessageCreatedEvent) => {
      live.set(e.message.id, (live.get(e.message.id) ?? 0) + 1);
    });
    // Cross-node fan-out is up before the load starts.
    await eventually(async () => {
      const probe = nextEvent(listener, 'message:created', (e) => e.message.senderId === ana.user.id, 800);
      const s = senders[0] as Sender;
      await emitAck(s.socket as ClientSocket, 'message:send', {
        conversationId,
        clientMsgId: `probe-${Date.now()}`,
        text: 'probe',
      });
      await probe;
    }, 10_000);
    live.clear();
    const probes = (await allMessages(nodeB.api, dee.accessToken, conversationId)).length;

    let stop = false;
    const load = runLoad(senders, conversationId, () => stop);
    await sleep(1500);
    const ackedBeforeKill = senders.reduce((a, s) => a + s.acked.size, 0);
    await killNode(nodeA);
    // Their sockets drop; the clients reconnect to the surviving node and the outbox retries.
    for (const s of senders.slice(0, 2)) {
      s.socket = track(await connectRetrying(nodeB.url, s.token));
      await retryPending(s, conversationId);
    }
    await sleep(1000);
    stop = true;
    await load;
    for (const s of senders) await retryPending(s, conversationId);

    const stored = await allMessages(nodeB.api, dee.accessToken, conversationId);
    const audit = auditHistory(stored.slice(probes), senders);
    const gapless = stored.every((m, i) => m.seq === i + 1);
    const final = await catchUp(nodeB.api, dee.accessToken, conversationId, 0);
    const converged = new Set([...live.keys(), ...final.messages.map((m) => m.id)]);
    const unconverged = stored.filter((m) => !converged.has(m.id)).length;
    const liveDuplicates = [...live.values()].filter((n) => n > 1).length;
    const pendingLeft = senders.reduce((a, s) => a + s.pending.size, 0);
    writeFigures('node-loss', {
      family: 'faults',
      scenario: 'Node kill -9 (2 nodes + Redis), clients fail over',
      command: vitestCommand(FILE),
      clients: senders.length + 1,
      sent: senders.reduce((a, s) => a + s.sent, 0),
      acked: audit.acked,
      ackedBeforeKill,
      stored: audit.stored,
      delivered: [...live.values()].reduce((a, b) => a + b, 0),
      duplicates: audit.duplicates + liveDuplicates,
      losses: audit.lost + unconverged,
      gaplessSeqs: gapless,
      unackedAfterRetry: pendingLeft,
      outcome: audit.lost + audit.duplicates + liveDuplicates + unconverged === 0 && gapless ? 'held' : 'FAILED',
    });
    expect(ackedBeforeKill).toBeGreaterThan(20);
    expect(audit.lost).toBe(0);
    expect(audit.duplicates).toBe(0);
    expect(gapless).toBe(true);
    expect(liveDuplicates).toBe(0);
    expect(unconverged).toBe(0);
    expect(pendingLeft).toBe(0);
    expect(audit.stored).toBe(audit.acked);
  }, 90_000);
});

/** A redis-server on a fixed port, so "Redis comes back" means the same URL answers again. */
async function redisOn(port: number, dir: string): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: 'ignore' },
  );
  await eventually(async () => {
    const { createConnection } = await import('node:net');
    await new Promise<void>((resolve, reject) => {
      const c = createConnection(port, '127.0.0.1', () => {
        c.end();
        resolve();
      });
      c.on('error', reject);
    });
  }, 10_000);
  return child;
}

async function stopRedis(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await gone;
}

describeIf(hasRedisServer(), 'no redis-server binary', 'Redis outage: stopped mid-run, then back', () => {
  let redisDir: string;
  let redisPort: number;
  let redisChild: ChildProcess | undefined;
  let dataDir: string;
  let nodeA: Node;
  let nodeB: Node;
  const sockets: ClientSocket[] = [];
  beforeAll(async () => {
    redisDir = fs.mkdtempSync(path.join(os.tmpdir(), 'charla-redis-outage-'));
    redisPort = await freePort();
    redisChild = await redisOn(redisPort, redisDir);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'charla-outage-'));
    const env = nodeEnv(dataDir, { REDIS_URL: `redis://127.0.0.1:${redisPort}` });
    nodeA = await startNode(env);
    nodeB = await startNode(env);
  }, 60_000);
  afterAll(async () => {
    for (const s of sockets) s.close();
    await Promise.all([stopNode(nodeA), stopNode(nodeB)]);
    await stopRedis(redisChild);
    fs.rmSync(redisDir, { recursive: true, force: true });
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps serving local clients, shows the degradation, and recovers fan-out', async () => {
    const track = (s: ClientSocket) => {
      sockets.push(s);
      return s;
    };
    const [ana, ben, cy] = [
      await register(nodeA.api, 'ana'),
      await register(nodeA.api, 'ben'),
      await register(nodeA.api, 'cy'),
    ];
    const conversationId = await createGroup(nodeA.api, ana, [ben, cy]);
    const anaA = track(await connectSocket(nodeA.url, ana.accessToken));
    const benA = track(await connectSocket(nodeA.url, ben.accessToken)); // same node as ana
    const cyB = track(await connectSocket(nodeB.url, cy.accessToken)); // the other node
    let n = 0;
    const send = async (label: string) => {
      const clientMsgId = `${label}-${++n}`;
      const ack = await emitAck<Message>(anaA, 'message:send', { conversationId, clientMsgId, text: label });
      return { ack, clientMsgId };
    };
    // Before: fan-out reaches both nodes.
    await eventually(async () => {
      const p = nextEvent(cyB, 'message:created', (e) => e.message.text === 'before', 800);
      await send('before');
      await p;
    }, 10_000);
    const readyz = async () => {
      const r = await fetch(`${nodeA.url}/readyz`);
      return { status: r.status, body: (await r.json()) as { data?: unknown; message?: string } };
    };
    const readyBefore = await readyz();

    await stopRedis(redisChild);
    redisChild = undefined;
    await sleep(300);

    // During: ana and ben (both on node A) keep chatting; every send is acked and delivered locally.
    const DURING = 20;
    let ackedDuring = 0;
    let deliveredLocal = 0;
    const started = Date.now();
    for (let i = 0; i < DURING; i++) {
      const expected = `during-${n + 1}`;
      const seen = nextEvent(benA, 'message:created', (e) => e.message.clientMsgId === expected, 3000);
      const { ack } = await send('during');
      if (ack.ok) ackedDuring++;
      if (
        await seen.then(
          () => true,
          () => false,
        )
      )
        deliveredLocal++;
    }
    const duringMs = Date.now() - started;
    // Outlast node-redis's command timeout (5 s): the publishes queued during the outage reject then,
    // which used to be an unhandled rejection that killed the process.
    await sleep(5500);
    const aliveAfterTimeouts = nodeA.child.exitCode === null && nodeA.child.signalCode === null;
    const ready = await readyz();
    const health = await fetch(`${nodeA.url}/healthz`).then((r) => r.status);
    const degradedLogged = nodeA.output.join('').includes('redis unavailable');

    // After: Redis returns on the same port; cross-node fan-out recovers by itself.
    redisChild = await redisOn(redisPort, redisDir);
    let recoveredAfterMs = 0;
    const back = Date.now();
    await eventually(async () => {
      const p = nextEvent(cyB, 'message:created', (e) => e.message.text === 'after', 800);
      await send('after');
      await p;
      recoveredAfterMs = Date.now() - back;
    }, 20_000);
    // Fan-out recovers through the publisher first; the subscriber and state clients come back on
    // node-redis's own reconnect backoff (<= ~0.5 s), so readiness is awaited, bounded, not sampled once.
    let readyAfter = await readyz();
    await eventually(async () => {
      readyAfter = await readyz();
      expect(readyAfter.body.data).toEqual({ ready: true });
    }, 10_000);
    // cy missed the outage live; catch-up gives her everything.
    const caught = await catchUp(nodeB.api, cy.accessToken, conversationId, 0);
    const stored = await allMessages(nodeB.api, cy.accessToken, conversationId);
    const duringStored = stored.filter((m) => m.text === 'during').length;

    writeFigures('redis-outage', {
      family: 'faults',
      scenario: 'Redis stopped mid-run, then restarted',
      command: vitestCommand(FILE),
      sent: DURING,
      acked: ackedDuring,
      stored: duringStored,
      delivered: deliveredLocal,
      duplicates: 0,
      losses: DURING - duringStored,
      sendLatencyDuringOutageMs: Math.round(duringMs / DURING),
      readyzDuringOutage: `${ready.status} ${JSON.stringify(ready.body.data ?? ready.body.message)}`,
      fanoutRecoveredAfterMs: recoveredAfterMs,
      outageSeconds: Math.round((back - started) / 1000),
      nodeSurvived: aliveAfterTimeouts,
      outcome:
        aliveAfterTimeouts && ackedDuring === DURING && deliveredLocal === DURING && duringStored === DURING
          ? 'held'
          : 'FAILED',
    });
    expect(aliveAfterTimeouts).toBe(true);
    expect(readyBefore.status).toBe(200);
    expect(ackedDuring).toBe(DURING);
    expect(deliveredLocal).toBe(DURING);
    expect(duringStored).toBe(DURING);
    expect(health).toBe(200);
    expect(ready.status).toBe(200);
    expect(ready.body.data).toMatchObject({ ready: true, degraded: ['redis'] });
    expect(degradedLogged).toBe(true);
    expect(readyAfter.body.data).toEqual({ ready: true });
    expect(caught.messages.filter((m) => m.text === 'during')).toHaveLength(DURING);
  }, 90_000);
});
