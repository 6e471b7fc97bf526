import { describe, expect, it } from 'vitest';
import { summarize } from '../lib/stats.ts';
import type { WindowResult } from '../load/fleet.ts';
import { combineWindows, relaySpecs } from './fanout.ts';

const window = (over: Partial<WindowResult> = {}): WindowResult => ({
  offeredRate: 100,
  sent: 100,
  acked: 100,
  ackedPerSec: 100,
  failed: 0,
  errors: {},
  delivered: 1000,
  deliveriesPerSec: 1000,
  latency: summarize([1, 2, 3, 4, 5]),
  sameNode: summarize([1, 2, 3, 4, 5]),
  crossNode: summarize([]),
  ack: summarize([1, 1, 2]),
  servers: [{ cpuPct: 10, rssMb: 100, eldP99: 1, eldMax: 2, cpuWaitPct: 0 }],
  ...over,
});

describe('combineWindows', () => {
  it('takes medians of the windows and sums the counts', () => {
    const step = combineWindows(
      100,
      [window({ deliveriesPerSec: 900 }), window({ deliveriesPerSec: 1000 }), window({ deliveriesPerSec: 5000 })],
      10,
      100,
    );
    expect(step.deliveriesPerSec).toBe(1000);
    expect(step.sent).toBe(300);
    expect(step.sustained).toBe(true);
    expect(step.missing).toBe(0);
  });

  it('is not sustained when sends fail, deliveries go missing or p99 exceeds the limit', () => {
    const failed = combineWindows(100, [window({ failed: 2, acked: 98, errors: { rate_limited: 2 } })], 10, 100);
    expect(failed.sustained).toBe(false);
    expect(failed.why).toMatch(/rate_limited/);

    const missing = combineWindows(100, [window({ delivered: 900 })], 10, 100);
    expect(missing.missing).toBe(100);
    expect(missing.why).toMatch(/missing/);

    const slow = combineWindows(100, [window({ latency: summarize([50, 150, 200]) })], 10, 100);
    expect(slow.sustained).toBe(false);
    expect(slow.why).toMatch(/p99 200 ms > 100 ms/);
  });

  it('puts sockets in rooms of the group size', () => {
    const specs = relaySpecs('http://x', 25, 10);
    expect(specs.map((s) => s.room).filter((r) => r === 'room-2')).toHaveLength(5);
    expect(new Set(specs.map((s) => s.room)).size).toBe(3);
  });
});
