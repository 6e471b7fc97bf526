import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
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

describe('sqlite messaging across processes', () => {
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
});
