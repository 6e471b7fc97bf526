import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hashPassword, newJwtSecret, openBenchStorage, seedUsers } from '../charla/seed.ts';
import { nowMs, round, type Summary, summarize } from '../lib/stats.ts';
import { startCharla } from '../servers/launch.ts';

/**
 * What entering a space costs on the send and history paths (issue 20: at most 5% over the same
 * request at home). The same group (same members, same number of messages) exists in the home
 * space and in a space with its own database; the same REST calls go to both, interleaved (home,
 * space, space, home, …) so drift on a shared machine falls on both alike. In a space each request
 * also checks membership in the registry and reaches the space's database through the handle LRU.
 */
export type SpacesPath = { name: string; home: Summary; space: Summary; ratioP50: number; ratioP99: number };
export type SpacesBenchResult = { iterations: number; messages: number; paths: SpacesPath[]; notes: string[] };

const api = (p: string) => `/api/v1${p}`;

export async function runSpaces(
  options: { iterations: number; messages: number },
  log: (line: string) => void,
): Promise<SpacesBenchResult> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'charla-bench-spaces-'));
  const jwtSecret = newJwtSecret();
  const notes: string[] = [];
  try {
    const storage = openBenchStorage(dataDir);
    const users = await seedUsers(storage, {
      count: 10,
      prefix: 'space',
      passwordHash: await hashPassword(4),
      jwtSecret,
    });
    await storage.close();
    const me = users[0] as (typeof users)[number];
    const server = await startCharla('charla (spaces)', { DATA_DIR: dataDir, JWT_SECRET: jwtSecret });
    try {
      const call = async (method: string, p: string, body?: unknown, space?: string) => {
        const res = await fetch(`${server.url}${api(p)}`, {
          method,
          headers: {
            authorization: `Bearer ${me.token}`,
            ...(space ? { 'x-charla-space': space } : {}),
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const json = (await res.json()) as { data?: { id?: string } };
        if (!res.ok) throw new Error(`${method} ${p} answered ${res.status}`);
        return json.data;
      };
      const space = await call('POST', '/spaces', { name: 'Bench space', joinPolicy: 'anyone' });
      const spaceId = String(space?.id);
      // The members join the space the way people do (an open space), through REST with their own tokens.
      for (const u of users.slice(1))
        await fetch(`${server.url}${api(`/spaces/${spaceId}/join`)}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${u.token}` },
        });
      const group = { title: 'Bench group', kind: 'group', memberIds: users.slice(1).map((u) => u.id) };
      const homeGroup = String((await call('POST', '/conversations', group))?.id);
      const spaceGroup = String((await call('POST', '/conversations', group, spaceId))?.id);
      let n = 0;
      const send = (conversationId: string, inSpace?: string) =>
        call(
          'POST',
          `/conversations/${conversationId}/messages`,
          { clientMsgId: `b-${++n}`, text: `bench ${n}` },
          inSpace,
        );
      const t = nowMs();
      for (let i = 0; i < options.messages; i++) {
        await send(homeGroup);
        await send(spaceGroup, spaceId);
      }
      log(`  seeded ${options.messages} messages in each group through REST in ${round((nowMs() - t) / 1000, 1)} s`);

      type Probe = { name: string; home: () => Promise<unknown>; space: () => Promise<unknown> };
      const probes: Probe[] = [
        {
          name: 'send a message (REST)',
          home: () => send(homeGroup),
          space: () => send(spaceGroup, spaceId),
        },
        {
          name: 'history page of 50 (REST)',
          home: () => call('GET', `/conversations/${homeGroup}/messages?limit=50`),
          space: () => call('GET', `/conversations/${spaceGroup}/messages?limit=50`, undefined, spaceId),
        },
        {
          name: 'conversation list, first 50 (REST)',
          home: () => call('GET', '/conversations?limit=50'),
          space: () => call('GET', '/conversations?limit=50', undefined, spaceId),
        },
      ];
      const paths: SpacesPath[] = [];
      for (const probe of probes) {
        for (let i = 0; i < 20; i++) await (i % 2 ? probe.space() : probe.home());
        const home: number[] = [];
        const inSpace: number[] = [];
        for (let i = 0; i < options.iterations; i++) {
          // ABBA: each side goes first half of the time.
          const order =
            i % 2
              ? ([inSpace, probe.space, home, probe.home] as const)
              : ([home, probe.home, inSpace, probe.space] as const);
          for (const [into, fn] of [
            [order[0], order[1]],
            [order[2], order[3]],
          ] as const) {
            const start = nowMs();
            await fn();
            into.push(nowMs() - start);
          }
        }
        const h = summarize(home);
        const s = summarize(inSpace);
        paths.push({
          name: probe.name,
          home: h,
          space: s,
          ratioP50: round(s.p50 / Math.max(h.p50, 0.001), 3),
          ratioP99: round(s.p99 / Math.max(h.p99, 0.001), 3),
        });
      }
      for (const p of paths)
        log(
          `    ${p.name.padEnd(36)} home p50 ${p.home.p50} p99 ${p.home.p99} | space p50 ${p.space.p50} p99 ${p.space.p99} ms | x${p.ratioP50} (p50) x${p.ratioP99} (p99)`,
        );
      return { iterations: options.iterations, messages: options.messages, paths, notes };
    } finally {
      await server.stop();
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
