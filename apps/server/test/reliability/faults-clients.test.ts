/**
 * Slow and flapping clients. A client that stops reading (its TCP window fills, so everything sent to
 * it piles up in the server's memory) must be cut off at a bounded backlog, without slowing the
 * others. Rapid connect/disconnect cycles must leave no sockets, rooms, presence or limiter entries.
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outboundBacklog } from '../../src/modules/realtime/realtime.server.ts';
import { type ClientSocket, connectSocket, emitAck, eventually, loose, restAs, sleep } from '../chat.ts';
import { type RegisteredUser, registerUser, startTestApp, type TestApp } from '../harness.ts';
import { vitestCommand, writeFigures } from './support.ts';

const FILE = 'faults-clients.test.ts';
const OUTBOUND_LIMIT = 1024 * 1024;

/** A masked client WebSocket text frame (RFC 6455), enough to speak Socket.IO by hand. */
function frame(text: string): Buffer {
  const payload = Buffer.from(text);
  const mask = randomBytes(4);
  const len = payload.length;
  const head =
    len < 126 ? Buffer.from([0x81, 0x80 | len]) : Buffer.from([0x81, 0x80 | 126, (len >> 8) & 0xff, len & 0xff]);
  const body = Buffer.alloc(len);
  for (let i = 0; i < len; i++) body[i] = (payload[i] ?? 0) ^ (mask[i % 4] ?? 0);
  return Buffer.concat([head, mask, body]);
}

/**
 * Connects to Socket.IO over a raw TCP WebSocket, authenticates, then stops reading: the kernel's
 * receive window fills and every later byte stays in the server's send buffers.
 */
async function stalledClient(port: number, token: string): Promise<net.Socket> {
  const sock = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    sock.once('connect', () => resolve());
    sock.once('error', reject);
  });
  sock.write(
    'GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n' +
      `Connection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  let seen = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no socket.io connect: ${seen.slice(0, 200)}`)), 5000);
    const onData = (d: Buffer) => {
      seen += d.toString('latin1');
      if (seen.includes('101 Switching') && seen.includes('0{') && !seen.includes('40{')) {
        if (!seen.includes('SENT')) {
          seen += 'SENT';
          sock.write(frame(`40${JSON.stringify({ token })}`));
        }
      }
      if (seen.includes('40{"sid"')) {
        clearTimeout(timer);
        sock.off('data', onData);
        resolve();
      }
    };
    sock.on('data', onData);
  });
  sock.pause();
  return sock;
}

