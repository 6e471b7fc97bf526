// Reads vitest's and Playwright's JSON reports into one flat list of { suite, name, status, reason }.
import fs from 'node:fs';

const SKIP_OPEN = '[skipped: ';

/** The reason in a title ending "… [skipped: reason]" (string search: the regex was quadratic). */
function skipReason(title) {
  if (!title.endsWith(']')) return undefined;
  const at = title.indexOf(SKIP_OPEN);
  const reason = at < 0 ? '' : title.slice(at + SKIP_OPEN.length, -1);
  return reason || undefined;
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

export function readVitest(file) {
  const report = readJson(file);
  if (!report) return [];
  const out = [];
  for (const fileResult of report.testResults ?? []) {
    for (const a of fileResult.assertionResults ?? []) {
      const titles = [...(a.ancestorTitles ?? []), a.title];
      const mark = titles.map(skipReason).find(Boolean);
      const status = a.status === 'passed' ? 'passed' : a.status === 'failed' ? 'failed' : 'skipped';
      out.push({ suite: 'vitest', name: titles.join(' › '), status, reason: status === 'skipped' ? mark : undefined });
    }
  }
  return out;
}

/** `skipReason` names why tests skipped without an annotation (the browser suite was only listed). */
export function readPlaywright(file, skipReason) {
  const report = readJson(file);
  if (!report) return [];
  const out = [];
  const walk = (suite, trail) => {
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests ?? []) {
        const name = [...trail, spec.title].join(' › ');
        const status =
          t.status === 'skipped' ? 'skipped' : t.status === 'expected' || t.status === 'flaky' ? 'passed' : 'failed';
        const reason =
          (t.annotations ?? []).find((a) => a.type === 'skip' || a.type === 'fixme')?.description ?? skipReason;
        out.push({ suite: 'playwright', name, status, reason: status === 'skipped' ? reason : undefined });
      }
    }
    for (const child of suite.suites ?? []) walk(child, suite.title ? [...trail, suite.title] : trail);
  };
  for (const s of report.suites ?? []) walk(s, []);
  for (const e of report.errors ?? [])
    out.push({ suite: 'playwright', name: `error: ${e.message?.split('\n')[0]}`, status: 'failed' });
  return out;
}
