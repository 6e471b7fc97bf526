import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Child, sleep, spawnChild } from '../lib/children.ts';
import { cpuPercent, mb, type ProcSample, runWaitPercent, sampleProc } from '../lib/proc.ts';
import { type Summary, summarize } from '../lib/stats.ts';
import type { ClientSpec, ServerKind } from './generator.ts';

const generatorScript = path.join(path.dirname(fileURLToPath(import.meta.url)), 'generator.ts');

export type WindowResult = {
  offeredRate: number;
  sent: number;
  acked: number;
  /** Acks received while the window was open, per second: persisted messages/s during the window. */
  ackedPerSec: number;
  failed: number;
  errors: Record<string, number>;
  delivered: number;
  deliveriesPerSec: number;
  latency: Summary;
  sameNode: Summary;
  crossNode: Summary;
  ack: Summary;
  /** Per server process: CPU % of one core over the window, RSS at its end. */
  servers: { cpuPct: number; rssMb: number; eldP99: number; eldMax: number; cpuWaitPct: number }[];
};

type Ran = {
  sent: number;
  acked: number;
  ackedInWindow: number;
  failed: number;
  ack: number[];
  errors: [string, number][];
};
type Connected = { ok: number; failed: number; ms: number; errors: [string, number][] };

let windowCounter = 0;

/** A set of generator processes holding client sockets, driven window by window. */
export class Fleet {
  readonly gens: Child[];
  private shares: number[] = [];

  constructor(count: number) {
    this.gens = Array.from({ length: count }, (_, i) => spawnChild(`generator-${i}`, generatorScript));
  }

  /** Clients are dealt round-robin, so every room spans the generator processes. */
  async connect(kind: ServerKind, specs: ClientSpec[], concurrency = 50) {
    const parts: ClientSpec[][] = this.gens.map(() => []);
    specs.forEach((s, i) => {
      parts[i % parts.length]?.push(s);
    });
    const results = await Promise.all(
      this.gens.map((g, i) =>
        g.request<Connected>({ t: 'connect', kind, clients: parts[i] ?? [], concurrency }, 600_000),
      ),
    );
    this.shares = results.map((r) => r.ok);
    const errors: Record<string, number> = {};
    for (const r of results) for (const [k, v] of r.errors) errors[k] = (errors[k] ?? 0) + v;
    return {
      ok: results.reduce((a, r) => a + r.ok, 0),
      failed: results.reduce((a, r) => a + r.failed, 0),
      ms: Math.max(...results.map((r) => r.ms)),
      errors,
    };
  }

  /** Sends at `rate` msgs/s in total for `durationMs`, then collects the deliveries of that window. */
  async runWindow(rate: number, durationMs: number, servers: Child[]): Promise<WindowResult> {
    const serverPids = servers.map((s) => s.pid);
    await Promise.all(servers.map((s) => s.request({ t: 'eld-reset' })));
    const window = ++windowCounter;
    const total = this.shares.reduce((a, b) => a + b, 0) || 1;
    const before: ProcSample[] = serverPids.map(sampleProc);
    let after: ProcSample[] = before;
    const sampler = setTimeout(() => {
      after = serverPids.map(sampleProc);
    }, durationMs);
    const ran = await Promise.all(
      this.gens.map((g, i) =>
        g.request<Ran>({ t: 'run', window, rate: (rate * (this.shares[i] ?? 0)) / total, durationMs }, 60_000),
      ),
    );
    clearTimeout(sampler);
    if (after === before) after = serverPids.map(sampleProc);
    const eld = await Promise.all(servers.map((s) => s.request<{ p99: number; max: number }>({ t: 'eld' })));
    await sleep(300);
    const lats = await Promise.all(
      this.gens.map((g) => g.request<{ same: number[]; cross: number[] }>({ t: 'collect', window })),
    );
    const same = lats.flatMap((l) => l.same);
    const cross = lats.flatMap((l) => l.cross);
    const all = same.concat(cross);
    const errors: Record<string, number> = {};
    for (const r of ran) for (const [k, v] of r.errors) errors[k] = (errors[k] ?? 0) + v;
    return {
      offeredRate: rate,
      sent: ran.reduce((a, r) => a + r.sent, 0),
      acked: ran.reduce((a, r) => a + r.acked, 0),
      ackedPerSec: Math.round(ran.reduce((a, r) => a + r.ackedInWindow, 0) / (durationMs / 1000)),
      failed: ran.reduce((a, r) => a + r.failed, 0),
      errors,
      delivered: all.length,
      deliveriesPerSec: Math.round(all.length / (durationMs / 1000)),
      latency: summarize(all),
      sameNode: summarize(same),
      crossNode: summarize(cross),
      ack: summarize(ran.flatMap((r) => r.ack)),
      servers: before.map((b, i) => {
        const a = after[i] as ProcSample;
        return {
          cpuPct: cpuPercent(b, a),
          rssMb: mb(a.rssKb),
          eldP99: eld[i]?.p99 ?? 0,
          cpuWaitPct: runWaitPercent(b, a),
          eldMax: eld[i]?.max ?? 0,
        };
      }),
    };
  }

  async close(): Promise<void> {
    await Promise.all(this.gens.map((g) => g.request({ t: 'close' }).catch(() => undefined)));
    await Promise.all(this.gens.map((g) => g.stop()));
  }
}
