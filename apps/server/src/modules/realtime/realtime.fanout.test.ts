import http from 'node:http';
import type { ServerToClientEvents } from '@charla/shared-types';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CharlaIo, createFanout, userRoom } from './realtime.fanout.ts';

type Broadcast = (packet: unknown, opts: { flags?: { local?: boolean } }) => void;

/** Makes the namespace's adapter behave like a cluster adapter whose pub/sub is down. */
function breakClusterBroadcast(io: CharlaIo): void {
  const adapter = io.of('/').adapter as unknown as { broadcast: Broadcast };
  const local = adapter.broadcast.bind(adapter);
  adapter.broadcast = (packet, opts) => {
    if (!opts.flags?.local) throw new Error('The client is closed');
    local(packet, opts);
  };
}

describe('fan-out when the cluster adapter fails', () => {
  let server: http.Server;
  let io: CharlaIo;
  let client: Socket<ServerToClientEvents>;

  beforeAll(async () => {
    server = http.createServer();
    io = new Server(server) as unknown as CharlaIo;
    breakClusterBroadcast(io);
    io.on('connection', (s) => s.join(userRoom('u1')));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    client = connect(`http://127.0.0.1:${port}`, { transports: ['websocket'], forceNew: true });
    await new Promise((r) => client.once('connect', () => r(null)));
    await new Promise((r) => setTimeout(r, 50));
  });
  afterAll(async () => {
    client?.close();
    await new Promise((r) => io.close(() => r(null)));
  });

  it("still delivers to this node's clients and reports the failure", async () => {
    const errors: unknown[] = [];
    const fanout = createFanout(io, (err) => errors.push(err));
    const got = new Promise((resolve) => client.once('typing', resolve));
    fanout.toUsers(['u1'], 'typing', { conversationId: 'c', userId: 'u2', typing: true });
    expect(await got).toEqual({ conversationId: 'c', userId: 'u2', typing: true });
    expect(errors).toHaveLength(1);
  });
});
