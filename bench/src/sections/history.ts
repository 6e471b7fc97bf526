import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bulkAppendMessages } from '../../../apps/server/src/storage/sqlite/sqlite-bench-seed.ts';
import { hashPassword, newJwtSecret, openBenchStorage, seedUsers } from '../charla/seed.ts';
import { nowMs, round, type Summary, summarize } from '../lib/stats.ts';
import { startCharla } from '../servers/launch.ts';

/**
 * History, conversation list and search at size. One conversation holds `messages` messages
 * (bulk-seeded through the SQLite adapter's bench path), the measuring user is also in
 * `conversations` other conversations with one message each. Every query is timed twice: at the
 * storage port (what the store costs) and through REST (what a client waits, incl. auth + JSON).
 */
export type QueryTiming = { name: string; store: Summary; http: Summary | null; hits?: number };
export type HistoryResult = {
  store: 'sqlite' | 'mongo';
  skipped?: string;
  messages: number;
  conversations: number;
  seedSeconds: { messages: number; conversations: number };
  dbSizeMb: number;
  queries: QueryTiming[];
  notes: string[];
};

// A deterministic vocabulary with a Zipf-like spread, so search terms have realistic selectivity.
const syll = ['ka', 'lo', 'mi', 'ne', 'su', 'ra', 'to', 'vi', 'de', 'po', 'ju', 'be', 'ga', 'fi', 'ze', 'wu'];
const vocab = Array.from({ length: 4096 }, (_, i) => `${syll[i & 15]}${syll[(i >> 4) & 15]}${syll[(i >> 8) & 15]}`);
function makeText(i: number): string {
  let x = (i * 2654435761) >>> 0;
  const words: string[] = [];
  const n = 6 + (x % 10);
  for (let k = 0; k < n; k++) {
    x = (x * 1103515245 + 12345) >>> 0;
    // Squaring a uniform value skews picks towards the first words (frequent) and leaves a long tail.
    const u = (x >>> 8) / 0x1000000;
    words.push(vocab[Math.floor(u * u * u * vocab.length)] as string);
  }
  return words.join(' ');
}
/** Hit counts differ by orders of magnitude: the most frequent word, a mid-frequency one, a rare one. */
const SEARCHES = [
  { name: 'search frequent word', q: vocab[0] as string },
  { name: 'search mid word', q: vocab[400] as string },
  { name: 'search rare word', q: vocab[3000] as string },
  { name: 'search two words', q: `${vocab[20]} ${vocab[60]}` },
];

/** Up to `iterations` sequential calls after a warm-up, but stops after ~`budgetMs` (at least 10 samples) so slow queries stay affordable. */
export async function time(iterations: number, fn: () => Promise<unknown>, budgetMs = 2500): Promise<Summary> {
  const warmEnd = nowMs() + budgetMs / 4;
  for (let i = 0; i < Math.min(20, iterations) && (i < 2 || nowMs() < warmEnd); i++) await fn();
  const lat: number[] = [];
  const end = nowMs() + budgetMs;
  for (let i = 0; i < iterations && (i < 10 || nowMs() < end); i++) {
    const t = nowMs();
    await fn();
    lat.push(nowMs() - t);
  }
  return summarize(lat);
}

