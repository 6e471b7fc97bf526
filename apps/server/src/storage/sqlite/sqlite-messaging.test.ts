import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStorage } from './sqlite-storage.ts';

const worker = path.join(path.dirname(fileURLToPath(import.meta.url)), 'messaging-send-worker.ts');

function run(args: string[]): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [worker, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as number[]) : reject(new Error(err))));
  });
}

describe('sqlite messaging adapter specifics', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  it('three connections in three processes sending to one conversation get a gapless seq', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'charla-mp-'));
    dirs.push(dir);
    const storage = openSqliteStorage(dir);
    const mk = (n: string) =>
      storage.users.create({
        email: `${n}@example.com`,
        username: n,
        displayName: n,
        passwordHash: null,
        role: 'user',
      });
    const [a, b] = [await mk('alice'), await mk('bob')];
    const g = await storage.conversations.create({
      kind: 'group',
      title: 'mp',
      createdBy: a.id,
      members: [{ userId: b.id, role: 'member' }],
      now: new Date(),
    });
    const local = (async () => {
      const seqs: number[] = [];
      for (let i = 0; i < 50; i++) {
        // Yield between sends so the children's transactions interleave with ours.
        await new Promise((r) => setImmediate(r));
        const res = await storage.messages.send({
          conversationId: g.id,
          senderId: a.id,
          clientMsgId: `parent-${i}`,
          kind: 'text',
          text: 'parent',
          now: new Date(),
        });
        if (res) seqs.push(res.message.seq);
      }
      return seqs;
    })();
    const results = await Promise.all([run([dir, g.id, a.id, '100']), run([dir, g.id, b.id, '100']), local]);
    const all = results.flat().sort((x, y) => x - y);
    expect(all).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));
    expect((await storage.conversations.findById(g.id))?.lastSeq).toBe(250);
    const feed = await storage.conversations.changesAfter(g.id, 0, { viewerId: a.id, limit: 1000 });
    const seqs = feed.items.map((c) => c.changeSeq);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    await storage.close();
  });

  it('keeps the external-content FTS index consistent through edits, tombstones and cascades', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'charla-fts-'));
    dirs.push(dir);
    const storage = openSqliteStorage(dir);
    const a = await storage.users.create({
      email: 'a@example.com',
      username: 'a',
      displayName: 'a',
      passwordHash: null,
      role: 'user',
    });
    const g = await storage.conversations.create({ kind: 'group', title: 'fts', createdBy: a.id, now: new Date() });
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await storage.messages.send({
        conversationId: g.id,
        senderId: a.id,
        clientMsgId: `f${i}`,
        kind: 'text',
        text: `word${i} common`,
        now: new Date(),
      });
      ids.push(res?.message.id ?? '');
    }
    for (const id of ids.slice(0, 5))
      await storage.messages.edit(id, { text: 'rewritten common', mentions: [] }, a.id, new Date());
    for (const id of ids.slice(5, 10)) await storage.messages.deleteForEveryone(id, a.id, new Date());
    await storage.close();

    const db = new Database(path.join(dir, 'charla.sqlite'));
    // FTS5 compares the index with the content table and throws on any drift.
    expect(() => db.exec("INSERT INTO messages_fts (messages_fts) VALUES ('integrity-check')")).not.toThrow();
    const hits = (q: string) =>
      (db.prepare('SELECT COUNT(*) AS n FROM messages_fts WHERE messages_fts MATCH ?').get(q) as { n: number }).n;
    expect(hits('common')).toBe(15);
    expect(hits('rewritten')).toBe(5);
    expect(hits('word7')).toBe(0);
    db.prepare('DELETE FROM conversations WHERE id = ?').run(g.id);
    expect(() => db.exec("INSERT INTO messages_fts (messages_fts) VALUES ('integrity-check')")).not.toThrow();
    expect(hits('common')).toBe(0);
    db.close();
  });
});
