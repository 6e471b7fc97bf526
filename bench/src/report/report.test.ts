import { describe, expect, it } from 'vitest';
import { summarize } from '../lib/stats.ts';
import type { BenchResults } from '../results.ts';
import type { StepResult, TargetResult } from '../sections/fanout.ts';
import { evaluateBudgets } from './budgets.ts';
import { renderMarkdown } from './markdown.ts';
import { renderChart } from './svg.ts';

const step = (rate: number, p99: number, sustained = true): StepResult => ({
  rate,
  windows: 3,
  sent: rate * 3,
  failed: 0,
  errors: {},
  missing: 0,
  deliveriesPerSec: rate * 10,
  persistedPerSec: rate,
  latency: { ...summarize([1, 2, 3]), p99 },
  ack: summarize([1]),
  sameNode: summarize([1]),
  crossNode: summarize([]),
  servers: [{ cpuPct: 50, rssMb: 100, eldP99: 2, eldMax: 3, cpuWaitPct: 0 }],
  sustained,
  ...(sustained ? {} : { why: `p99 ${p99} ms > 100 ms` }),
});
const target = (kind: TargetResult['kind'], label: string, steps: StepResult[]): TargetResult => ({
  kind,
  label,
  sockets: 1000,
  connect: { ok: 1000, failed: 0, ms: 1000, perSec: 1000, errors: {} },
  steps,
  maxSustainedRate: [...steps].reverse().find((s) => s.sustained)?.rate ?? 0,
  maxSustainedDeliveriesPerSec: 0,
  notes: [],
});

function results(over: Partial<BenchResults['sections']> = {}): BenchResults {
  return {
    startedAt: '2026-01-01T00:00:00.000Z',
    durationSeconds: 1,
    machine: {
      cpuModel: 'Test <CPU> & co',
      cores: 2,
      ramGb: 4,
      node: 'v24',
      platform: 'Linux',
      gitSha: 'abc1234',
      gitDirty: false,
      fdLimit: 1024,
      loadAvgAtStart: [0, 0, 0],
    },
    options: {
      quick: false,
      sockets: 1000,
      groupSize: 10,
      rates: [100, 500],
      windowMs: 1000,
      warmupMs: 0,
      repeats: 3,
      idle: 5000,
      members: 10_000,
      messages: 1000,
      conversations: 10,
      iterations: 10,
      only: [],
      skipBuild: false,
    },
    sections: {
      fanout: {
        groupSize: 10,
        targets: [
          target('charla', 'Charla', [step(100, 5), step(500, 20), step(1000, 150, false)]),
          target('socketio', 'bare Socket.IO relay', [step(100, 4), step(500, 10), step(1000, 30)]),
        ],
      },
      ...over,
    },
    sectionSeconds: {},
    budgets: [],
    limits: [],
  };
}

describe('budgets', () => {
  it('judges fan-out at 5,000 deliveries/s and against the relay at the same rate', () => {
    const { budgets, limits } = evaluateBudgets(results());
    const by = Object.fromEntries(budgets.map((b) => [b.id, b]));
    expect(by['fanout-p99']?.status).toBe('PASS');
    expect(by['fanout-ratio']?.status).toBe('MISS');
    expect(by['fanout-ratio']?.measured).toMatch(/^2\.00x/);
    expect(by.throughput?.status).toBe('MISS');
    expect(limits.join(' ')).toMatch(/stopped at 1000 msgs\/s/);
  });

  it('judges translation on the server CPU time added and on one provider call per uncached screenful', () => {
    const summary = (p99: number) => ({ n: 300, p50: p99 / 4, p95: p99 / 2, p99, max: p99 * 2, mean: p99 / 3 });
    const translation = {
      provider: 'deepl',
      messages: 150,
      iterations: 300,
      page: summary(18),
      pageTranslated: summary(30),
      added: summary(20),
      addedP99Delta: 12,
      store: { page: summary(12), added: summary(18), pageCpu: summary(0.8), addedCpu: summary(3.4) },
      uncached: { providerCalls: 1, ms: 200, translated: 50 },
      concurrent: { readers: 20, providerCalls: 2, ms: 160 },
      notes: [],
    };
    const { budgets, limits } = evaluateBudgets(results({ translation }));
    const by = Object.fromEntries(budgets.map((b) => [b.id, b]));
    expect(by['translation-cached']?.status).toBe('PASS');
    expect(by['translation-calls']?.status).toBe('MISS');
    expect(limits.join(' ')).toMatch(/Translation: the cached translation request/);
  });

  it('reports every budget, NOT MEASURED with the reason when a section did not run or was skipped', () => {
    const { budgets } = evaluateBudgets(results({ auth: { skipped: 'failed: boom' } }));
    // 11 of issue 8 + 2 of issue 16 (translation) + 1 of issue 17 (leaderboard) + 1 of issue 20 (spaces).
    expect(budgets).toHaveLength(15);
    expect(budgets.find((b) => b.id === 'spaces')).toMatchObject({ status: 'NOT MEASURED', note: 'section not run' });
    expect(budgets.find((b) => b.id === 'translation-calls')?.status).toBe('NOT MEASURED');
    expect(budgets.find((b) => b.id === 'leaderboard')).toMatchObject({
      status: 'NOT MEASURED',
      note: 'section not run',
    });
    const eld = budgets.find((b) => b.id === 'eld');
    expect(eld).toMatchObject({ status: 'NOT MEASURED', note: 'failed: boom' });
    expect(budgets.find((b) => b.id === 'bundle')?.note).toBe('section not run');
  });

  it('judges the space budget on the worse of send and history at p50', () => {
    const path = (name: string, ratioP50: number) => ({
      name,
      home: { n: 10, p50: 1, p95: 1, p99: 1, max: 1, mean: 1 },
      space: { n: 10, p50: ratioP50, p95: 1, p99: 1, max: 1, mean: 1 },
      ratioP50,
      ratioP99: 1,
    });
    const spaces = (send: number, history: number) => ({
      iterations: 10,
      messages: 10,
      notes: [],
      paths: [
        path('send a message (REST)', send),
        path('history page of 50 (REST)', history),
        path('conversation list', 3),
      ],
    });
    const judged = (send: number, history: number) =>
      evaluateBudgets(results({ spaces: spaces(send, history) })).budgets.find((b) => b.id === 'spaces')?.status;
    expect(judged(1.02, 1.05)).toBe('PASS');
    expect(judged(1.02, 1.06)).toBe('MISS');
    expect(judged(1.2, 1.0)).toBe('MISS');
  });

  it('renders Markdown with the budget table and an SVG with escaped text', () => {
    const r = results();
    Object.assign(r, evaluateBudgets(r));
    const md = renderMarkdown(r, 'chart.svg');
    expect(md).toContain('| **PASS** | Fan-out p99 <= 25 ms');
    expect(md).toContain('![latency vs delivered rate](chart.svg)');
    const svg = renderChart(r);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('Test &lt;CPU&gt; &amp; co');
    expect(svg).toContain('<polyline');
    expect(renderChart(results({ fanout: { skipped: 'x' } }))).toContain('not measured');
  });
});
