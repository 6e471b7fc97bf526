import net from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hasRedisServer, NO_REDIS_REASON, type RedisServer, startRedisServer } from './redis.ts';
import { describeIf } from './skip.ts';

function roundTrip(port: number, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(command));
    socket.on('data', (d) => {
      socket.destroy();
      resolve(d.toString());
    });
    socket.on('error', reject);
  });
}

describeIf(hasRedisServer(), NO_REDIS_REASON, 'startRedisServer', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('starts a real server that answers, then stops it', async () => {
    expect(redis.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    expect(await roundTrip(redis.port, 'SET k v\r\n')).toBe('+OK\r\n');
    expect(await roundTrip(redis.port, 'GET k\r\n')).toBe('$1\r\nv\r\n');
    const other = await startRedisServer();
    expect(other.port).not.toBe(redis.port);
    await other.stop();
    await expect(roundTrip(other.port, 'PING\r\n')).rejects.toThrow();
  });
});