describe('slow and flapping clients', () => {
  let t: TestApp;
  let ana: RegisteredUser;
  let ben: RegisteredUser;
  let cy: RegisteredUser;
  let conversationId: string;
  const figures: Record<string, unknown> = {};
  beforeAll(async () => {
    const big: [number, number] = [1e9, 1e9];
    t = await startTestApp({
      deps: { realtime: { limits: { send: big, events: big, typing: big, outboundBytes: OUTBOUND_LIMIT } } },
    });
    [ana, ben, cy] = [await registerUser(t), await registerUser(t), await registerUser(t)];
    const g = await restAs(t.api, ana.accessToken).post<{ id: string }>('/conversations', {
      kind: 'group',
      title: 'Slow',
      memberIds: [ben.user.id, cy.user.id],
    });
    conversationId = g.body.data.id;
  });
  afterAll(async () => {
    await t?.close();
    writeFigures('slow-flapping-clients', {
      family: 'faults',
      scenario: 'Slow (non-reading) client and connect/disconnect flapping',
      command: vitestCommand(FILE),
      ...figures,
      outcome: 'held',
    });
  });

  it('cuts off a client that reads nothing at a bounded backlog, and keeps serving the others', async () => {
    const port = Number(new URL(t.url).port);
    const stalled = await stalledClient(port, ben.accessToken);
    const stalledId = [...t.charla.io.sockets.sockets.values()].find((s) => s.data.userId === ben.user.id)?.id;
    expect(stalledId).toBeDefined();
    const sender = await connectSocket(t.url, ana.accessToken);
    const healthy: ClientSocket = await connectSocket(t.url, cy.accessToken);
    let healthyGot = 0;
    loose(healthy).on('message:created', () => {
      healthyGot++;
    });
    // 8 KB of UTF-8 per message: enough traffic to fill the loopback's kernel buffers (several MB).
    const text = 'é'.repeat(4000);
    // Until the server cuts the stalled client off (plus a little), at most 64 MB: kernels differ in
    // how much they buffer for a socket that stopped reading.
    const MAX = 8000;
    let sent = 0;
    let maxBacklog = 0;
    let cutAt = -1;
    // Sample the stalled socket's server-side backlog often (the sweep checks every 250 ms).
    const sampler = setInterval(() => {
      maxBacklog = Math.max(maxBacklog, outboundBacklog(t.charla.io.sockets.sockets.get(stalledId ?? '')));
    }, 5);
    try {
      for (let i = 0; i < MAX && (cutAt < 0 || i < cutAt + 100); i += 10) {
        const acks = await Promise.all(
          Array.from({ length: 10 }, (_, k) =>
            emitAck(sender, 'message:send', { conversationId, clientMsgId: `slow-${i + k}`, text }),
          ),
        );
        expect(acks.every((a) => a.ok)).toBe(true);
        sent += acks.length;
        const s = t.charla.io.sockets.sockets.get(stalledId ?? '');
        if (!s && cutAt < 0) cutAt = i;
      }
      await eventually(() => expect(healthyGot).toBe(sent), 20_000);
      await eventually(() => expect(t.charla.io.sockets.sockets.get(stalledId ?? '')).toBeUndefined(), 5000);
    } finally {
      clearInterval(sampler);
      stalled.destroy();
      sender.close();
      healthy.close();
    }
    figures.slowClient = {
      messagesSent: sent,
      bytesPerMessage: Buffer.byteLength(text),
      outboundLimitBytes: OUTBOUND_LIMIT,
      maxServerBacklogBytes: maxBacklog,
      disconnectedAfterMessage: cutAt,
      healthyClientReceived: healthyGot,
    };
    // Bounded: the backlog never grew far past the limit (one check interval of traffic at most).
    expect(cutAt).toBeGreaterThan(0);
    expect(maxBacklog).toBeLessThan(OUTBOUND_LIMIT * 4);
  }, 60_000);

  it('leaks nothing across rapid connect/disconnect cycles', async () => {
    const io = t.charla.io;
    await sleep(200);
    const before = {
      sockets: io.sockets.sockets.size,
      engineClients: io.engine.clientsCount,
      rooms: io.sockets.adapter.rooms.size,
      connectionListeners: io.sockets.listenerCount('connection'),
    };
    const watcher = await connectSocket(t.url, ana.accessToken);
    const baseline = {
      sockets: io.sockets.sockets.size,
      engineClients: io.engine.clientsCount,
      rooms: io.sockets.adapter.rooms.size,
    };
    await emitAck(watcher, 'presence:subscribe', { userIds: [ben.user.id] });
    const roomsWithWatcher = io.sockets.adapter.rooms.size;
    const heapBefore = process.memoryUsage().heapUsed;
    const CYCLES = 200;
    for (let i = 0; i < CYCLES; i++) {
      const s = await connectSocket(t.url, ben.accessToken);
      if (i % 3 === 0) await emitAck(s, 'typing:start', { conversationId });
      if (i % 5 === 0) await emitAck(s, 'presence:set', { status: 'away' });
      // Half close politely, half vanish mid-flight.
      if (i % 2 === 0) s.close();
      else (s.io.engine as unknown as { close(): void }).close();
    }
    await eventually(() => {
      expect(io.sockets.sockets.size).toBe(baseline.sockets);
      expect(io.engine.clientsCount).toBe(baseline.engineClients);
      expect(io.sockets.adapter.rooms.size).toBe(roomsWithWatcher);
    }, 10_000);
    const presence = await emitAck<{ status: string }[]>(watcher, 'presence:subscribe', { userIds: [ben.user.id] });
    expect(presence).toMatchObject({ ok: true, data: [{ status: 'offline' }] });
    expect(io.sockets.listenerCount('connection')).toBe(before.connectionListeners);
    watcher.close();
    await eventually(() => expect(io.sockets.sockets.size).toBe(before.sockets));
    const heapGrowthMb = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;
    figures.flapping = {
      cycles: CYCLES,
      socketsAfter: io.sockets.sockets.size - before.sockets,
      roomsLeftBehind: io.sockets.adapter.rooms.size - before.rooms,
      presenceAfter: presence.ok ? presence.data[0]?.status : 'error',
      heapGrowthMb: Math.round(heapGrowthMb * 10) / 10,
    };
    expect(io.sockets.adapter.rooms.size).toBe(before.rooms);
  }, 60_000);
});
