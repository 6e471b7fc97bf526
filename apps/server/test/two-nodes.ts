import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type RedisServer, startRedisServer } from '@charla/test-utils';
import { afterAll, beforeAll } from 'vitest';
import { type Node, nodeEnv, startNode, stopNode } from './server-process.ts';

/**
 * Two real server processes on one SQLite file and one real redis-server for the describe block
 * it is called in: started before its tests (one after the other: the first creates and migrates
 * the file), stopped after them. `extra` adds to the nodes' environment (nodeEnv). Read `a` and
 * `b` inside the tests, once started.
 */
export function twoNodesWithRedis(tmpPrefix: string, extra: Record<string, string> = {}): { a: Node; b: Node } {
  const nodes = {} as { a: Node; b: Node };
  let redis: RedisServer | undefined;
  let dataDir: string | undefined;
  beforeAll(async () => {
    redis = await startRedisServer();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), tmpPrefix));
    const env = nodeEnv(dataDir, { REDIS_URL: redis.url, ...extra });
    nodes.a = await startNode(env);
    nodes.b = await startNode(env);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([stopNode(nodes.a), stopNode(nodes.b)]);
    await redis?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });
  return nodes;
}
