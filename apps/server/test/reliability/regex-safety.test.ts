/**
 * The CI check against super-linear regular expressions (issue 22 #1): every regex in the server,
 * shared types, client, desktop shell and scripts, and every pattern the shared zod schemas run,
 * goes through recheck; anything exponential or polynomial fails the build with an attack string.
 *
 * Why recheck: it decides complexity (linear / polynomial / exponential) from the pattern's
 * automaton, falling back to guided fuzzing only where an automaton cannot describe the pattern
 * (look-arounds, back-references), supports the full ES2024 syntax we use (`\p{…}`, `u`/`v` flags,
 * look-behind) and runs offline in-process or through its bundled native binary. redos-detector was
 * tried as well: it flagged harmless unanchored patterns such as `/sandbox\s*:\s*false/` and spent
 * 37 s on one pattern. No time limit is set (the verdict must not depend on machine load); the
 * seed is fixed so fuzzed verdicts repeat.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as sharedTypes from '@charla/shared-types';
import { check, type Diagnostics } from 'recheck';
import { afterAll, describe, expect, it } from 'vitest';
import { type FoundRegex, findRegexesInFile, findSchemaPatterns, listSourceFiles } from './regex-scan.ts';
import { repoRoot, vitestCommand, writeFigures } from './support.ts';

type AllowEntry = { file: string; source: string; reason: string };
const allowList = (
  JSON.parse(fs.readFileSync(path.join(import.meta.dirname, 'regex-allowlist.json'), 'utf8')) as {
    entries: AllowEntry[];
  }
).entries;
const allowed = (r: FoundRegex) => allowList.find((e) => e.file === r.file && e.source === r.source);

describe('no super-linear regular expression in our code', () => {
  const files = listSourceFiles(repoRoot);
  const inCode = files.flatMap((f) => findRegexesInFile(repoRoot, f));
  const inSchemas = findSchemaPatterns(sharedTypes as Record<string, unknown>);
  const tally = {
    files: files.length,
    literals: 0,
    constructed: 0,
    schemaPatterns: inSchemas.length,
    dynamicReviewed: 0,
  };
  const failures: string[] = [];

  afterAll(() => {
    writeFigures('regex-safety', {
      family: 'hostile input',
      scenario: 'ReDoS check of every regex in the sources and shared schemas (recheck)',
      command: vitestCommand('regex-safety.test.ts'),
      ...tally,
      superLinear: failures.length,
      outcome: failures.length === 0 ? 'held' : 'FAILED',
    });
  });

  it('finds the regexes (the scanner is not blind)', () => {
    tally.literals = inCode.filter((r) => r.kind === 'literal').length;
    tally.constructed = inCode.filter((r) => r.kind === 'constructor').length;
    expect(files.length).toBeGreaterThan(100);
    expect(tally.literals).toBeGreaterThan(50);
    // The reaction emoji pattern, from both sides: as written and as zod runs it.
    expect(inCode.some((r) => r.file.endsWith('dto/message.ts') && r.pattern.includes('Emoji_Component'))).toBe(true);
    expect(inSchemas.some((r) => r.pattern.includes('Emoji_Component'))).toBe(true);
    // zod's own formats come along (email is used by the auth schemas).
    expect(inSchemas.some((r) => r.pattern.includes('@'))).toBe(true);
  });

  it('every regex built at run time is reviewed in regex-allowlist.json, and every entry still exists', () => {
    const dynamic = inCode.filter((r) => r.kind === 'dynamic');
    tally.dynamicReviewed = dynamic.filter(allowed).length;
    const unreviewed = dynamic.filter((r) => !allowed(r)).map((r) => `${r.where}: ${r.source}`);
    expect(unreviewed, 'review these and add them to regex-allowlist.json with a reason').toEqual([]);
    const stale = allowList.filter((e) => !inCode.some((r) => r.file === e.file && r.source === e.source));
    expect(stale, 'remove these entries: the code is gone').toEqual([]);
  });

  it('recheck finds no exponential or polynomial backtracking', async () => {
    const checkable = [...inCode.filter((r) => r.kind !== 'dynamic'), ...inSchemas];
    // The same pattern written twice is checked once.
    const unique = new Map<string, FoundRegex[]>();
    for (const r of checkable)
      unique.set(`/${r.pattern}/${r.flags}`, [...(unique.get(`/${r.pattern}/${r.flags}`) ?? []), r]);
    for (const [key, sites] of unique) {
      const [first] = sites;
      if (!first || sites.every(allowed)) continue;
      const result: Diagnostics = await check(first.pattern, first.flags, { timeout: null, randomSeed: 1 });
      if (result.status === 'safe') continue;
      const why =
        result.status === 'vulnerable'
          ? `${result.complexity.summary}; attack ${result.attack.pattern}`
          : `undecided (${result.error.kind})`;
      failures.push(`${sites.map((s) => s.where).join(', ')} ${key}: ${why}`);
    }
    expect(failures, 'make these linear (bound the input, one character class, no overlapping repeats)').toEqual([]);
  }, 600_000);
});