export async function runHistory(
  options: { messages: number; conversations: number; iterations: number },
  log: (line: string) => void,
): Promise<HistoryResult> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'charla-bench-history-'));
  const jwtSecret = newJwtSecret();
  const notes: string[] = [];
  try {
    let storage = openBenchStorage(dataDir);
    const users = await seedUsers(storage, {
      count: 10,
      prefix: 'hist',
      passwordHash: await hashPassword(4),
      jwtSecret,
    });
    const me = users[0] as (typeof users)[number];
    const big = await storage.conversations.create({
      kind: 'group',
      title: 'History at size',
      createdBy: me.id,
      members: users.slice(1).map((u) => ({ userId: u.id, role: 'member' as const })),
      now: new Date(Date.now() - 86_400_000 * 30),
    });
    // The list: `conversations` more conversations with one message each, through the port.
    let t = nowMs();
    for (let i = 0; i < options.conversations; i++) {
      const other = users[1 + (i % 9)] as (typeof users)[number];
      const c = await storage.conversations.create({
        kind: 'group',
        title: `List ${i}`,
        createdBy: me.id,
        members: [{ userId: other.id, role: 'member' }],
        now: new Date(Date.now() - 86_400_000 * 20 + i * 1000),
      });
      await storage.messages.send({
        conversationId: c.id,
        senderId: other.id,
        clientMsgId: null,
        kind: 'text',
        text: makeText(i + 7_000_000),
        now: new Date(Date.now() - 86_400_000 * 20 + i * 1000 + 1),
      });
    }
    const convSeconds = (nowMs() - t) / 1000;
    await storage.close();
    t = nowMs();
    bulkAppendMessages(dataDir, {
      conversationId: big.id,
      senderIds: users.map((u) => u.id),
      count: options.messages,
      text: makeText,
      start: new Date(Date.now() - 86_400_000 * 10),
      stepMs: Math.max(1, Math.floor((86_400_000 * 10) / Math.max(1, options.messages))),
    });
    const msgSeconds = (nowMs() - t) / 1000;
    const dbSizeMb = round(fs.statSync(path.join(dataDir, 'charla.sqlite')).size / 1024 ** 2, 1);
    log(
      `  seeded ${options.messages} messages in ${round(msgSeconds, 1)} s, ${options.conversations} conversations in ${round(convSeconds, 1)} s (db ${dbSizeMb} MB)`,
    );

    storage = openBenchStorage(dataDir);
    const deep = Math.max(2, Math.floor(options.messages / 10));
    type Q = { name: string; store: () => Promise<unknown>; http: string; hits?: () => Promise<number> };
    const api = (p: string) => `/api/v1${p}`;
    const qs: Q[] = [
      {
        name: 'history page of 50, head',
        store: () => storage.messages.history(big.id, me.id, { limit: 50 }),
        http: api(`/conversations/${big.id}/messages?limit=50`),
      },
      {
        name: `history page of 50, deep (before seq ${deep})`,
        store: () => storage.messages.history(big.id, me.id, { before: deep, limit: 50 }),
        http: api(`/conversations/${big.id}/messages?before=${deep}&limit=50`),
      },
      {
        name: 'conversation list, first 50',
        store: () => storage.conversations.listForUser(me.id, { limit: 50 }),
        http: api('/conversations?limit=50'),
      },
      ...SEARCHES.map((s) => ({
        name: `${s.name} ("${s.q}"), top 20`,
        store: () => storage.messages.search(me.id, s.q, { limit: 20 }),
        http: api(`/search/messages?q=${encodeURIComponent(s.q)}&limit=20`),
      })),
    ];
    const timings: QueryTiming[] = [];
    // Baselines for the REST column: the HTTP floor on this machine in this run, without and with auth.
    const floors: Q[] = [
      { name: 'baseline: GET /healthz (no auth, no storage)', store: async () => null, http: '/healthz' },
      {
        name: 'baseline: GET /api/v1/users/me (auth + one row)',
        store: () => storage.users.findById(me.id),
        http: api('/users/me'),
      },
    ];
    qs.push(...floors);
    // The seeded messages are unread for the measuring user; unread counts cost O(unread), so this is
    // timed once as its own line, then the user reads up and every other query runs on a read list.
    const unreadLine: QueryTiming = {
      name: `unread-heavy list: first 50 with ${options.messages} unread in one conversation`,
      store: await time(Math.min(options.iterations, 50), () =>
        storage.conversations.listForUser(me.id, { limit: 50 }),
      ),
      http: null,
    };
    await storage.participants.markRead(big.id, me.id, options.messages, new Date());
    for (const q of qs) timings.push({ name: q.name, store: await time(options.iterations, q.store), http: null });
    await storage.close();

    const server = await startCharla('charla (history)', { DATA_DIR: dataDir, JWT_SECRET: jwtSecret });
    try {
      const probe = await fetch(`${server.url}${qs[0]?.http}`, { headers: { authorization: `Bearer ${me.token}` } });
      if (!probe.ok) notes.push(`REST not measured: ${qs[0]?.http} answered ${probe.status}`);
      else
        for (const [i, q] of qs.entries()) {
          const timing = timings[i] as QueryTiming;
          let failed = 0;
          timing.http = await time(options.iterations, async () => {
            const res = await fetch(`${server.url}${q.http}`, { headers: { authorization: `Bearer ${me.token}` } });
            await res.arrayBuffer();
            if (!res.ok) failed++;
          });
          if (failed) notes.push(`${q.name}: ${failed} REST calls failed`);
        }
    } finally {
      await server.stop();
    }
    timings.push(unreadLine);
    for (const q of timings)
      log(
        `    ${q.name.padEnd(48)} store p50 ${q.store.p50} p99 ${q.store.p99} | http p50 ${q.http?.p50 ?? '-'} p99 ${q.http?.p99 ?? '-'} ms`,
      );
    return {
      store: 'sqlite',
      messages: options.messages,
      conversations: options.conversations,
      seedSeconds: { messages: round(msgSeconds, 1), conversations: round(convSeconds, 1) },
      dbSizeMb,
      queries: timings,
      notes,
    };
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
