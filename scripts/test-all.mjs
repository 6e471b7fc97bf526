// The whole test suite: typecheck, lint, the dead-code check (knip), vitest (unit, integration,
// contract), the web client build and Playwright in Chromium. Every step runs even when an earlier one fails; the run ends with one
// summary line "N passed, N failed, N skipped" and lists every skip with its reason.
import fs from 'node:fs';
import path from 'node:path';
import { bin, pnpmCommand, root, run } from './lib.mjs';
import { chromiumPath } from './system-deps.mjs';
import { readPlaywright, readVitest } from './test-report.mjs';

const resultsDir = path.join(root, 'test-results');
fs.mkdirSync(resultsDir, { recursive: true });
const vitestJson = path.join(resultsDir, 'vitest.json');
const playwrightJson = path.join(resultsDir, 'playwright.json');
for (const f of [vitestJson, playwrightJson]) fs.rmSync(f, { force: true });

const only = process.env.CHARLA_TEST_ONLY?.split(',').filter(Boolean);
const want = (step) => !only || only.includes(step);
const [pnpm, ...pnpmPre] = pnpmCommand();
const steps = [];

async function step(name, fn) {
  if (!want(name)) return;
  const started = Date.now();
  console.log(`\n━━ ${name} ━━`);
  const code = await fn();
  steps.push({ name, ok: code === 0, seconds: Math.round((Date.now() - started) / 1000) });
}

await step('typecheck', () => run(pnpm, [...pnpmPre, '-r', '--workspace-concurrency=1', 'run', 'typecheck']));
await step('lint', () => run(bin('biome'), ['check', '--error-on-warnings', '.']));
// Unused files, exports and dependencies fail the run (config: knip.json).
await step('deadcode', () => run(bin('knip'), ['--no-progress']));
await step('vitest', () =>
  run(bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`]),
);
await step('build-web', () => run(pnpm, [...pnpmPre, '--filter', '@charla/desktop', 'run', 'build']));
const webBuilt = steps.find((s) => s.name === 'build-web')?.ok !== false;
const chromium = chromiumPath();
const noBrowser = chromium && !fs.existsSync(chromium) ? `no Chromium at ${chromium}` : undefined;
const installHint = process.env.CHARLA_INSTALL_COMMAND;
const browserSkip = noBrowser && (installHint ? `${noBrowser} (${installHint})` : noBrowser);
if (webBuilt && browserSkip) {
  // Listed, not run: every browser test is reported as skipped with the reason.
  await step('playwright', () =>
    run(bin('playwright'), ['test', '-c', 'apps/desktop/playwright.config.ts', '--list', '--reporter=json'], {
      stdio: ['ignore', fs.openSync(playwrightJson, 'w'), 'inherit'],
    }),
  );
} else if (webBuilt)
  await step('playwright', () => run(bin('playwright'), ['test', '-c', 'apps/desktop/playwright.config.ts']));

const tests = [...readVitest(vitestJson), ...readPlaywright(playwrightJson, browserSkip)];
const passed = tests.filter((t) => t.status === 'passed').length;
const failed = tests.filter((t) => t.status === 'failed');
const skipped = tests.filter((t) => t.status === 'skipped');

console.log('\n━━ summary ━━');
for (const s of steps) console.log(`${s.ok ? '✔' : '✘'} ${s.name} (${s.seconds}s)`);
if (failed.length) {
  console.log('\nFailed tests:');
  for (const t of failed) console.log(`  ✘ [${t.suite}] ${t.name}`);
}
const reasons = new Map();
for (const t of skipped)
  reasons.set(t.reason ?? '(no reason given)', (reasons.get(t.reason ?? '(no reason given)') ?? 0) + 1);
if (skipped.length) {
  console.log('\nSkipped tests, by reason:');
  for (const [reason, n] of reasons) console.log(`  - ${n} skipped: ${reason}`);
}
const unexplained = skipped.filter((t) => !t.reason);
if (unexplained.length) {
  console.log('\nSkips without a reason are not allowed (use describeIf / test.skip(cond, reason)):');
  for (const t of unexplained) console.log(`  ? [${t.suite}] ${t.name}`);
}
if (installHint && skipped.length)
  console.log(`\nSome tests need system packages that are missing. Install them with:\n  ${installHint}`);
const failedSteps = steps.filter((s) => !s.ok);
const checks = ['typecheck', 'lint', 'deadcode'];
const checksPassed = steps.filter((s) => s.ok && checks.includes(s.name)).length;
// Steps that failed without a failing test (typecheck, lint, a build, a crashed runner) count as failures too.
const stepFailures = failedSteps.filter(
  (s) => !(s.name === 'vitest' || s.name === 'playwright') || failed.length === 0,
).length;
const totalFailed = failed.length + stepFailures + unexplained.length;
console.log(`\ntotal: ${tests.length} tests + ${checks.join(' + ')}`);
console.log(`${passed + checksPassed} passed, ${totalFailed} failed, ${skipped.length} skipped`);
process.exit(totalFailed === 0 ? 0 : 1);
