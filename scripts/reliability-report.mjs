// Renders the reliability suite's figures (test-results/reliability/*.json, written by
// apps/server/test/reliability/*.test.ts) as the Markdown table in RELIABILITY.md.
//
//   node scripts/reliability-report.mjs            print the table
//   node scripts/reliability-report.mjs --write    replace the table between the markers in RELIABILITY.md
//   node scripts/reliability-report.mjs --audit    also run `pnpm audit --prod` and record its outcome
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pnpmCommand, root } from './lib.mjs';

const dir = path.join(root, 'test-results', 'reliability');

/** No package registry's host name goes into the repository: pnpm's errors quote its URLs. */
const withoutUrls = (text) => text.replace(/https?:\/\/[^\s)]+/g, "the registry's audit endpoint");
const args = new Set(process.argv.slice(2));

if (args.has('--audit')) {
  const [pnpm, ...pre] = pnpmCommand();
  const r = spawnSync(pnpm, [...pre, 'audit', '--prod'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  const out = withoutUrls(`${r.stdout ?? ''}${r.stderr ?? ''}`.trim());
  const unreachable = /AUDIT_BAD_RESPONSE|ENOTFOUND|ECONNREFUSED|ETIMEDOUT|responded with 4|responded with 5/.test(out);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'audit.json'),
    `${JSON.stringify({ ranAt: new Date().toISOString(), exitCode: r.status, unreachable, output: out.slice(0, 4000) }, null, 2)}\n`,
  );
}

const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'audit.json') : [];
const order = ['faults', 'hostile input', 'authorization', 'abuse'];
const figures = files
  .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')))
  .sort((a, b) => order.indexOf(a.family) - order.indexOf(b.family) || a.scenario.localeCompare(b.scenario));

const COUNTS = ['sent', 'acked', 'stored', 'delivered', 'duplicates', 'losses'];
const SKIP = new Set(['family', 'scenario', 'command', 'outcome', 'recordedAt', ...COUNTS]);
const show = (v) => {
  if (v === undefined || v === null) return '–';
  if (typeof v === 'object')
    return Object.entries(v)
      .map(([k, x]) => `${k} ${typeof x === 'object' ? JSON.stringify(x) : x}`)
      .join(', ');
  return String(v);
};
const cell = (s) => String(s).replaceAll('|', '\\|').replaceAll('\n', ' ');

const lines = [
  '| Family | Scenario | Sent | Acked | Stored | Delivered | Dupl. | Losses | Other figures | Outcome | Reproduce |',
  '|---|---|---:|---:|---:|---:|---:|---:|---|---|---|',
];
for (const f of figures) {
  const other = Object.entries(f)
    .filter(([k]) => !SKIP.has(k))
    .map(([k, v]) => `${k}: ${show(v)}`)
    .join('; ');
  lines.push(
    `| ${cell(f.family)} | ${cell(f.scenario)} | ${COUNTS.map((k) => cell(show(f[k]))).join(' | ')} | ${cell(other)} | **${cell(f.outcome)}** | \`${cell(f.command)}\` |`,
  );
}
const newest = figures
  .map((f) => f.recordedAt)
  .sort()
  .at(-1);
lines.push('', `Figures from the run recorded at ${newest ?? '(no run yet)'} (${figures.length} scenario files).`);

const auditPath = path.join(dir, 'audit.json');
if (fs.existsSync(auditPath)) {
  const a = JSON.parse(fs.readFileSync(auditPath, 'utf8'));
  lines.push(
    '',
    `\`pnpm audit --prod\` (${a.ranAt}): ${
      a.unreachable
        ? 'the audit endpoint is not reachable from this machine (the registry mirror answers 405), so no advisory data was obtained.'
        : a.exitCode === 0
          ? 'no known vulnerabilities.'
          : `exit code ${a.exitCode}; see the output below.`
    }`,
    '',
    '```',
    withoutUrls(a.output).split('\n').slice(0, 20).join('\n'),
    '```',
  );
}
const table = lines.join('\n');

if (args.has('--write')) {
  const file = path.join(root, 'RELIABILITY.md');
  const text = fs.readFileSync(file, 'utf8');
  const start = '<!-- figures:start -->';
  const end = '<!-- figures:end -->';
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error('RELIABILITY.md has no figures markers');
  fs.writeFileSync(file, `${text.slice(0, a + start.length)}\n${table}\n${text.slice(b)}`);
  console.log(`RELIABILITY.md: ${figures.length} scenarios written`);
} else console.log(table);
