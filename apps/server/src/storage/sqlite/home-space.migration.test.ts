import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { applyMigrations } from './migrate.ts';
import { bulkAppendMessages } from './sqlite-bench-seed.ts';
import { openSqliteStorage } from './sqlite-storage.ts';

/**
 * Issue 20: today's data becomes the home space by moving nothing. A database at the schema before
 * spaces (migrations up to 0027), filled by the bench seeder, is opened by this version: every row
 * of every table is still there, unchanged, and reads as before.
 */
const migrations = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function beforeSpaces(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'charla-home-'));
  dirs.push(dir);
  const old = path.join(dir, 'old-migrations');
  fs.mkdirSync(old);
  for (const f of fs.readdirSync(migrations))
    if (f < '0028') fs.copyFileSync(path.join(migrations, f), path.join(old, f));
  const db = new Database(path.join(dir, 'charla.sqlite'));
  applyMigrations(db, old);
  db.close();
  return dir;
}

const tables = (db: Database.Database) =>
  db
    .prepare<[], string>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .pluck()
    .all();
const snapshot = (file: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return Object.fromEntries(
      tables(db)
        .filter((t) => t !== 'schema_migrations')
        .map((t) => [t, db.prepare(`SELECT * FROM "${t}" ORDER BY 1`).all()]),
    );
  } finally {
    db.close();
  }
};

describe('the home space: the data from before spaces', () => {
  it('opens a bench-seeded database from before spaces with every row intact, readable as before', async () => {
    const dir = beforeSpaces();
    const file = path.join(dir, 'charla.sqlite');
    const now = Date.now();
    const [ana, ben] = [randomUUID(), randomUUID()];
    const conversation = randomUUID();
    const db = new Database(file);
    const user = db.prepare(
      'INSERT INTO users (id, email, username, display_name, email_verified_at, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    user.run(ana, 'ana@x.test', 'ana', 'Ana', now, now);
    user.run(ben, 'ben@x.test', 'ben', 'Ben', now, now);
    db.prepare(
      `INSERT INTO conversations (id, kind, title, created_by, created_at, last_activity_at, last_change_at)
       VALUES (?, 'group', 'Before spaces', ?, ?, ?, ?)`,
    ).run(conversation, ana, now, now, now);
    const member = db.prepare(
      `INSERT INTO participants (conversation_id, user_id, role, joined_seq, last_read_seq, last_delivered_seq, joined_at)
       VALUES (?, ?, ?, 0, 0, 0, ?)`,
    );
    member.run(conversation, ana, 'owner', now);
    member.run(conversation, ben, 'member', now);
    db.close();
    const seeded = bulkAppendMessages(dir, {
      conversationId: conversation,
      senderIds: [ana, ben],
      count: 5_000,
      text: (i) => `seeded message ${i}`,
      start: new Date(now - 5_000_000),
      stepMs: 1_000,
    });
    expect(seeded.inserted).toBe(5_000);
    const before = snapshot(file);

    const storage = openSqliteStorage(dir);
    try {
      const after = snapshot(file);
      // Everything that was there is there, row for row; new tables (the space registry, the search
      // index's queue) are empty.
      const added = ['messages_fts_pending', 'space_invites', 'space_members', 'spaces'];
      for (const [table, rows] of Object.entries(before)) expect(after[table], table).toEqual(rows);
      expect(Object.keys(after).filter((t) => !(t in before))).toEqual(added);
      for (const t of added) expect(after[t]).toEqual([]);

      const list = await storage.conversations.listForUser(ben, { limit: 50 });
      expect(list.items.map((i) => [i.conversation.title, i.conversation.lastSeq])).toEqual([['Before spaces', 5_000]]);
      const page = await storage.messages.history(conversation, ben, { limit: 50 });
      expect(page.map((m) => m.seq)).toEqual(Array.from({ length: 50 }, (_, i) => 4_951 + i));
      expect(page.at(-1)?.text).toBe('seeded message 4999');
      const hits = await storage.messages.search(ben, 'seeded', { limit: 5 });
      expect(hits.items.length).toBeGreaterThan(0);
    } finally {
      await storage.close();
    }
  });
});
