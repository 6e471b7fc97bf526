import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { Storage } from '../ports.ts';
import { applyMigrations } from './migrate.ts';
import { CONVERSATION_LIST_SQL } from './sqlite-conversations.ts';
import { openSqliteStorage } from './sqlite-storage.ts';

const params = { u: 'u', archived: null, at: 1, id: 'x', limit: 51, rows: '[{"c":"c","vis":0,"rd":0}]' };
const planOf = (db: Database.Database, sql: string) =>
  (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[]).map((r) => r.detail);

async function seed(storage: Storage, conversations: number) {
  const mk = (n: string) =>
    storage.users.create({
      email: `${n}@example.com`,
      username: n,
      displayName: n,
      passwordHash: null,
      role: 'user',
    });
  const me = await mk('me');
  const other = await mk('other');
  let t = Date.parse('2026-03-01T00:00:00.000Z');
  const next = () => {
    t += 1000;
    return new Date(t);
  };
  const ids: string[] = [];
  for (let i = 0; i < conversations; i++) {
    const c = await storage.conversations.create({
      kind: 'group',
      title: `g${i}`,
      createdBy: other.id,
      members: [{ userId: me.id, role: 'member' }],
      now: next(),
    });
    ids.push(c.id);
  }
  return { me, other, ids, next };
}

