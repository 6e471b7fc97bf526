import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { Storage } from '../ports.ts';
import { SEARCH_INDEX_DELAY_MS } from './sqlite-search-queue.ts';
import { openSqliteStorage } from './sqlite-storage.ts';
import { soloChat } from './sqlite-test-chat.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the search index queue (migration 0030)', () => {
  const dirs: string[] = [];
  const open: { storage?: Storage; raw?: Database.Database }[] = [];
  afterEach(async () => {
    for (const o of open.splice(0)) {
      o.raw?.close();
      await o.storage?.close();
    }
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  async function setup() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'charla-ftsq-'));
    dirs.push(dir);
    const storage = openSqliteStorage(dir);
    const { user: a, group: g, send } = await soloChat(storage);
    // A second connection sees what the adapter committed (WAL), as another process would.
    const raw = new Database(path.join(dir, 'charla.sqlite'));
    open.push({ storage, raw });
    const queued = () => (raw.prepare('SELECT COUNT(*) AS n FROM messages_fts_pending').get() as { n: number }).n;
    const indexed = (q: string) =>
      (raw.prepare('SELECT COUNT(*) AS n FROM messages_fts WHERE messages_fts MATCH ?').get(q) as { n: number }).n;
    const search = async (q: string) =>
      (await storage.messages.search(a.id, q, { limit: 50 })).items.map((h) => h.message.text);
    const integrityOk = () => {
      raw.exec("INSERT INTO messages_fts (messages_fts) VALUES ('integrity-check')");
      return true;
    };
    return { dir, storage, raw, a, g, send, queued, indexed, search, integrityOk };
  }

  it('a send is queued, not indexed, and a search right after it still finds it', async () => {
    const t = await setup();
    await t.send('alpha bravo');
    // Right after the commit (the batch comes SEARCH_INDEX_DELAY_MS later).
    expect(t.queued()).toBe(1);
    expect(t.indexed('alpha')).toBe(0);
    await t.send('alpha charlie');
    expect((await t.search('alpha')).sort()).toEqual(['alpha bravo', 'alpha charlie']);
    expect(t.queued()).toBe(0);
    expect(t.indexed('alpha')).toBe(2);
    expect(t.integrityOk()).toBe(true);
  });

  it('indexes the queue by itself shortly after the sends, in one batch', async () => {
    const t = await setup();
    await t.send('delta number0');
    expect(t.queued()).toBe(1);
    for (let i = 1; i < 30; i++) await t.send(`delta number${i}`);
    const deadline = Date.now() + SEARCH_INDEX_DELAY_MS * 8;
    while (t.queued() > 0 && Date.now() < deadline) await sleep(25);
    expect(t.queued()).toBe(0);
    expect(t.indexed('delta')).toBe(30);
    expect(t.integrityOk()).toBe(true);
  });

  it('edits and deletes of queued and of indexed messages leave the index exact', async () => {
    const t = await setup();
    const early = [await t.send('echo one'), await t.send('echo two'), await t.send('echo three')];
    await t.search('echo'); // indexes the three
    const late = [await t.send('foxtrot one'), await t.send('foxtrot two'), await t.send('foxtrot three')];
    // Queued unless the machine took longer than the batch delay for the sends (then all are indexed).
    expect(t.queued() + t.indexed('foxtrot')).toBe(3);
    const edit = (id: string, text: string) => t.storage.messages.edit(id, { text, mentions: [] }, t.a.id, new Date());
    // An indexed row and a queued row edited; an indexed and a queued row deleted for everyone.
    await edit(early[0] ?? '', 'golf rewritten');
    await edit(late[0] ?? '', 'hotel rewritten');
    await t.storage.messages.deleteForEveryone(early[1] ?? '', t.a.id, new Date());
    await t.storage.messages.deleteForEveryone(late[1] ?? '', t.a.id, new Date());
    expect(await t.search('rewritten')).toEqual(expect.arrayContaining(['golf rewritten', 'hotel rewritten']));
    expect(await t.search('echo')).toEqual(['echo three']);
    expect(await t.search('foxtrot')).toEqual(['foxtrot three']);
    expect(t.indexed('hotel')).toBe(1);
    expect(t.integrityOk()).toBe(true);
  });

  it('a deleted newest message whose rid is reused by the next send leaves the index exact', async () => {
    const t = await setup();
    await t.send('india first');
    await t.send('juliet newest');
    await t.search('india'); // both indexed
    const { rid } = t.raw.prepare('SELECT MAX(rid) AS rid FROM messages').get() as { rid: number };
    // A hard delete of the newest row (a purge, a cascade): the next insert takes the same rid.
    t.raw.prepare('DELETE FROM messages WHERE rid = ?').run(rid);
    await t.send('kilo reused');
    expect((t.raw.prepare('SELECT MAX(rid) AS rid FROM messages').get() as { rid: number }).rid).toBe(rid);
    expect(await t.search('kilo')).toEqual(['kilo reused']);
    expect(await t.search('juliet')).toEqual([]);
    expect(t.integrityOk()).toBe(true);
  });

  it('a queue left by a crash is indexed by the next process, and close leaves nothing queued', async () => {
    const t = await setup();
    await t.send('lima before');
    await t.send('mike before');
    // A crash: the adapter's process is gone, the queue is in the file. (Close the raw handle too, and
    // copy the file as it is on disk, WAL included, as the next process would find it.)
    const crashDir = fs.mkdtempSync(path.join(os.tmpdir(), 'charla-ftsq-crash-'));
    dirs.push(crashDir);
    t.raw.exec('PRAGMA wal_checkpoint(FULL)');
    fs.copyFileSync(path.join(t.dir, 'charla.sqlite'), path.join(crashDir, 'charla.sqlite'));
    const next = openSqliteStorage(crashDir);
    open.push({ storage: next });
    const checker = new Database(path.join(crashDir, 'charla.sqlite'));
    open.push({ raw: checker });
    expect((checker.prepare('SELECT COUNT(*) AS n FROM messages_fts_pending').get() as { n: number }).n).toBe(2);
    expect((await next.messages.search(t.a.id, 'before', { limit: 10 })).items).toHaveLength(2);
    // And on the original: close indexes whatever is still queued.
    await t.send('november queued');
    await t.storage.close();
    expect(t.queued()).toBe(0);
    expect(t.indexed('november')).toBe(1);
    expect(t.integrityOk()).toBe(true);
  });
});
