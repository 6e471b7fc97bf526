import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The server's feature modules must not depend on each other in circles: every folder under
 * src/modules may import another only if that one does not (directly or through others) import it
 * back. Type-only imports count: they are dependencies too. Tests are left out (a test may drive
 * several modules).
 */
const modulesDir = import.meta.dirname;

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) && !/\.d\.ts$/.test(e.name) ? [p] : [];
  });
}

/** Module folder -> the module folders its files import. */
function moduleGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  const importPattern = /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]/g;
  for (const file of sources(modulesDir)) {
    const from = path.relative(modulesDir, file).split(path.sep)[0] ?? '';
    const edges = graph.get(from) ?? new Set<string>();
    graph.set(from, edges);
    for (const match of fs.readFileSync(file, 'utf8').matchAll(importPattern)) {
      const target = path.relative(modulesDir, path.resolve(path.dirname(file), match[1] ?? ''));
      if (target.startsWith('..')) continue; // outside src/modules (http/, storage/...)
      const to = target.split(path.sep)[0] ?? '';
      if (to && to !== from) edges.add(to);
    }
  }
  return graph;
}

/** Strongly connected components with more than one folder: the cycles (Tarjan). */
function cycles(graph: Map<string, Set<string>>): string[][] {
  let index = 0;
  const indexOf = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    indexOf.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!indexOf.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) ?? 0, indexOf.get(w) ?? 0));
    }
    if (low.get(v) === indexOf.get(v)) {
      const component: string[] = [];
      let w: string | undefined;
      do {
        w = stack.pop();
        if (w !== undefined) {
          onStack.delete(w);
          component.push(w);
        }
      } while (w !== undefined && w !== v);
      if (component.length > 1) out.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!indexOf.has(v)) visit(v);
  return out;
}

describe('server module dependencies', () => {
  const graph = moduleGraph();

  it('reads the real tree (every module folder, with its imports)', () => {
    for (const m of ['auth', 'messaging', 'realtime', 'presence', 'media', 'moderation', 'admin', 'users', 'oidc'])
      expect(graph.has(m), m).toBe(true);
    expect(graph.get('invites')?.has('messaging')).toBe(true);
  });

  it('has no folder cycles between modules', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('realtime is a transport: it imports no feature module', () => {
    expect([...(graph.get('realtime') ?? [])]).toEqual([]);
  });

  it('the pairs that used to import each other now go one way at most', () => {
    const pairs = [
      ['messaging', 'realtime'],
      ['auth', 'users'],
      ['auth', 'oidc'],
      ['admin', 'moderation'],
      ['media', 'messaging'],
    ] as const;
    for (const [a, b] of pairs) expect(graph.get(a)?.has(b) && graph.get(b)?.has(a), `${a} <-> ${b}`).not.toBe(true);
  });

  it('finds a cycle when there is one (the check itself works)', () => {
    const g = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c'])],
      ['c', new Set(['a'])],
      ['d', new Set(['a'])],
    ]);
    expect(cycles(g)).toEqual([['a', 'b', 'c']]);
  });
});
