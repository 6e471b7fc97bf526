import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Storage } from '../ports.ts';
import { bulkAppendMessages } from './sqlite-bench-seed.ts';
import { openSqliteStorage } from './sqlite-storage.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function setup(): Promise<{ dir: string; storage: Storage; a: string; b: string; conv: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'charla-seed-'));
  dirs.push(dir);
  const storage = openSqliteStorage(dir);
  const mk = (n: string) =>
    storage.users.create({ email: `${n}@x.test`, username: n, displayName: n, passwordHash: null, role: 'user' });
  const [a, b] = await Promise.all([mk('alice'), mk('bob')]);
  const c = await storage.conversations.create({
    kind: 'group',
    title: 'Seeded',
    createdBy: a.id,
    members: [{ userId: b.id, role: 'member' }],
    now: new Date(1_000),
  });
  return { dir, storage, a: a.id, b: b.id, conv: c.id };
}

describe('bulkAppendMessages (bench seeding path)', () => {
  it('writes what send writes: gapless seq after existing messages, change rows, search index, counters', async () => {
    const { dir, storage, a, b, conv } = await setup();
    await storage.messages.send({
      conversationId: conv,
      senderId: a,
      clientMsgId: 'm1',
      kind: 'text',
      text: 'first',
      now: new Date(2_000),
    });
    const before = await storage.conversations.findById(conv);
    await storage.close();

    const r = bulkAppendMessages(dir, {
      conversationId: conv,
      senderIds: [a, b],
      count: 250,
      text: (i) => (i === 100 ? 'the needle message' : `filler ${i}`),
      start: new Date(10_000),
      stepMs: 10,
      batchSize: 60,
    });
    expect(r).toEqual({ inserted: 250, lastSeq: 251 });

    const s = openSqliteStorage(dir);
    try {
      const conv2 = await s.conversations.findById(conv);
      expect(conv2?.lastSeq).toBe(251);
      expect(conv2?.changeSeq).toBe((before?.changeSeq ?? 0) + 250);
      expect(conv2?.lastActivityAt.getTime()).toBe(10_000 + 249 * 10);

      const head = await s.messages.history(conv, b, { limit: 100 });
      expect(head.map((m) => m.seq)).toEqual(Array.from({ length: 100 }, (_, i) => 152 + i));
      const old = await s.messages.history(conv, b, { before: 3, limit: 10 });
      expect(old.map((m) => m.text)).toEqual(['first', 'filler 0']);

      const hits = await s.messages.search(b, 'needle', { limit: 5 });
      expect(hits.items.map((h) => h.message.seq)).toEqual([102]);

      const feed = await s.conversations.changesAfter(conv, before?.changeSeq ?? 0, { viewerId: b, limit: 500 });
      expect(feed.items).toHaveLength(250);
      expect(feed.items.every((c) => c.type === 'message.created')).toBe(true);

      // The next real send continues the sequence.
      const next = await s.messages.send({
        conversationId: conv,
        senderId: b,
        clientMsgId: 'after',
        kind: 'text',
        text: 'after',
        now: new Date(99_000),
      });
      expect(next?.message.seq).toBe(252);
      // The FTS insert trigger (dropped during the bulk insert) is back: new messages are searchable.
      await s.messages.send({
        conversationId: conv,
        senderId: a,
        clientMsgId: 'late',
        kind: 'text',
        text: 'late haystack',
        now: new Date(99_001),
      });
      expect((await s.messages.search(b, 'haystack', { limit: 5 })).items.map((h) => h.message.seq)).toEqual([253]);
    } finally {
      await s.close();
    }
  });

  it('refuses an unknown conversation and leaves the file untouched', async () => {
    const { dir, storage, a } = await setup();
    await storage.close();
    expect(() =>
      bulkAppendMessages(dir, {
        conversationId: 'nope',
        senderIds: [a],
        count: 5,
        text: () => 'x',
        start: new Date(0),
        stepMs: 1,
      }),
    ).toThrow(/not found/);
  });
});
