/**
 * Scale-out: two real server processes on one SQLite file and one real redis-server. A message sent
 * through node A reaches a client on node B, and presence/typing agree on both nodes.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AuthResult, ConversationSummary, Message, Presence } from '@charla/shared-types';
import { describeIf, freePort, hasRedisServer, type RedisServer, startRedisServer } from '@charla/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ClientSocket, connectSocket, emitAck, eventually, nextEvent, restAs } from './chat.ts';

const mainTs = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/main.ts');

type Node = { url: string; api: string; child: ChildProcess; output: string[] };

async function startNode(env: Record<string, string>): Promise<Node> {
  const port = await freePort();
  const child = spawn(process.execPath, [mainTs], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout?.on('data', (d) => output.push(String(d)));
  child.stderr?.on('data', (d) => output.push(String(d)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`node exited: ${output.join('')}`);
    const ok = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { url, api: `${url}/api/v1`, child, output };
    if (Date.now() > deadline) throw new Error(`node did not start: ${output.join('')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function stopNode(node: Node | undefined): Promise<void> {
  if (!node || node.child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => node.child.once('exit', () => resolve()));
  node.child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  if (node.child.exitCode === null) node.child.kill('SIGKILL');
}

async function register(api: string, name: string): Promise<AuthResult> {
  const res = await fetch(`${api}/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email: `${name}-${Date.now()}@example.com`,
      password: 'correct horse battery staple',
      displayName: name,
      client: 'desktop',
    }),
  });
  const body = (await res.json()) as { data: AuthResult };
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${JSON.stringify(body)}`);
  return body.data;
}

describeIf(hasRedisServer(), 'no redis-server binary', 'two server nodes sharing Redis and one store', () => {
  let redis: RedisServer;
  let dataDir: string;
  let nodeA: Node;
  let nodeB: Node;
  const sockets: ClientSocket[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'charla-multinode-'));
    const env = {
      NODE_ENV: 'test',
      DATA_DIR: dataDir,
      REDIS_URL: redis.url,
      JWT_SECRET: 'multi-node-test-secret-0123456789abcdef',
      BCRYPT_COST: '4',
      LOG_LEVEL: 'warn',
      CHARLA_DISABLE_RATE_LIMITS: '1',
    };
    // One after the other: the first creates and migrates the SQLite file.
    nodeA = await startNode(env);
    nodeB = await startNode(env);
  }, 60_000);

  afterAll(async () => {
    for (const s of sockets) s.close();
    await Promise.all([stopNode(nodeA), stopNode(nodeB)]);
    await redis?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const connect = async (url: string, token: string) => {
    const s = await connectSocket(url, token);
    sockets.push(s);
    return s;
  };

  it('fans messages out across nodes and agrees on presence and typing', async () => {
    const ana = await register(nodeA.api, 'ana');
    const ben = await register(nodeB.api, 'ben');
    const group = (
      await restAs(nodeA.api, ana.accessToken).post<ConversationSummary>('/conversations', {
        kind: 'group',
        title: 'Across nodes',
        memberIds: [ben.user.id],
      })
    ).body.data;

    const anaOnA = await connect(nodeA.url, ana.accessToken);
    const benOnB = await connect(nodeB.url, ben.accessToken);

    // Message through node A reaches ben's socket on node B (retrying until both adapters subscribed).
    let n = 0;
    await eventually(async () => {
      const clientMsgId = `x-${++n}`;
      const arrived = nextEvent(benOnB, 'message:created', (e) => e.message.clientMsgId === clientMsgId, 1000);
      const ack = await emitAck<Message>(anaOnA, 'message:send', {
        conversationId: group.id,
        clientMsgId,
        text: 'hello from node A',
      });
      expect(ack.ok).toBe(true);
      expect((await arrived).message.text).toBe('hello from node A');
    }, 10_000);

    // And back: REST on node B reaches ana's socket on node A.
    const back = nextEvent(anaOnA, 'message:created', (e) => e.message.text === 'hello from node B');
    const sent = await restAs(nodeB.api, ben.accessToken).post<Message>(`/conversations/${group.id}/messages`, {
      clientMsgId: 'back-1',
      text: 'hello from node B',
    });
    expect(sent.status).toBe(201);
    expect((await back).message.senderId).toBe(ben.user.id);

    // Presence: both nodes say ana (connected to A only) is online.
    const benOnA = await connect(nodeA.url, ben.accessToken);
    const fromB = await emitAck<Presence[]>(benOnB, 'presence:subscribe', { userIds: [ana.user.id] });
    const fromA = await emitAck<Presence[]>(benOnA, 'presence:subscribe', { userIds: [ana.user.id] });
    expect(fromB).toMatchObject({ ok: true, data: [{ userId: ana.user.id, status: 'online' }] });
    expect(fromA).toEqual(fromB);

    // Typing on A shows on B.
    const typing = nextEvent(benOnB, 'typing', (e) => e.userId === ana.user.id && e.typing);
    await emitAck(anaOnA, 'typing:start', { conversationId: group.id });
    await typing;

    // Ana leaves node A: the subscriber on node B hears it, and both nodes now agree she is offline.
    const offline = nextEvent(benOnB, 'presence', (p) => p.userId === ana.user.id && p.status === 'offline');
    anaOnA.close();
    await offline;
    const afterB = await emitAck<Presence[]>(benOnB, 'presence:subscribe', { userIds: [ana.user.id] });
    const afterA = await emitAck<Presence[]>(benOnA, 'presence:subscribe', { userIds: [ana.user.id] });
    expect(afterB).toMatchObject({ ok: true, data: [{ status: 'offline' }] });
    expect(afterA).toEqual(afterB);
  }, 40_000);

  it('disconnects a session revoked on one node from the other node at once', async () => {
    const cy = await register(nodeA.api, 'cy');
    const onB = await connect(nodeB.url, cy.accessToken);
    const gone = new Promise<string>((resolve) => onB.once('disconnect', (reason) => resolve(reason)));
    const res = await fetch(`${nodeA.api}/auth/logout`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${cy.accessToken}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(200);
    expect(await gone).toBe('io server disconnect');
  }, 20_000);
});
