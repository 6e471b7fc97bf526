/**
 * Finds every regular expression in our sources: literals, `new RegExp(...)`/`RegExp(...)` with
 * constant arguments (checkable), and those built at run time (not checkable: they must be
 * reviewed), plus the patterns inside the shared zod schemas (zod's own formats included).
 * Parsing is done by oxc-parser, so strings, comments and JSX never look like a regex.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseSync } from 'oxc-parser';

export type FoundRegex = {
  /** Repository-relative path and 1-based line, or `schema:<export>` for zod patterns. */
  where: string;
  file: string;
  kind: 'literal' | 'constructor' | 'dynamic' | 'schema';
  pattern: string;
  flags: string;
  /** The expression as written (what the allow-list matches for dynamic ones). */
  source: string;
};

/** Application code applied to input: server, shared types, client, desktop shell, scripts. */
export const SCANNED_ROOTS = [
  'apps/server/src',
  'packages/shared-types/src',
  'apps/desktop/src',
  'apps/desktop/electron',
  'scripts',
];
const SOURCE = /\.(?:ts|tsx|mts|mjs|js)$/;
const TEST_FILE = /\.(?:test|e2e)\.tsx?$/;

export function listSourceFiles(repoRoot: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name.startsWith('dist')) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (SOURCE.test(entry.name) && !TEST_FILE.test(entry.name)) out.push(full);
    }
  };
  for (const root of SCANNED_ROOTS) walk(path.join(repoRoot, root));
  return out.sort();
}

type Node = { type?: string; start: number; end: number; [key: string]: unknown };
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && typeof (v as Node).type === 'string';

/** A string argument known at parse time: 'x', "x" or `x` without substitutions. */
function constantString(node: unknown): string | undefined {
  if (!isNode(node)) return undefined;
  if (node.type === 'Literal' && typeof node.value === 'string') return node.value;
  if (node.type === 'TemplateLiteral' && Array.isArray(node.expressions) && node.expressions.length === 0) {
    const quasi = (node.quasis as Array<{ value: { cooked: string | null } }>)[0];
    return quasi?.value.cooked ?? undefined;
  }
  return undefined;
}

export function findRegexesInFile(repoRoot: string, file: string): FoundRegex[] {
  const text = fs.readFileSync(file, 'utf8');
  const rel = path.relative(repoRoot, file);
  const { program, errors } = parseSync(file, text);
  if (errors.length > 0) throw new Error(`${rel}: cannot parse (${errors[0]?.message})`);
  const lineOf = (offset: number) => text.slice(0, offset).split('\n').length;
  const found: FoundRegex[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const v of value) visit(v);
      return;
    }
    if (!isNode(value)) return;
    const at = { where: `${rel}:${lineOf(value.start)}`, file: rel, source: text.slice(value.start, value.end) };
    const regex = value.regex as { pattern: string; flags: string } | undefined;
    if (value.type === 'Literal' && regex)
      found.push({ ...at, kind: 'literal', pattern: regex.pattern, flags: regex.flags });
    const callee = value.callee as Node | undefined;
    if (
      (value.type === 'NewExpression' || value.type === 'CallExpression') &&
      callee?.type === 'Identifier' &&
      callee.name === 'RegExp'
    ) {
      const args = value.arguments as unknown[];
      const pattern = constantString(args[0]);
      const flags = args.length > 1 ? constantString(args[1]) : '';
      if (pattern !== undefined && flags !== undefined) found.push({ ...at, kind: 'constructor', pattern, flags });
      else found.push({ ...at, kind: 'dynamic', pattern: '', flags: '' });
    }
    for (const [key, child] of Object.entries(value)) if (key !== 'parent') visit(child);
  };
  visit(program);
  return found;
}

/** Every pattern a zod schema reachable from `exports` will run (`.regex()`, email, datetime…). */
export function findSchemaPatterns(exports: Record<string, unknown>): FoundRegex[] {
  const seen = new Set<unknown>();
  const found = new Map<string, FoundRegex>();
  const visit = (value: unknown, name: string): void => {
    if (typeof value !== 'object' || value === null || seen.has(value)) return;
    seen.add(value);
    const zod = (
      value as { _zod?: { bag?: { patterns?: Set<RegExp> }; def?: { pattern?: unknown }; pattern?: unknown } }
    )._zod;
    if (zod) {
      // A string format's own pattern, a .regex() check's, and what zod gathered in the bag.
      const patterns = [zod.pattern, zod.def?.pattern, ...(zod.bag?.patterns ?? [])];
      for (const re of patterns.filter((p): p is RegExp => p instanceof RegExp))
        found.set(String(re), {
          where: `schema:${name}`,
          file: 'packages/shared-types',
          kind: 'schema',
          pattern: re.source,
          flags: re.flags,
          source: String(re),
        });
      visit(zod.def, name);
      return;
    }
    for (const child of Array.isArray(value) ? value : Object.values(value)) visit(child, name);
  };
  for (const [name, value] of Object.entries(exports)) visit(value, name);
  return [...found.values()];
}
