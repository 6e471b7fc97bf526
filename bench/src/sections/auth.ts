import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BENCH_PASSWORD, hashPassword, newJwtSecret, openBenchStorage, seedUsers } from '../charla/seed.ts';
import { sleep } from '../lib/children.ts';
import { cpuPercent, runWaitPercent, sampleProc } from '../lib/proc.ts';
import { nowMs, round, type Summary, summarize } from '../lib/stats.ts';
import { startCharla } from '../servers/launch.ts';

export type AuthResult = {
  bcryptCost: number;
  closedLoop: {
    concurrency: number;
    seconds: number;
    logins: number;
    failed: number;
    perSec: number;
    latency: Summary;
    cpuPct: number;
  };
  burst: {
    targetPerSec: number;
    seconds: number;
    logins: number;
    failed: number;
    latency: Summary;
    eventLoopDelay: { p50: number; p99: number; max: number };
    /** GET /healthz every 20 ms during the burst: what any other request waits meanwhile. */
    probe: Summary;
    cpuPct: number;
    /** Share of the burst the server's main thread waited for a CPU (schedstat). */
    cpuWaitPct: number;
  };
  notes: string[];
};

type Eld = { p50: number; p99: number; max: number };

async function login(api: string, user: string): Promise<{ ok: boolean; ms: number }> {
  const t = nowMs();
  try {
    const res = await fetch(`${api}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: user, password: BENCH_PASSWORD, client: 'desktop' }),
    });
    await res.arrayBuffer();
    return { ok: res.ok, ms: nowMs() - t };
  } catch {
    return { ok: false, ms: nowMs() - t };
  }
}

/** Logins per second at the production bcrypt cost, and what a 20/s login burst does to the event loop. */
export async function runAuth(
  options: { cost: number; closedSeconds: number; burstSeconds: number; burstRate: number; concurrency: number },
  log: (line: string) => void,
): Promise<AuthResult> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'charla-bench-auth-'));
  const jwtSecret = newJwtSecret();
  const storage = openBenchStorage(dataDir);
  const passwordHash = await hashPassword(options.cost);
  const users = await seedUsers(storage, { count: 200, prefix: 'auth', passwordHash, jwtSecret, withTokens: false });
  await storage.close();
  const server = await startCharla('charla (auth)', {
    DATA_DIR: dataDir,
    JWT_SECRET: jwtSecret,
    BCRYPT_COST: String(options.cost),
    // Per-IP login limits would stop a one-host benchmark after a few logins; throttling of failed
    // logins is irrelevant (every login here succeeds). Honoured only under NODE_ENV=test.
    NODE_ENV: 'test',
    CHARLA_DISABLE_RATE_LIMITS: '1',
  });
  const api = `${server.url}/api/v1`;
  const notes: string[] = ['rate limits disabled (NODE_ENV=test, CHARLA_DISABLE_RATE_LIMITS=1): one host, one IP'];
  try {
    let next = 0;
    const pick = () => (users[next++ % users.length] as { login: string }).login;
    // Warm up JIT and connections.
    await Promise.all([login(api, pick()), login(api, pick())]);

    // Closed loop: `concurrency` clients log in back to back.
    const lat: number[] = [];
    let failed = 0;
    const before = sampleProc(server.pid);
    const end = nowMs() + options.closedSeconds * 1000;
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        while (nowMs() < end) {
          const r = await login(api, pick());
          if (r.ok) lat.push(r.ms);
          else failed++;
        }
      }),
    );
    const after = sampleProc(server.pid);
    const closedSeconds = (after.at - before.at) / 1000;
    const closedLoop = {
      concurrency: options.concurrency,
      seconds: round(closedSeconds, 1),
      logins: lat.length,
      failed,
      perSec: round(lat.length / closedSeconds, 1),
      latency: summarize(lat),
      cpuPct: cpuPercent(before, after),
    };
    log(
      `  closed loop x${options.concurrency}: ${closedLoop.perSec} logins/s, p50 ${closedLoop.latency.p50} ms, p99 ${closedLoop.latency.p99} ms`,
    );
    await sleep(500);

    // Open-loop burst at a fixed rate, with a /healthz probe and the server's event-loop delay.
    await server.child.request({ t: 'eld-reset' });
    const burstLat: number[] = [];
    const probe: number[] = [];
    let burstFailed = 0;
    const pending: Promise<void>[] = [];
    const b0 = sampleProc(server.pid);
    const start = nowMs();
    const total = Math.round(options.burstRate * options.burstSeconds);
    let probing = true;
    const prober = (async () => {
      while (probing) {
        const t = nowMs();
        await fetch(`${server.url}/healthz`).then((r) => r.arrayBuffer());
        probe.push(nowMs() - t);
        await sleep(20);
      }
    })();
    for (let i = 0; i < total; i++) {
      const due = start + (i * 1000) / options.burstRate;
      const wait = due - nowMs();
      if (wait > 0) await sleep(wait);
      pending.push(
        login(api, pick()).then((r) => {
          if (r.ok) burstLat.push(r.ms);
          else burstFailed++;
        }),
      );
    }
    await Promise.all(pending);
    const eld = await server.child.request<Eld & { t: string }>({ t: 'eld' });
    probing = false;
    await prober;
    const b1 = sampleProc(server.pid);
    const burst = {
      targetPerSec: options.burstRate,
      seconds: options.burstSeconds,
      logins: burstLat.length,
      failed: burstFailed,
      latency: summarize(burstLat),
      eventLoopDelay: { p50: eld.p50, p99: eld.p99, max: eld.max },
      probe: summarize(probe),
      cpuPct: cpuPercent(b0, b1),
      cpuWaitPct: runWaitPercent(b0, b1),
    };
    log(
      `  burst ${options.burstRate}/s for ${options.burstSeconds}s: login p50 ${burst.latency.p50} ms p99 ${burst.latency.p99} ms; event-loop delay p99 ${eld.p99} ms (max ${eld.max}); /healthz p99 ${burst.probe.p99} ms`,
    );
    return { bcryptCost: options.cost, closedLoop, burst, notes };
  } finally {
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
