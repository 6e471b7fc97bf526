import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isoWeekKey, type NewPointsAward } from '../../../apps/server/src/storage/ports.ts';
import { hashPassword, newJwtSecret, openBenchStorage, seedUsers } from '../charla/seed.ts';
import { nowMs, round } from '../lib/stats.ts';
import { startCharla } from '../servers/launch.ts';
import { type QueryTiming, time } from './history.ts';

/**
 * Leaderboard of a big channel (issue 17: 10,000 members, p99 <= 20 ms). Every member has points,
 * one in ten hid them. Timed at the storage port and over REST, next to two baselines from the
 * same run: the HTTP floor (GET /users/me) and reading the channel's member ids (what any
 * O(members) leaderboard would have to do at least).
 */
export type PointsBenchResult = {
  members: number;
  seedSeconds: number;
  queries: QueryTiming[];
  notes: string[];
};

export async function runPoints(
  options: { members: number; iterations: number },
  log: (line: string) => void,
): Promise<PointsBenchResult> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'charla-bench-points-'));
  const jwtSecret = newJwtSecret();
  const notes: string[] = [];
  try {
    const storage = openBenchStorage(dataDir);
    const t = nowMs();
    const passwordHash = await hashPassword(4);
    const [owner] = await seedUsers(storage, { count: 1, prefix: 'board', passwordHash, jwtSecret });
    if (!owner) throw new Error('no owner seeded');
    const members = await seedUsers(storage, {
      count: options.members - 1,
      prefix: 'member',
      passwordHash,
      jwtSecret,
      withTokens: false,
    });
    const now = new Date();
    const channel = await storage.conversations.create({
      kind: 'channel',
      title: 'Big channel',
      createdBy: owner.id,
      members: members.map((u) => ({ userId: u.id, role: 'member' as const })),
      now,
    });
    await storage.leaderboards.setEnabled(channel.id, true, owner.id, now);
    const awards: NewPointsAward[] = [owner, ...members].map((u, i) => ({
      userId: u.id,
      ruleId: 'reaction_received',
      eventKey: `bench:${u.id}`,
      // A spread with many ties, as real boards have.
      points: 1 + ((i * 7919) % 500),
      dailyCap: 1000,
      conversationId: channel.id,
      messageId: null,
      causeMessageId: null,
      detail: {},
      createdAt: now,
    }));
    for (let i = 0; i < awards.length; i += 1000) await storage.points.award(awards.slice(i, i + 1000));
    for (const u of members.filter((_, i) => i % 10 === 0)) await storage.points.setVisibility(u.id, 'nobody');
    const seedSeconds = round((nowMs() - t) / 1000, 1);
    log(`  seeded a channel of ${options.members} members with points in ${seedSeconds} s`);

    const week = isoWeekKey(now);
    const api = (p: string) => `/api/v1${p}`;
    const board = api(`/points/conversations/${channel.id}/leaderboard`);
    const qs: { name: string; store: () => Promise<unknown>; http: string }[] = [
      {
        name: 'leaderboard top 25, all time',
        store: () => storage.leaderboards.top(channel.id, 'all', 25),
        http: `${board}?period=all&limit=25`,
      },
      {
        name: 'leaderboard top 25, this week',
        store: () => storage.leaderboards.top(channel.id, week, 25),
        http: `${board}?period=week&limit=25`,
      },
      {
        name: 'leaderboard top 100, all time',
        store: () => storage.leaderboards.top(channel.id, 'all', 100),
        http: `${board}?period=all&limit=100`,
      },
      {
        name: 'baseline: GET /api/v1/users/me (auth + one row)',
        store: () => storage.users.findById(owner.id),
        http: api('/users/me'),
      },
      {
        name: `baseline: member ids of the channel (${options.members}, O(members))`,
        store: () => storage.participants.listUserIds(channel.id),
        http: api(`/conversations/${channel.id}`),
      },
    ];
    const timings: QueryTiming[] = [];
    for (const q of qs) timings.push({ name: q.name, store: await time(options.iterations, q.store), http: null });
    const top = await storage.leaderboards.top(channel.id, 'all', 25);
    if (top.length !== 25) notes.push(`the board returned ${top.length} rows, expected 25`);
    await storage.close();

    const server = await startCharla('charla (points)', { DATA_DIR: dataDir, JWT_SECRET: jwtSecret });
    try {
      for (const [i, q] of qs.entries()) {
        const timing = timings[i] as QueryTiming;
        let failed = 0;
        timing.http = await time(options.iterations, async () => {
          const res = await fetch(`${server.url}${q.http}`, { headers: { authorization: `Bearer ${owner.token}` } });
          await res.arrayBuffer();
          if (!res.ok) failed++;
        });
        if (failed) notes.push(`${q.name}: ${failed} REST calls failed`);
      }
    } finally {
      await server.stop();
    }
    for (const q of timings)
      log(
        `    ${q.name.padEnd(48)} store p50 ${q.store.p50} p99 ${q.store.p99} | http p50 ${q.http?.p50 ?? '-'} p99 ${q.http?.p99 ?? '-'} ms`,
      );
    return { members: options.members, seedSeconds, queries: timings, notes };
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
