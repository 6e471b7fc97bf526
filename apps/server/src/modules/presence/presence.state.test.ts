import { describeIf, hasRedisServer, NO_REDIS_REASON, type RedisServer, startRedisServer } from '@charla/test-utils';
import { createClient, type RedisClientType } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryPresence, createRedisPresence, type PresenceStore } from './presence.state.ts';

/** The same behaviour is required of the in-memory and the Redis stores. */
function storeCases(make: () => PresenceStore) {
  it('is online while any device is, away when all are away, offline with none', async () => {
    const presence = make();
    const u = `u-${Math.random()}`;
    expect(await presence.connect(u, 's1')).toBe(true);
    expect(await presence.connect(u, 's2')).toBe(false);
    expect(await presence.setDevice(u, 's1', 'away')).toBe('online');
    expect(await presence.setDevice(u, 's2', 'away')).toBe('away');
    expect(await presence.setDevice(u, 'unknown-socket', 'online')).toBe('away');
    expect(await presence.disconnect(u, 's1')).toBe(false);
    expect(await presence.disconnect(u, 's1')).toBe(false);
    expect((await presence.statuses([u, 'nobody'])).get(u)).toBe('away');
    expect(await presence.disconnect(u, 's2')).toBe(true);
    expect((await presence.statuses([u])).get(u)).toBe('offline');
  });

  it('caps how many users one user follows across sockets; a socket replaces its own count', async () => {
    const presence = make();
    const u = `u-${Math.random()}`;
    await presence.connect(u, 'a');
    await presence.connect(u, 'b');
    expect(await presence.reserveFollows(u, 'a', 6, 10)).toBe(true);
    // Replacing a socket's set counts only the new size for that socket.
    expect(await presence.reserveFollows(u, 'a', 8, 10)).toBe(true);
    expect(await presence.reserveFollows(u, 'b', 3, 10)).toBe(false);
    expect(await presence.reserveFollows(u, 'b', 2, 10)).toBe(true);
    expect(await presence.reserveFollows(u, 'a', 9, 10)).toBe(false);
    // Another user has their own budget.
    expect(await presence.reserveFollows(`${u}-other`, 'c', 10, 10)).toBe(true);
    // A socket that goes away frees its share.
    await presence.disconnect(u, 'a');
    expect(await presence.reserveFollows(u, 'b', 10, 10)).toBe(true);
  });
}

describe('in-memory presence', () => {
  storeCases(() => createMemoryPresence());
});

describeIf(hasRedisServer(), NO_REDIS_REASON, 'Redis presence', () => {
  let redis: RedisServer;
  let client: RedisClientType;
  beforeAll(async () => {
    redis = await startRedisServer();
    client = createClient({ url: redis.url });
    await client.connect();
  });
  afterAll(async () => {
    await client?.close();
    await redis?.stop();
  });
  const stores: { close(): void }[] = [];
  afterAll(() => {
    for (const s of stores) s.close();
  });
  storeCases(() => {
    const presence = createRedisPresence(client);
    stores.push(presence);
    return presence;
  });

  it('forgets the devices of a node whose heartbeat stopped (a crashed node cannot keep users online)', async () => {
    const crashed = createRedisPresence(client, { nodeId: 'node-a', heartbeatMs: 50, ttlMs: 150 });
    const survivor = createRedisPresence(client, { nodeId: 'node-b', heartbeatMs: 50, ttlMs: 150 });
    try {
      await crashed.connect('u-crash', 'sock-a');
      await survivor.connect('u-both', 'sock-b');
      await crashed.connect('u-both', 'sock-a2');
      await new Promise((r) => setTimeout(r, 200));
      expect(Object.fromEntries(await survivor.statuses(['u-crash', 'u-both']))).toEqual({
        'u-crash': 'online',
        'u-both': 'online',
      });
      crashed.close(); // no more heartbeats: as if the process died
      await new Promise((r) => setTimeout(r, 300));
      expect(Object.fromEntries(await survivor.statuses(['u-crash', 'u-both']))).toEqual({
        'u-crash': 'offline',
        'u-both': 'online',
      });
      expect(await survivor.disconnect('u-both', 'sock-b')).toBe(true);
      // A user coming back on a live node is "newly online" again.
      expect(await survivor.connect('u-crash', 'sock-b2')).toBe(true);
    } finally {
      crashed.close();
      survivor.close();
    }
  });
});
