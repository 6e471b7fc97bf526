import { sleep } from '../lib/children.ts';
import { median, round, type Summary } from '../lib/stats.ts';
import { Fleet, type WindowResult } from '../load/fleet.ts';
import type { ClientSpec, ServerKind } from '../load/generator.ts';
import type { RunningServer } from '../servers/launch.ts';

export type FanoutOptions = {
  rates: number[];
  windowMs: number;
  warmupMs: number;
  repeats: number;
  generators: number;
  p99LimitMs: number;
};

export type Target = {
  kind: ServerKind;
  label: string;
  /** Deliveries expected per message (the group size: every server echoes to the sender too). */
  fanout: number;
  setup(): Promise<{ servers: RunningServer[]; specs: ClientSpec[]; notes?: string[]; cleanup?: () => void }>;
};

export type StepResult = {
  rate: number;
  windows: number;
  sent: number;
  failed: number;
  errors: Record<string, number>;
  /** Deliveries missing at the end of the windows (sent x fanout - delivered). */
  missing: number;
  deliveriesPerSec: number;
  persistedPerSec: number;
  latency: Summary;
  ack: Summary;
  sameNode: Summary;
  crossNode: Summary;
  servers: { cpuPct: number; rssMb: number; eldP99: number; eldMax: number; cpuWaitPct: number }[];
  sustained: boolean;
  why?: string;
};

export type TargetResult = {
  kind: ServerKind;
  label: string;
  sockets: number;
  connect: { ok: number; failed: number; ms: number; perSec: number; errors: Record<string, number> };
  steps: StepResult[];
  maxSustainedRate: number;
  maxSustainedDeliveriesPerSec: number;
  notes: string[];
};

const medSummary = (xs: Summary[]): Summary => ({
  n: Math.round(median(xs.map((x) => x.n))),
  p50: round(median(xs.map((x) => x.p50))),
  p95: round(median(xs.map((x) => x.p95))),
  p99: round(median(xs.map((x) => x.p99))),
  max: round(median(xs.map((x) => x.max))),
  mean: round(median(xs.map((x) => x.mean))),
});

/** Per-step figures are medians over the repeated windows; counts (sent, errors) are totals. */
export function combineWindows(rate: number, ws: WindowResult[], fanout: number, p99LimitMs: number): StepResult {
  const errors: Record<string, number> = {};
  for (const w of ws) for (const [k, v] of Object.entries(w.errors)) errors[k] = (errors[k] ?? 0) + v;
  const sent = ws.reduce((a, w) => a + w.sent, 0);
  const failed = ws.reduce((a, w) => a + w.failed, 0);
  const delivered = ws.reduce((a, w) => a + w.delivered, 0);
  const missing = Math.max(0, (sent - failed) * fanout - delivered);
  const latency = medSummary(ws.map((w) => w.latency));
  const step: StepResult = {
    rate,
    windows: ws.length,
    sent,
    failed,
    errors,
    missing,
    deliveriesPerSec: Math.round(median(ws.map((w) => w.deliveriesPerSec))),
    persistedPerSec: Math.round(median(ws.map((w) => w.ackedPerSec))),
    latency,
    ack: medSummary(ws.map((w) => w.ack)),
    sameNode: medSummary(ws.map((w) => w.sameNode)),
    crossNode: medSummary(ws.map((w) => w.crossNode)),
    servers: (ws[0]?.servers ?? []).map((_, i) => ({
      cpuPct: round(median(ws.map((w) => w.servers[i]?.cpuPct ?? 0)), 1),
      rssMb: round(median(ws.map((w) => w.servers[i]?.rssMb ?? 0)), 1),
      eldP99: round(median(ws.map((w) => w.servers[i]?.eldP99 ?? 0)), 1),
      eldMax: round(median(ws.map((w) => w.servers[i]?.eldMax ?? 0)), 1),
      cpuWaitPct: round(median(ws.map((w) => w.servers[i]?.cpuWaitPct ?? -1)), 1),
    })),
    sustained: true,
  };
  if (failed > 0) step.why = `${failed} failed sends (${Object.keys(errors).join(', ')})`;
  else if (missing > sent * fanout * 0.001) step.why = `${missing} deliveries missing`;
  else if (latency.p99 > p99LimitMs) step.why = `p99 ${latency.p99} ms > ${p99LimitMs} ms`;
  step.sustained = step.why === undefined;
  return step;
}