describe('conversation list (SQLite)', () => {
  const dirs: string[] = [];
  const tmp = (prefix: string) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it('query plans: the page walks participants_user_activity in order (no temp B-tree), per-row counts use indexes', async () => {
    const dir = tmp('charla-list-plan-');
    const storage = openSqliteStorage(dir);
    const { ids, other, next } = await seed(storage, 60);
    for (const id of ids.slice(0, 30)) {
      await storage.messages.send({
        conversationId: id,
        senderId: other.id,
        clientMsgId: id,
        kind: 'text',
        text: 'hi',
        mentions: [],
        now: next(),
      });
    }
    await storage.close();
    const db = new Database(path.join(dir, 'charla.sqlite'));
    try {
      // With and without planner statistics (the bench seeds, then runs ANALYZE).
      for (const analyze of [false, true]) {
        if (analyze) db.exec('ANALYZE');
        for (const page of [CONVERSATION_LIST_SQL.firstPage, CONVERSATION_LIST_SQL.nextPage]) {
          const plan = planOf(db, page);
          expect(plan.join(' | ')).not.toMatch(/TEMP B-TREE/);
          expect(plan[0], plan.join(' | ')).toMatch(/^SEARCH p USING INDEX participants_user_activity \(user_id=\?/);
        }
        expect(planOf(db, CONVERSATION_LIST_SQL.nextPage)[0]).toContain('(last_activity_at,conversation_id)<(?,?)');
        // The page's figures: one pass over its rows, each subquery an index range (no table scan).
        const figures = planOf(db, CONVERSATION_LIST_SQL.figures).join(' | ');
        expect(figures).toMatch(/^SCAN r VIRTUAL TABLE/);
        expect(
          figures.match(/SEARCH m USING (COVERING )?INDEX \S+ \(conversation_id=\? AND seq>\?\)/g),
          figures,
        ).toHaveLength(2);
        expect(figures).toMatch(/SEARCH mm USING PRIMARY KEY \(user_id=\? AND conversation_id=\? AND seq>\?\)/);
        expect(figures.replace(/^SCAN r VIRTUAL TABLE[^|]*/, '')).not.toMatch(/SCAN/);
        const byRid = (
          db.prepare(`EXPLAIN QUERY PLAN ${CONVERSATION_LIST_SQL.messagesByRid}`).all('[1]') as { detail: string }[]
        )
          .map((r) => r.detail)
          .join(' | ');
        expect(byRid).toMatch(/SEARCH m USING INTEGER PRIMARY KEY \(rowid=\?\)/);
        expect(byRid).not.toMatch(/SCAN m\b/);
      }
    } finally {
      db.close();
    }
  });

  it('the participant copy of last_activity_at follows sends, joins and re-joins', async () => {
    const dir = tmp('charla-list-sync-');
    const storage = openSqliteStorage(dir);
    const { me, other, ids, next } = await seed(storage, 2);
    const [a, b] = ids as [string, string];
    const sent = next();
    await storage.messages.send({
      conversationId: a,
      senderId: other.id,
      clientMsgId: 'm1',
      kind: 'text',
      text: 'x',
      mentions: [],
      now: sent,
    });
    const late = await storage.users.create({
      email: 'late@example.com',
      username: 'late',
      displayName: 'late',
      passwordHash: null,
      role: 'user',
    });
    await storage.participants.add(a, late.id, 'member', other.id, next());
    await storage.participants.remove(b, me.id, 'left', me.id, next());
    const rejoinAfter = next();
    await storage.messages.send({
      conversationId: b,
      senderId: other.id,
      clientMsgId: 'm2',
      kind: 'text',
      text: 'y',
      mentions: [],
      now: rejoinAfter,
    });
    await storage.participants.add(b, me.id, 'member', other.id, next());
    await storage.close();
    const db = new Database(path.join(dir, 'charla.sqlite'), { readonly: true });
    try {
      const rows = db
        .prepare(
          `SELECT p.conversation_id, p.user_id, p.last_activity_at AS mine, c.last_activity_at AS conv
           FROM participants p JOIN conversations c ON c.id = p.conversation_id`,
        )
        .all() as { conversation_id: string; user_id: string; mine: number; conv: number }[];
      expect(rows.length).toBe(5);
      for (const r of rows) expect(r.mine, `${r.conversation_id}/${r.user_id}`).toBe(r.conv);
      const at = (c: string, u: string) => rows.find((r) => r.conversation_id === c && r.user_id === u)?.mine;
      expect(at(a, late.id)).toBe(sent.getTime());
      expect(at(b, me.id)).toBe(rejoinAfter.getTime());
    } finally {
      db.close();
    }
  });

  it('a send marks its conversation instead of rewriting every member row; the list copies the marks first', async () => {
    const dir = tmp('charla-list-lazy-');
    const storage = openSqliteStorage(dir);
    const { me, other, ids, next } = await seed(storage, 3);
    const [a, b, c] = ids as [string, string, string];
    const peek = new Database(path.join(dir, 'charla.sqlite'), { readonly: true });
    try {
      const mine = (conv: string) =>
        peek
          .prepare('SELECT last_activity_at FROM participants WHERE conversation_id = ? AND user_id = ?')
          .pluck()
          .get(conv, me.id);
      const pending = () => peek.prepare('SELECT conversation_id FROM activity_pending').pluck().all();
      await storage.conversations.listForUser(me.id, { limit: 10 });
      expect(pending()).toEqual([]);
      const before = mine(a);
      let sentAt = 0;
      for (const [i, conv] of [a, b, a].entries()) {
        const now = next();
        sentAt = conv === a ? now.getTime() : sentAt;
        await storage.messages.send({
          conversationId: conv,
          senderId: other.id,
          clientMsgId: `lazy-${i}`,
          kind: 'text',
          text: 'x',
          mentions: [],
          now,
        });
      }
      // The other members' rows were not written: only one mark per conversation.
      expect(mine(a)).toBe(before);
      expect([...pending()].sort()).toEqual([a, b].sort());
      const page = await storage.conversations.listForUser(me.id, { limit: 2 });
      expect(page.items.map((i) => i.conversation.id)).toEqual([a, b]);
      expect(pending()).toEqual([]);
      expect(mine(a)).toBe(sentAt);
      const rest = await storage.conversations.listForUser(me.id, { limit: 2, cursor: page.nextCursor ?? undefined });
      expect(rest.items.map((i) => i.conversation.id)).toEqual([c]);
    } finally {
      peek.close();
      await storage.close();
    }
  });

  it('migration 0007 backfills existing participants from their conversations', () => {
    const dir = tmp('charla-list-mig-');
    const before = path.join(dir, 'before');
    fs.mkdirSync(before);
    const all = path.join(path.dirname(new URL(import.meta.url).pathname), 'migrations');
    for (const f of fs.readdirSync(all).filter((n) => n < '0007'))
      fs.copyFileSync(path.join(all, f), path.join(before, f));
    const db = new Database(path.join(dir, 'm.sqlite'));
    try {
      applyMigrations(db, before);
      db.prepare(
        "INSERT INTO users (id, email, username, display_name, created_at) VALUES ('u1', 'u1@example.com', 'u1', 'u1', 1)",
      ).run();
      db.prepare(
        `INSERT INTO conversations (id, kind, created_by, created_at, last_activity_at, last_change_at)
         VALUES ('c1', 'group', 'u1', 1, 777, 1)`,
      ).run();
      db.prepare(
        `INSERT INTO participants (conversation_id, user_id, role, joined_seq, last_read_seq, last_delivered_seq, joined_at)
         VALUES ('c1', 'u1', 'owner', 0, 0, 0, 1)`,
      ).run();
      expect(applyMigrations(db, all)).toContain('0007-participant-activity.sql');
      expect(db.prepare('SELECT last_activity_at FROM participants').pluck().get()).toBe(777);
    } finally {
      db.close();
    }
  });
});
