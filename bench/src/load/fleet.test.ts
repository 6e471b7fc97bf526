import { afterAll, describe, expect, it } from 'vitest';
import { setupCharla } from '../charla/targets.ts';
import { relaySpecs } from '../sections/fanout.ts';
import { startRelay } from '../servers/launch.ts';
import { Fleet } from './fleet.ts';

// Real processes end to end: a server process, a generator process, real sockets.
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe('load generators against real servers', () => {
  it('measure every delivery of a window on the ws relay (group of 10, sender included)', async () => {
    const relay = await startRelay('ws');
    cleanups.push(() => relay.stop());
    const fleet = new Fleet(2);
    cleanups.push(() => fleet.close());
    const c = await fleet.connect('ws', relaySpecs(relay.url, 20, 10));
    expect(c).toMatchObject({ ok: 20, failed: 0 });
    const w = await fleet.runWindow(100, 500, [relay.child]);
    expect(w.sent).toBeGreaterThanOrEqual(45);
    expect(w.failed).toBe(0);
    expect(w.acked).toBe(w.sent);
    expect(w.delivered).toBe(w.sent * 10);
    expect(w.latency.p50).toBeGreaterThan(0);
    expect(w.servers[0]?.rssMb).toBeGreaterThan(10);
  }, 30_000);

  it('drive the real Charla path with seeded users and minted tokens (auth, membership, persistence, fan-out)', async () => {
    const setup = await setupCharla({ sockets: 20, groupSize: 10 });
    cleanups.push(async () => {
      await Promise.all(setup.servers.map((s) => s.stop()));
      setup.cleanup();
    });
    const fleet = new Fleet(1);
    cleanups.push(() => fleet.close());
    const c = await fleet.connect('charla', setup.specs);
    expect(c).toMatchObject({ ok: 20, failed: 0 });
    const w = await fleet.runWindow(
      40,
      500,
      setup.servers.map((s) => s.child),
    );
    expect(w.failed).toBe(0);
    expect(w.sent).toBeGreaterThan(0);
    expect(w.delivered).toBe(w.sent * 10);
  }, 60_000);

  it('report handshake failures instead of hanging when a token is bad', async () => {
    const setup = await setupCharla({ sockets: 2, groupSize: 2 });
    cleanups.push(async () => {
      await Promise.all(setup.servers.map((s) => s.stop()));
      setup.cleanup();
    });
    const fleet = new Fleet(1);
    cleanups.push(() => fleet.close());
    const specs = setup.specs.map((s, i) => (i === 0 ? { ...s, token: 'not-a-jwt' } : s));
    const c = await fleet.connect('charla', specs);
    expect(c.ok).toBe(1);
    expect(c.failed).toBe(1);
    expect(Object.keys(c.errors)).toEqual(['unauthenticated']);
  }, 60_000);

  it('reject an unknown request with the generator error', async () => {
    const fleet = new Fleet(1);
    cleanups.push(() => fleet.close());
    await expect(fleet.gens[0]?.request({ t: 'frobnicate' }, 5000)).rejects.toThrow(/unknown request frobnicate/);
  });
});
