import type { Summary } from '../lib/stats.ts';
import { type BenchResults, isSkipped } from '../results.ts';
import type { StepResult } from '../sections/fanout.ts';

const table = (head: string[], rows: (string | number)[][]): string =>
  [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
const pct = (s: Summary | null | undefined) => (s ? `${s.p50} / ${s.p99}` : '-');
const n = (v: number) => v.toLocaleString('en');

export function renderMarkdown(r: BenchResults, chartFile: string): string {
  const m = r.machine;
  const o = r.options;
  const s = r.sections;
  const out: string[] = [];
  out.push(
    `# Charla bench — ${r.startedAt.slice(0, 16).replace('T', ' ')} UTC, git ${m.gitSha}${m.gitDirty ? ' (uncommitted changes)' : ''}`,
  );
  out.push('');
  out.push(
    `Machine: ${m.cpuModel}, ${m.cores} cores, ${m.ramGb} GB RAM, Node ${m.node}, ${m.platform}, open-file limit ${m.fdLimit}, load average at start ${m.loadAvgAtStart.join(' / ')}. ` +
      `Run: ${o.quick ? '**quick (smoke) mode**, ' : ''}${r.durationSeconds} s. Server processes are measured alone (/proc); load generators and Chromium share the same cores.`,
  );
  out.push('');
  out.push(
    `Every step's figures are the **median of ${o.repeats} measured window(s)** of ${o.windowMs} ms (after a ${o.warmupMs} ms warm-up); latencies in ms.`,
  );
  out.push('');
  out.push('## Budgets');
  out.push('');
  out.push(
    table(
      ['', 'budget', 'measured', 'note'],
      r.budgets.map((b) => [`**${b.status}**`, b.budget, b.measured, b.note ?? '']),
    ),
  );
  out.push('');
  if (r.limits.length) {
    out.push('### What limits the missed figures');
    out.push('');
    for (const l of r.limits) out.push(`- ${l}`);
    out.push('');
  }

  out.push('## 1-2. Fan-out under load, Charla vs baselines');
  out.push('');
  const f = s.fanout;
  if (!f) out.push('Not run.');
  else if (isSkipped(f)) out.push(`Not measured: ${f.skipped}`);
  else {
    out.push(
      `${n(o.sockets)} sockets in groups of ${f.groupSize}; each message is delivered to all ${f.groupSize} members' sockets (the sender's included). ` +
        'Charla runs the full path: handshake auth (JWT + session), zod validation, membership check, SQLite write (message, change row, FTS), fan-out. ' +
        'Baselines: a bare Socket.IO relay (rooms, no auth, no persistence) and a raw `ws` relay. A step is sustained when no send fails, no delivery is missing and p99 <= 100 ms. ' +
        '"Server waited for CPU" is the share of wall time the server\'s main thread was ready to run while other processes had the cores (/proc/<pid>/schedstat): latency that is the machine, not the code.',
    );
    out.push('');
    out.push(`![latency vs delivered rate](${chartFile})`);
    out.push('');
    out.push(
      table(
        ['server', 'connected', 'connect/s', 'highest sustained msgs/s', 'deliveries/s there'],
        f.targets.map((t) => [
          t.label,
          `${t.connect.ok}/${t.sockets}`,
          t.connect.perSec,
          n(t.maxSustainedRate),
          n(t.maxSustainedDeliveriesPerSec),
        ]),
      ),
    );
    out.push('');
    const charla = f.targets.find((t) => t.kind === 'charla');
    const byRate = (kind: string, rate: number): StepResult | undefined =>
      f.targets.find((t) => t.kind === kind)?.steps.find((x) => x.rate === rate);
    if (charla) {
      out.push('Charla p99 relative to each baseline at equal offered rates:');
      out.push('');
      out.push(
        table(
          ['msgs/s', 'Charla p99', 'Socket.IO relay p99', 'ratio', 'ws relay p99', 'ratio'],
          charla.steps.map((c) => {
            const a = byRate('socketio', c.rate);
            const b = byRate('ws', c.rate);
            const ratio = (x?: StepResult) =>
              x && x.latency.p99 > 0 ? `${(c.latency.p99 / x.latency.p99).toFixed(1)}x` : '-';
            return [c.rate, c.latency.p99, a?.latency.p99 ?? '-', ratio(a), b?.latency.p99 ?? '-', ratio(b)];
          }),
        ),
      );
      out.push('');
    }
    for (const t of f.targets) {
      out.push(`### ${t.label}`);
      out.push('');
      out.push(
        table(
          [
            'msgs/s',
            'deliveries/s',
            'acked msgs/s',
            'p50',
            'p95',
            'p99',
            'max',
            'ack p50 / p99',
            'sent',
            'acks failed',
            'missing',
            'server CPU %',
            'server RSS MB',
            'event-loop delay p99',
            'server waited for CPU %',
            'sustained',
          ],
          t.steps.map((x) => [
            x.rate,
            n(x.deliveriesPerSec),
            n(x.persistedPerSec),
            x.latency.p50,
            x.latency.p95,
            x.latency.p99,
            x.latency.max,
            pct(x.ack),
            n(x.sent),
            x.failed,
            x.missing,
            x.servers.map((v) => v.cpuPct).join(' + '),
            x.servers.map((v) => v.rssMb).join(' + '),
            x.servers.map((v) => v.eldP99).join(' + '),
            x.servers.map((v) => (v.cpuWaitPct < 0 ? '-' : v.cpuWaitPct)).join(' + '),
            x.sustained ? 'yes' : `no: ${x.why}`,
          ]),
        ),
      );
      for (const note of t.notes) out.push(`\n_${note}_`);
      out.push('');
    }
  }

  out.push('## 3. Idle capacity');
  out.push('');
  const idle = s.idle;
  if (!idle) out.push('Not run.');
  else if (isSkipped(idle)) out.push(`Not measured: ${idle.skipped}`);
  else {
    out.push(
      table(
        [
          'server',
          'sockets',
          'connected',
          'connect time s',
          'connects/s',
          'RSS before MB',
          'RSS after MB',
          'KB per connection',
          'of which JS heap KB',
        ],
        idle.targets.map((t) => [
          t.label,
          n(t.sockets),
          n(t.connected),
          t.connectSeconds,
          n(t.connectsPerSec),
          t.rssBeforeMb,
          t.rssAfterMb,
          t.kbPerConnection,
          t.heapKbPerConnection,
        ]),
      ),
    );
    out.push('');
    out.push(
      'RSS is read from /proc after a forced GC in the server process (bench hook), before and after connecting.',
    );
    for (const note of idle.notes) out.push(`\n_${note}_`);
    out.push('');
  }

  out.push('## 4. History and search at size');
  out.push('');
  const h = s.history;
  if (!h) out.push('Not run.');
  else if (isSkipped(h)) out.push(`Not measured: ${h.skipped}`);
  else
    for (const x of h) {
      out.push(`### ${x.store === 'sqlite' ? 'SQLite' : 'MongoDB'}`);
      out.push('');
      if (x.skipped) {
        out.push(`Skipped: ${x.skipped}`);
        out.push('');
        continue;
      }
      out.push(
        `${n(x.messages)} messages in one conversation (bulk-seeded in ${x.seedSeconds.messages} s) and ${n(x.conversations)} conversations for the list (seeded through the storage port in ${x.seedSeconds.conversations} s); database ${x.dbSizeMb} MB. Sequential requests by one member; "store" calls the storage port in-process, "REST" goes through HTTP, auth and JSON.`,
      );
      out.push('');
      out.push(
        table(
          ['query', 'samples', 'store p50 / p99', 'REST p50 / p99', 'REST max'],
          x.queries.map((q) => [
            q.name,
            `${q.store.n} / ${q.http?.n ?? 0}`,
            q.name.includes('/healthz') ? '-' : pct(q.store),
            pct(q.http),
            q.http?.max ?? '-',
          ]),
        ),
      );
      for (const note of x.notes) out.push(`\n_${note}_`);
      out.push('');
    }

  out.push('## 5. Auth');
  out.push('');
  const a = s.auth;
  if (!a) out.push('Not run.');
  else if (isSkipped(a)) out.push(`Not measured: ${a.skipped}`);
  else {
    out.push(
      table(
        [
          'measurement',
          'logins',
          'logins/s',
          'login p50 / p99',
          'server CPU %',
          'event-loop delay p50 / p99 / max',
          '/healthz p50 / p99 meanwhile',
        ],
        [
          [
            `closed loop, ${a.closedLoop.concurrency} clients, ${a.closedLoop.seconds} s`,
            a.closedLoop.logins,
            a.closedLoop.perSec,
            pct(a.closedLoop.latency),
            a.closedLoop.cpuPct,
            '-',
            '-',
          ],
          [
            `burst ${a.burst.targetPerSec}/s for ${a.burst.seconds} s`,
            a.burst.logins,
            '-',
            pct(a.burst.latency),
            `${a.burst.cpuPct} (waited for CPU ${a.burst.cpuWaitPct}%)`,
            `${a.burst.eventLoopDelay.p50} / ${a.burst.eventLoopDelay.p99} / ${a.burst.eventLoopDelay.max}`,
            pct(a.burst.probe),
          ],
        ],
      ),
    );
    out.push('');
    out.push(
      `bcrypt cost ${a.bcryptCost}. Event-loop delay from \`perf_hooks.monitorEventLoopDelay\` inside the server (bench hook), reset at the burst's start.`,
    );
    for (const note of a.notes) out.push(`\n_${note}_`);
    out.push('');
  }

  out.push('## 6. Scale-out');
  out.push('');
  const so = s.scaleOut;
  if (!so) out.push('Not run.');
  else if (isSkipped(so)) out.push(`Not measured: ${so.skipped}`);
  else if (so.skipped || !so.step) out.push(`Not measured: ${so.skipped ?? 'no result'}`);
  else {
    out.push(
      `${so.nodes} Charla processes + redis-server, ${so.sockets} sockets alternating between nodes (each group of 10 has 5 members per node), ${so.rate} msgs/s.`,
    );
    out.push('');
    out.push(
      table(
        ['delivery', 'deliveries', 'p50', 'p95', 'p99', 'max'],
        [
          [
            'same node as sender',
            n(so.step.sameNode.n),
            so.step.sameNode.p50,
            so.step.sameNode.p95,
            so.step.sameNode.p99,
            so.step.sameNode.max,
          ],
          [
            'other node (via Redis)',
            n(so.step.crossNode.n),
            so.step.crossNode.p50,
            so.step.crossNode.p95,
            so.step.crossNode.p99,
            so.step.crossNode.max,
          ],
        ],
      ),
    );
    out.push('');
    out.push(
      `Server CPU %: ${so.step.servers.map((x) => x.cpuPct).join(' + ')}; waited for CPU %: ${so.step.servers.map((x) => x.cpuWaitPct).join(' + ')}; event-loop delay p99 / max ms: ${so.step.servers.map((x) => `${x.eldP99} / ${x.eldMax}`).join(' + ')}; failed sends ${so.step.failed}, missing deliveries ${so.step.missing}.`,
    );
    for (const note of so.notes) out.push(`\n_${note}_`);
    out.push('');
  }

  out.push('## 7. Client');
  out.push('');
  const c = s.client;
  if (!c) out.push('Not run.');
  else if (isSkipped(c)) out.push(`Not measured: ${c.skipped}`);
  else {
    if (c.bundle) {
      out.push(
        `Initial JS (entry + modulepreloads in index.html): **${c.bundle.initialGzipKb} KB gzip** (${c.bundle.initialKb} KB raw).`,
      );
      out.push('');
      out.push(
        table(
          ['file', 'bytes', 'gzip bytes'],
          c.bundle.files.map((x) => [x.file, n(x.bytes), n(x.gzipBytes)]),
        ),
      );
    } else out.push(`Bundle not measured: ${c.bundleSkipped}`);
    out.push('');
    if (c.listRender) {
      const b = c.listRender.breakdown;
      out.push(
        `Conversation list, ${n(c.listRender.conversations)} conversations in the account: first row **${c.listRender.firstRowMs} ms** after navigation start, ${c.listRender.rows} rows rendered at ${c.listRender.settledMs} ms${c.listRender.loads ? ` (medians of ${c.listRender.loads} loads; rows on screen ${c.listRender.settledRangeMs?.[0]}-${c.listRender.settledRangeMs?.[1]} ms)` : ''}, ${n(c.listRender.domNodes)} DOM nodes. Milestones: DOMContentLoaded ${b.domContentLoadedMs} ms, session refresh answered ${b.refreshDoneMs} ms, list fetched ${b.listFetchedMs} ms.`,
      );
    } else out.push(`List render not measured: ${c.listSkipped}`);
    out.push('');
    if (c.scroll) {
      const x = c.scroll;
      out.push(
        `Scrolling up for ${x.seconds} s in a conversation of ${n(x.messages)} messages (older pages load when the top is reached): ${n(x.loadedMessages)} distinct message rows passed by, **at most ${x.maxRows} rows mounted**, ${n(x.maxDomNodes)} DOM nodes at most; frame time p50 ${x.frameP50} ms, p95 ${x.frameP95} ms, max ${x.frameMax} ms, ${x.longFrames} frames > 50 ms.`,
      );
    } else out.push(`Scrolling not measured: ${c.scrollSkipped}`);
    for (const note of c.notes) out.push(`\n_${note}_`);
    out.push('');
  }
  out.push('## 8. Translation');
  out.push('');
  const tr = s.translation;
  if (!tr) out.push('Not run.');
  else if (isSkipped(tr)) out.push(`Not measured: ${tr.skipped}`);
  else {
    out.push(
      `Provider: ${tr.provider}. ${tr.iterations} alternating openings of the latest 50 of ${tr.messages} Spanish messages by an English reader, over REST.`,
    );
    out.push('');
    out.push(
      table(
        ['request', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
        [
          ['page of 50 (no translation)', tr.page.p50, tr.page.p95, tr.page.p99, tr.page.max],
          [
            'page + cached translation',
            tr.pageTranslated.p50,
            tr.pageTranslated.p95,
            tr.pageTranslated.p99,
            tr.pageTranslated.max,
          ],
          ['translation request alone (what it adds)', tr.added.p50, tr.added.p95, tr.added.p99, tr.added.max],
          [
            'in-process: page at the storage port',
            tr.store.page.p50,
            tr.store.page.p95,
            tr.store.page.p99,
            tr.store.page.max,
          ],
          [
            'in-process: cached screenful via the service',
            tr.store.added.p50,
            tr.store.added.p95,
            tr.store.added.p99,
            tr.store.added.max,
          ],
          [
            'in-process CPU time: page',
            tr.store.pageCpu.p50,
            tr.store.pageCpu.p95,
            tr.store.pageCpu.p99,
            tr.store.pageCpu.max,
          ],
          [
            'in-process CPU time: cached screenful',
            tr.store.addedCpu.p50,
            tr.store.addedCpu.p95,
            tr.store.addedCpu.p99,
            tr.store.addedCpu.max,
          ],
        ],
      ),
    );
    out.push('');
    out.push(
      `p99(page + translation) - p99(page) = ${tr.addedP99Delta} ms. Uncached screenful: **${tr.uncached.providerCalls} provider call** (${tr.uncached.translated}/50 translated, ${tr.uncached.ms} ms); ${tr.concurrent.readers} readers opening the same uncached screenful at once: ${tr.concurrent.providerCalls} provider call (${tr.concurrent.ms} ms).`,
    );
    for (const note of tr.notes) out.push(`\n_${note}_`);
    out.push('');
  }
  out.push('## 9. Leaderboard of a big channel');
  out.push('');
  const pts = s.points;
  if (!pts) out.push('Not run.');
  else if (isSkipped(pts)) out.push(`Not measured: ${pts.skipped}`);
  else {
    out.push(
      `One channel of ${n(pts.members)} members, every one with points and one in ten hiding them (seeded through the storage port in ${pts.seedSeconds} s). Sequential requests by the owner; the baselines are the HTTP floor and reading every member id of the channel.`,
    );
    out.push('');
    out.push(
      table(
        ['query', 'samples', 'store p50 / p99', 'REST p50 / p99', 'REST max'],
        pts.queries.map((q) => [
          q.name,
          `${q.store.n} / ${q.http?.n ?? 0}`,
          pct(q.store),
          pct(q.http),
          q.http?.max ?? '-',
        ]),
      ),
    );
    for (const note of pts.notes) out.push(`\n_${note}_`);
    out.push('');
  }
  out.push('## 10. What entering a space costs');
  out.push('');
  const sp = s.spaces;
  if (!sp) out.push('Not run.');
  else if (isSkipped(sp)) out.push(`Not measured: ${sp.skipped}`);
  else {
    out.push(
      `The same group (10 members, ${n(sp.messages)} messages and more as the sends add up) at home and in a space with its own database; the same REST calls to both, ${n(sp.iterations)} each, interleaved. In a space a request also checks membership in the registry and reaches the space's database through the handle LRU.`,
    );
    out.push('');
    out.push(
      table(
        ['request', 'home p50 / p99', 'in a space p50 / p99', 'space / home (p50, p99)'],
        sp.paths.map((p) => [p.name, pct(p.home), pct(p.space), `x${p.ratioP50}, x${p.ratioP99}`]),
      ),
    );
    for (const note of sp.notes) out.push(`\n_${note}_`);
    out.push('');
  }
  out.push('## Section times');
  out.push('');
  out.push(
    table(
      ['section', 'seconds'],
      Object.entries(r.sectionSeconds).map(([k, v]) => [k, v]),
    ),
  );
  out.push('');
  return out.join('\n');
}
