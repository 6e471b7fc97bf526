/**
 * `pnpm bench`: Charla's latency, throughput and capacity, each next to a baseline measured in the
 * same run on the same machine. Writes bench/results/<date>-<sha>.{json,md,svg}. See bench/README.md.
 */
import fs from 'node:fs';
import path from 'node:path';
import { charlaTarget, relayTarget } from './charla/targets.ts';
import { optionsFrom, parseArgs, SECTIONS, USAGE } from './cli.ts';
import { machineInfo } from './lib/machine.ts';
import { round } from './lib/stats.ts';
import { evaluateBudgets } from './report/budgets.ts';
import { renderMarkdown } from './report/markdown.ts';
import { renderChart } from './report/svg.ts';
import type { BenchResults } from './results.ts';
import { runAuth } from './sections/auth.ts';
import { runClient } from './sections/client.ts';
import { runFanout } from './sections/fanout.ts';
import { runHistory } from './sections/history.ts';
import { runIdle } from './sections/idle.ts';
import { runPoints } from './sections/points.ts';
import { runScaleOut } from './sections/scaleout.ts';
import { runSpaces } from './sections/spaces.ts';
import { runTranslation } from './sections/translation.ts';
import { repoRoot } from './servers/launch.ts';

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.help) {
    console.log(USAGE);
    return;
  }
  const options = optionsFrom(args);
  const started = Date.now();
  const machine = machineInfo(repoRoot);
  const log = (line: string) => console.log(line);
  log(
    `Charla bench ${options.quick ? '(quick) ' : ''}on ${machine.cpuModel}, ${machine.cores} cores, ${machine.ramGb} GB, node ${machine.node}, git ${machine.gitSha}`,
  );
  const results: BenchResults = {
    startedAt: new Date(started).toISOString(),
    durationSeconds: 0,
    machine,
    options,
    sections: {},
    sectionSeconds: {},
    budgets: [],
    limits: [],
  };
  const want = (s: (typeof SECTIONS)[number]) => options.only.includes(s);
  const section = async <T>(name: string, title: string, fn: () => Promise<T>): Promise<T | { skipped: string }> => {
    log(`\n== ${title}`);
    const t = Date.now();
    try {
      return await fn();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      log(`  FAILED: ${message}`);
      return { skipped: `failed: ${message.split('\n')[0]}` };
    } finally {
      results.sectionSeconds[name] = round((Date.now() - t) / 1000, 1);
    }
  };

  if (want('fanout'))
    results.sections.fanout = await section(
      'fanout',
      `1+2. Fan-out under load: ${options.sockets} sockets in groups of ${options.groupSize}, Charla vs baselines`,
      async () => {
        const fanOpts = {
          rates: options.rates,
          windowMs: options.windowMs,
          warmupMs: options.warmupMs,
          repeats: options.repeats,
          generators: 2,
          p99LimitMs: 100,
        };
        const targets = await runFanout(
          [
            charlaTarget(options.sockets, options.groupSize),
            relayTarget('socketio', options.sockets, options.groupSize),
            relayTarget('ws', options.sockets, options.groupSize),
          ],
          fanOpts,
          log,
        );
        return { targets, groupSize: options.groupSize };
      },
    );
  if (want('idle'))
    results.sections.idle = await section('idle', `3. Idle capacity: ${options.idle} authenticated sockets`, () =>
      runIdle({ sockets: options.idle, fdLimit: machine.fdLimit }, log),
    );
  if (want('history'))
    results.sections.history = await section(
      'history',
      `4. History and search: ${options.messages} messages, ${options.conversations} conversations`,
      async () => {
        const sqlite = await runHistory(
          { messages: options.messages, conversations: options.conversations, iterations: options.iterations },
          log,
        );
        const mongo = {
          store: 'mongo' as const,
          skipped: process.env.MONGODB_URI
            ? 'MONGODB_URI is set, but the bench seeds history through the SQLite adapter only (no bulk path for MongoDB yet)'
            : 'MONGODB_URI not set (no MongoDB server on this machine)',
          messages: options.messages,
          conversations: options.conversations,
          seedSeconds: { messages: 0, conversations: 0 },
          dbSizeMb: 0,
          queries: [],
          notes: [],
        };
        log(`  MongoDB: skipped (${mongo.skipped})`);
        return [sqlite, mongo];
      },
    );
  if (want('points'))
    results.sections.points = await section('points', `8. Leaderboard of a ${options.members}-member channel`, () =>
      runPoints({ members: options.members, iterations: options.iterations }, log),
    );
  if (want('spaces'))
    results.sections.spaces = await section('spaces', '10. What entering a space costs (send, history, list)', () =>
      runSpaces({ iterations: options.iterations, messages: options.quick ? 100 : 500 }, log),
    );
  if (want('auth'))
    results.sections.auth = await section('auth', '5. Auth at bcrypt cost 12', () =>
      runAuth(
        {
          cost: 12,
          closedSeconds: options.quick ? 1.5 : 4,
          burstSeconds: options.quick ? 0.5 : 1,
          burstRate: 20,
          concurrency: 2,
        },
        log,
      ),
    );
  if (want('scaleout'))
    results.sections.scaleOut = await section('scaleout', '6. Scale-out: 2 Charla processes + redis-server', () =>
      runScaleOut(
        {
          sockets: options.quick ? 200 : 400,
          rate: options.quick ? 100 : 200,
          windowMs: options.windowMs,
          repeats: options.repeats,
        },
        log,
      ),
    );
  if (want('client'))
    results.sections.client = await section('client', '7. Client: bundle, list render, scrolling in Chromium', () =>
      runClient({ skipBuild: options.skipBuild, quick: options.quick }, log),
    );

  if (want('translation'))
    results.sections.translation = await section(
      'translation',
      '8. Translation: a screenful of 50 foreign-language messages, cached and uncached',
      () => runTranslation({ iterations: options.quick ? 60 : 300 }, log),
    );

  results.durationSeconds = round((Date.now() - started) / 1000, 1);
  const { budgets, limits } = evaluateBudgets(results);
  results.budgets = budgets;
  results.limits = limits;

  const outDir = path.resolve(args.out ?? path.join(repoRoot, 'bench/results'));
  fs.mkdirSync(outDir, { recursive: true });
  const stamp = `${results.startedAt.slice(0, 16).replace(/[:T]/g, '-')}-${machine.gitSha}`;
  const partial = options.only.length < SECTIONS.length ? `-${options.only.join('+')}` : '';
  const base = path.join(outDir, `${stamp}${options.quick ? '-quick' : ''}${partial}`);
  fs.writeFileSync(`${base}.json`, `${JSON.stringify(results, null, 2)}\n`);
  fs.writeFileSync(`${base}.svg`, renderChart(results));
  fs.writeFileSync(`${base}.md`, renderMarkdown(results, path.basename(`${base}.svg`)));

  log('\n== Budgets');
  for (const b of budgets) log(`  ${b.status.padEnd(12)} ${b.budget}: ${b.measured}${b.note ? ` (${b.note})` : ''}`);
  log(`\nWrote ${path.relative(process.cwd(), base)}.{json,md,svg} in ${results.durationSeconds} s`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
