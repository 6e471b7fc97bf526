import { type RedisServer, startRedisServer } from '../../../packages/test-utils/src/redis.ts';
import { setupCharla } from '../charla/targets.ts';
import { sleep } from '../lib/children.ts';
import { Fleet, type WindowResult } from '../load/fleet.ts';
import { combineWindows, type StepResult } from './fanout.ts';

export type ScaleOutResult = {
  skipped?: string;
  nodes: number;
  sockets: number;
  rate: number;
  step?: StepResult;
  notes: string[];
};

/**
 * Two Charla processes on one SQLite file, joined by a real redis-server through the Socket.IO
 * Redis adapter. Sockets alternate between the nodes, so each group of 10 has 5 members on each:
 * a message reaches half its recipients on the sender's node and half through Redis.
 */
export async function runScaleOut(
  options: { sockets: number; rate: number; windowMs: number; repeats: number },
  log: (line: string) => void,
): Promise<ScaleOutResult> {
  let redis: RedisServer;
  try {
    redis = await startRedisServer();
  } catch (err) {
    return {
      skipped: `redis-server could not start: ${err instanceof Error ? err.message : String(err)}`,
      nodes: 2,
      sockets: options.sockets,
      rate: options.rate,
      notes: [],
    };
  }
  const setup = await setupCharla({
    sockets: options.sockets,
    groupSize: 10,
    nodes: 2,
    redisUrl: redis.url,
    label: 'charla',
  });
  const fleet = new Fleet(2);
  try {
    const c = await fleet.connect('charla', setup.specs);
    if (c.failed) log(`    connect errors: ${JSON.stringify(c.errors)}`);
    await sleep(500);
    const children = setup.servers.map((s) => s.child);
    await fleet.runWindow(options.rate, 500, children);
    const ws: WindowResult[] = [];
    for (let i = 0; i < options.repeats; i++) ws.push(await fleet.runWindow(options.rate, options.windowMs, children));
    const step = combineWindows(options.rate, ws, 10, 100);
    log(
      `  2 nodes + redis at ${options.rate} msg/s: same-node p50 ${step.sameNode.p50} p99 ${step.sameNode.p99} ms | cross-node p50 ${step.crossNode.p50} p99 ${step.crossNode.p99} ms`,
    );
    return {
      nodes: 2,
      sockets: options.sockets,
      rate: options.rate,
      step,
      notes: [
        ...setup.notes,
        "both nodes share one SQLite file (WAL); fan-out and presence go through Redis. A write waiting for the other process's write lock (busy_timeout) waits synchronously on the event loop: SQLite is not the production store for several nodes (MongoDB is)",
      ],
    };
  } finally {
    await fleet.close();
    await Promise.all(setup.servers.map((s) => s.stop()));
    await redis.stop();
    setup.cleanup();
  }
}
