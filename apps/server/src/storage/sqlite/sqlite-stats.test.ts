import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { applyMigrations } from './migrate.ts';
import { STATS_SQL } from './sqlite-stats.ts';

describe('admin statistics query plans (SQLite)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'charla-stats-'));
  const db = new Database(path.join(dir, 'plan.sqlite'));
  applyMigrations(db);
  afterAll(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it.each(Object.entries(STATS_SQL))('%s reads an index, never a whole table', (_name, sql) => {
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all({ since: 0 }) as { detail: string }[]).map(
      (r) => r.detail,
    );
    const tableScans = plan.filter(
      (d) => /^SCAN (users|sessions|messages|media|conversations)\b/.test(d) && !/USING (COVERING )?INDEX/.test(d),
    );
    expect(tableScans, plan.join(' | ')).toEqual([]);
    expect(
      plan.some((d) => /INDEX/.test(d)),
      plan.join(' | '),
    ).toBe(true);
  });
});
