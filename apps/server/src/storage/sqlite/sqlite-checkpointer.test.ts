import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { Storage } from '../ports.ts';
import { CHECKPOINT_OPTIONS, createCheckpointer } from './sqlite-checkpointer.ts';
import { openSqliteStorage } from './sqlite-storage.ts';
import { soloChat } from './sqlite-test-chat.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const size = (file: string) => (fs.existsSync(file) ? fs.statSync(file).size : 0);
async function until(check: () => boolean, ms = 3000): Promise<boolean> {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await sleep(20);
  return check();
}

describe('WAL checkpoints on the checkpoint thread', () => {
  const dirs: string[] = [];
  const closers: (() => unknown)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });
  const tmp = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'charla-ckpt-'));
    dirs.push(dir);
    return dir;
  };

  async function chat(storage: Storage) {
    const { send } = await soloChat(storage);
    return async (count: number) => {
      for (let i = 0; i < count; i++) await send(`message ${i} ${'x'.repeat(200)}`);
    };
  }

  it("moves the WAL into the database file without the server's connection checkpointing", async () => {
    const dir = tmp();
    const storage = openSqliteStorage(dir);
    closers.push(() => storage.close());
    const file = path.join(dir, 'charla.sqlite');
    const send = await chat(storage);
    // Well under SQLite's automatic threshold (1,000 pages): only the thread can have copied them.
    await sleep(CHECKPOINT_OPTIONS.intervalMs * 2);
    const before = size(file);
    await send(20);
    expect(await until(() => size(file) > before)).toBe(true);

    // The same sends with the checkpoint left inline: below the threshold nothing is copied.
    const inlineDir = tmp();
    const inline = openSqliteStorage(inlineDir, undefined, 'charla.sqlite', { checkpoints: 'inline' });
    closers.push(() => inline.close());
    const inlineFile = path.join(inlineDir, 'charla.sqlite');
    const sendInline = await chat(inline);
    const inlineBefore = size(inlineFile);
    await sendInline(20);
    await sleep(CHECKPOINT_OPTIONS.intervalMs * 3);
    expect(size(inlineFile)).toBe(inlineBefore);
  });

  it('starts a long WAL over and cuts its file back (RESTART past the limit)', async () => {
    const dir = tmp();
    const file = path.join(dir, 'db.sqlite');
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('journal_size_limit = 65536');
    db.exec('CREATE TABLE t (x TEXT)');
    const checkpointer = createCheckpointer(undefined, {
      intervalMs: 50,
      restartFrames: 20,
      journalSizeLimit: 65536,
    });
    checkpointer.attach(file, db);
    closers.push(async () => {
      db.close();
      await checkpointer.detach(file, db);
    });
    const insert = db.prepare('INSERT INTO t (x) VALUES (?)');
    const wal = `${file}-wal`;
    for (let i = 0; i < 200; i++) db.transaction(() => insert.run('y'.repeat(3000)))();
    const grown = size(wal);
    expect(grown).toBeGreaterThan(65536 * 4);
    // Once the thread has copied everything and restarted the log, the next write starts it over.
    let writes = 0;
    const cutBack = await until(() => {
      db.transaction(() => insert.run('z'))();
      writes++;
      return size(wal) <= 65536 + 3 * 4096 * 2;
    });
    expect(cutBack).toBe(true);
    expect(db.prepare('SELECT COUNT(*) AS n FROM t').get()).toEqual({ n: 200 + writes });
  });

  it('gives a connection its automatic checkpoint back when the thread cannot open its file', async () => {
    const dir = tmp();
    const file = path.join(dir, 'real.sqlite');
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    closers.push(() => db.close());
    const warnings: string[] = [];
    const checkpointer = createCheckpointer((f) => warnings.push(f));
    // The thread opens files that exist only: this name does not.
    checkpointer.attach(path.join(dir, 'missing.sqlite'), db);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    expect(await until(() => db.pragma('wal_autocheckpoint', { simple: true }) === 1000)).toBe(true);
    expect(warnings).toEqual([path.join(dir, 'missing.sqlite')]);
  });

  it('keeps checkpointing a file while another connection to it is still open', async () => {
    const dir = tmp();
    const first = openSqliteStorage(dir);
    const second = openSqliteStorage(dir);
    closers.push(() => second.close());
    await first.close();
    const file = path.join(dir, 'charla.sqlite');
    const send = await chat(second);
    await sleep(CHECKPOINT_OPTIONS.intervalMs * 2);
    const before = size(file);
    await send(300);
    expect(await until(() => size(file) > before)).toBe(true);
  });
});