type Running = {
  target: Target;
  servers: RunningServer[];
  specs: ClientSpec[];
  notes: string[];
  cleanup?: () => void;
  fleet: Fleet;
  connect: TargetResult['connect'];
  steps: StepResult[];
  stopped: boolean;
};

/**
 * Steps the aggregate send rate up until two steps in a row miss (p99 over the limit, failed sends
 * or missing deliveries). All targets are up at once (idle sockets cost next to nothing) and their
 * windows are interleaved (Charla, relay, ws, Charla, ...), so a noisy moment on a shared machine
 * hits every server alike and the ratios at equal rates compare like with like.
 */
export async function runFanout(
  targets: Target[],
  options: FanoutOptions,
  log: (line: string) => void,
): Promise<TargetResult[]> {
  const running: Running[] = [];
  try {
    for (const target of targets) {
      const { servers, specs, notes = [], cleanup } = await target.setup();
      const fleet = new Fleet(options.generators);
      const r: Running = {
        target,
        servers,
        specs,
        notes,
        ...(cleanup ? { cleanup } : {}),
        fleet,
        connect: { ok: 0, failed: 0, ms: 0, perSec: 0, errors: {} },
        steps: [],
        stopped: false,
      };
      running.push(r);
      const c = await fleet.connect(target.kind, specs);
      r.connect = { ...c, ms: Math.round(c.ms), perSec: Math.round(c.ok / (c.ms / 1000 || 1)) };
      log(`  ${target.label}: ${c.ok}/${specs.length} sockets connected in ${Math.round(c.ms)} ms`);
      if (c.failed) log(`    connect errors: ${JSON.stringify(c.errors)}`);
    }
    await sleep(500);
    for (const rate of options.rates) {
      const active = running.filter((r) => !r.stopped);
      if (active.length === 0) break;
      const windows = new Map<Running, WindowResult[]>(active.map((r) => [r, []]));
      for (const r of active)
        if (options.warmupMs > 0)
          await r.fleet.runWindow(
            rate,
            options.warmupMs,
            r.servers.map((x) => x.child),
          );
      for (let i = 0; i < options.repeats; i++)
        for (const r of active)
          windows.get(r)?.push(
            await r.fleet.runWindow(
              rate,
              options.windowMs,
              r.servers.map((x) => x.child),
            ),
          );
      for (const r of active) {
        const step = combineWindows(rate, windows.get(r) ?? [], r.target.fanout, options.p99LimitMs);
        r.steps.push(step);
        const cpu = step.servers.map((x) => `${x.cpuPct}% (waited ${x.cpuWaitPct}%) eld p99 ${x.eldP99}`).join(' + ');
        log(
          `    ${r.target.label.padEnd(21)} ${String(rate).padStart(5)} msg/s -> ${step.deliveriesPerSec} deliv/s  p50 ${step.latency.p50}  p99 ${step.latency.p99}  max ${step.latency.max} ms  cpu ${cpu}  ${step.why ?? 'ok'}`,
        );
        if (step.failed > 0) {
          // Failed acks usually mean a server-side error: show what the server logged.
          const tail = r.servers[0]?.child.stderrTail().trim().split('\n').slice(-2).join('\n').slice(-800);
          if (tail) {
            log(`    server log: ${tail}`);
            r.notes.push(`at ${rate} msgs/s the server logged: ${tail.slice(0, 300)}`);
          }
        }
        // One unsustained step can be a hiccup of a shared machine (a stalled process shows up in
        // every delivery in flight); two in a row end the series.
        const prev = r.steps[r.steps.length - 2];
        if (!step.sustained && prev && !prev.sustained) r.stopped = true;
      }
    }
    return running.map((r) => {
      const best = [...r.steps].reverse().find((x) => x.sustained);
      return {
        kind: r.target.kind,
        label: r.target.label,
        sockets: r.specs.length,
        connect: r.connect,
        steps: r.steps,
        maxSustainedRate: best?.rate ?? 0,
        maxSustainedDeliveriesPerSec: best?.deliveriesPerSec ?? 0,
        notes: r.notes,
      };
    });
  } finally {
    for (const r of running) {
      await r.fleet.close();
      await Promise.all(r.servers.map((x) => x.stop()));
      r.cleanup?.();
    }
  }
}

/** Sockets in rooms of `groupSize`: socket i is in room floor(i / groupSize). */
export function relaySpecs(url: string, sockets: number, groupSize: number): ClientSpec[] {
  return Array.from({ length: sockets }, (_, i) => ({ url, room: `room-${Math.floor(i / groupSize)}`, node: 0 }));
}
