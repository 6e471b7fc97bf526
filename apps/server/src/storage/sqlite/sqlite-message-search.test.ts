import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { applyMigrations } from './migrate.ts';
import { SEARCH_SQL } from './sqlite-message-search.ts';

describe('message search query plans (SQLite)', () => {
  const db = new Database(':memory:');
  applyMigrations(db);
  afterAll(() => db.close());
  const planOf = (sql: string, c: string | null) =>
    (
      db
        .prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .all({ u: 'u', q: '"kiwi"*', c, cap: 1999, floor: 0, limit: 21, offset: 0 }) as { detail: string }[]
    ).map((r) => r.detail);

  it.each([null, 'conversation'])('the cap walks the FTS doclist newest first without sorting (c=%s)', (c) => {
    const plan = planOf(SEARCH_SQL.floor, c);
    // FTS5 idxNum 192 = ORDER BY rowid DESC consumed by the virtual table, plus the MATCH.
    expect(plan[0], plan.join(' | ')).toMatch(/^SCAN messages_fts VIRTUAL TABLE INDEX 192:M/);
    expect(plan.join(' | ')).not.toMatch(/TEMP B-TREE/);
  });

  it.each([null, 'conversation'])('the ranked page reads only rowids above the floor (c=%s)', (c) => {
    const plan = planOf(SEARCH_SQL.page, c);
    // '>' in the FTS5 plan string: the rowid lower bound is applied while reading the doclist.
    expect(plan[0], plan.join(' | ')).toMatch(/^SCAN messages_fts VIRTUAL TABLE INDEX \d+:M\d*>/);
  });
});
