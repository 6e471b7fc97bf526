import { setupCharla } from '../charla/targets.ts';
import { sleep } from '../lib/children.ts';
import { mb, sampleProc } from '../lib/proc.ts';
import { round } from '../lib/stats.ts';
import { Fleet } from '../load/fleet.ts';
import type { ClientSpec, ServerKind } from '../load/generator.ts';
import { type RunningServer, startRelay } from '../servers/launch.ts';
import { relaySpecs } from './fanout.ts';

export type IdleTarget = {
  label: string;
  sockets: number;
  connected: number;
  failed: number;
  errors: Record<string, number>;
  connectSeconds: number;
  connectsPerSec: number;
  rssBeforeMb: number;
  rssAfterMb: number;
  kbPerConnection: number;
  /** The JS heap's share of it (V8 heapUsed after GC); the rest is native (libuv, sockets, buffers). */
  heapKbPerConnection: number;
};
export type IdleResult = { sockets: number; targets: IdleTarget[]; notes: string[] };

/** Per generator process: keeps each one well under the open-file limit. */
const SOCKETS_PER_GENERATOR = 2500;

async function measure(
  label: string,
  kind: ServerKind,
  server: RunningServer,
  specs: ClientSpec[],
  log: (line: string) => void,
): Promise<IdleTarget> {
  const fleet = new Fleet(Math.max(1, Math.ceil(specs.length / SOCKETS_PER_GENERATOR)));
  try {
    await sleep(300);
    await server.child.request({ t: 'gc' });
    const before = sampleProc(server.pid);
    const heapBefore = await server.child.request<{ heapMb: number }>({ t: 'eld' });
    const c = await fleet.connect(kind, specs, 100);
    await sleep(1500);
    await server.child.request({ t: 'gc' });
    await sleep(300);
    const after = sampleProc(server.pid);
    const heapAfter = await server.child.request<{ heapMb: number }>({ t: 'eld' });
    const result: IdleTarget = {
      label,
      sockets: specs.length,
      connected: c.ok,
      failed: c.failed,
      errors: c.errors,
      connectSeconds: round(c.ms / 1000, 2),
      connectsPerSec: Math.round(c.ok / (c.ms / 1000 || 1)),
      rssBeforeMb: mb(before.rssKb),
      rssAfterMb: mb(after.rssKb),
      kbPerConnection: c.ok ? round((after.rssKb - before.rssKb) / c.ok, 1) : 0,
      heapKbPerConnection: c.ok ? round(((heapAfter.heapMb - heapBefore.heapMb) * 1024) / c.ok, 1) : 0,
    };
    log(
      `  ${label}: ${c.ok}/${specs.length} connected in ${result.connectSeconds} s (${result.connectsPerSec}/s), RSS ${result.rssBeforeMb} -> ${result.rssAfterMb} MB = ${result.kbPerConnection} KB/connection (heap ${result.heapKbPerConnection} KB)${c.failed ? ` errors ${JSON.stringify(c.errors)}` : ''}`,
    );
    return result;
  } finally {
    await fleet.close();
  }
}

/** N authenticated sockets held open: server RSS per connection and connect rate, next to a bare Socket.IO relay. */
export async function runIdle(
  options: { sockets: number; fdLimit: number },
  log: (line: string) => void,
): Promise<IdleResult> {
  const notes: string[] = [];
  let sockets = options.sockets;
  // Each server socket is one file descriptor in the server process.
  const cap = options.fdLimit > 0 ? options.fdLimit - 300 : sockets;
  if (sockets > cap) {
    notes.push(`capped at ${cap} sockets: open-file limit (ulimit -n) is ${options.fdLimit} for the server process`);
    sockets = cap;
  }
  const targets: IdleTarget[] = [];
  const charla = await setupCharla({ sockets, groupSize: 10, label: 'charla (idle)' });
  try {
    notes.push(
      ...charla.notes,
      'every socket is a distinct user in a group of 10 (joined to its user and session rooms)',
    );
    targets.push(
      await measure('Charla (authenticated)', 'charla', charla.servers[0] as RunningServer, charla.specs, log),
    );
  } finally {
    await Promise.all(charla.servers.map((s) => s.stop()));
    charla.cleanup();
  }
  for (const kind of ['socketio', 'ws'] as const) {
    const relay = await startRelay(kind);
    try {
      const label = kind === 'ws' ? 'raw ws relay' : 'bare Socket.IO relay';
      targets.push(await measure(label, kind, relay, relaySpecs(relay.url, sockets, 10), log));
    } finally {
      await relay.stop();
    }
  }
  return { sockets, targets, notes };
}
