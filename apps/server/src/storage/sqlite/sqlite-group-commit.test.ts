import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGroupCommit } from './sqlite-group-commit.ts';

describe('SQLite group commit', () => {
  let dir: string;
  let db: Database.Database;
  let other: Database.Database;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'charla-group-commit-'));
    db = new Database(path.join(dir, 'g.sqlite'));
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE t (n INTEGER PRIMARY KEY)');
    // A second connection sees only what was committed.
    other = new Database(path.join(dir, 'g.sqlite'), { readonly: true });
  });
  afterEach(() => {
    other.close();
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const committed = () => other.prepare('SELECT count(*) FROM t').pluck().get() as number;

  it('runs the calls of one turn in one transaction and resolves them only after its COMMIT', async () => {
    const seenByOthers: number[] = [];
    const insert = db.prepare('INSERT INTO t (n) VALUES (?)');
    const g = createGroupCommit(db, (n: number) => {
      seenByOthers.push(committed());
      insert.run(n);
      return n * 10;
    });
    const results = Promise.all([1, 2, 3, 4].map((n) => g.run(n)));
    expect(committed()).toBe(0);
    expect(await results).toEqual([10, 20, 30, 40]);
    // Nothing was committed while the batch ran: one transaction for all four.
    expect(seenByOthers).toEqual([0, 0, 0, 0]);
    expect(committed()).toBe(4);
    // A later turn is a new batch that sees the first one committed.
    await g.run(5);
    expect(seenByOthers.at(-1)).toBe(4);
  });

  it('a call that throws rolls back its own writes and rejects only its caller', async () => {
    const insert = db.prepare('INSERT INTO t (n) VALUES (?)');
    const g = createGroupCommit(db, (n: number) => {
      insert.run(n);
      if (n === 2) throw new Error('boom');
      return n;
    });
    const outcomes = await Promise.allSettled([1, 2, 3].map((n) => g.run(n)));
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(other.prepare('SELECT n FROM t ORDER BY n').pluck().all()).toEqual([1, 3]);
  });

  it('a lone call that throws writes nothing; a failed COMMIT rejects the whole batch', async () => {
    const insert = db.prepare('INSERT INTO t (n) VALUES (?)');
    const g = createGroupCommit(db, (n: number) => {
      insert.run(n);
      if (n < 0) throw new Error('boom');
      return n;
    });
    await expect(g.run(-1)).rejects.toThrow('boom');
    expect(committed()).toBe(0);
    // Another connection holds the write lock: BEGIN IMMEDIATE fails, every caller hears it.
    const blocker = new Database(path.join(dir, 'g.sqlite'));
    blocker.pragma('busy_timeout = 0');
    db.pragma('busy_timeout = 0');
    blocker.exec('BEGIN IMMEDIATE');
    try {
      const outcomes = await Promise.allSettled([7, 8].map((n) => g.run(n)));
      expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    } finally {
      blocker.exec('ROLLBACK');
      blocker.close();
    }
    expect(committed()).toBe(0);
  });

  it('drain runs what is queued at once (before the database closes)', async () => {
    const g = createGroupCommit(db, (n: number) => db.prepare('INSERT INTO t (n) VALUES (?)').run(n).changes);
    const pending = g.run(1);
    g.drain();
    expect(committed()).toBe(1);
    expect(await pending).toBe(1);
  });
});
