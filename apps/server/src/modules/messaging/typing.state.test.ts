import { describeIf, hasRedisServer, NO_REDIS_REASON, type RedisServer, startRedisServer } from '@charla/test-utils';
import { createClient, type RedisClientType } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryTyping, createRedisTyping, type TypingStore } from './typing.state.ts';

/** The same behaviour is required of the in-memory and the Redis stores. */
function storeCases(make: () => TypingStore) {
  it('announces typing once per burst and expires it', async () => {
    const typing = make();
    const c = `c-${Math.random()}`;
    expect(await typing.start(c, 'u', 200)).toBe(true);
    expect(await typing.start(c, 'u', 200)).toBe(false);
    expect(await typing.remaining(c, 'u')).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 300));
    expect(await typing.remaining(c, 'u')).toBe(0);
    expect(await typing.start(c, 'u', 1000)).toBe(true);
    expect(await typing.stop(c, 'u')).toBe(true);
    expect(await typing.stop(c, 'u')).toBe(false);
  });
}

describe('in-memory typing', () => {
  storeCases(() => createMemoryTyping());
});

describeIf(hasRedisServer(), NO_REDIS_REASON, 'Redis typing', () => {
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
  storeCases(() => createRedisTyping(client));
});
