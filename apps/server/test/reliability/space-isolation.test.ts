/**
 * Space isolation matrix (issue 20): two spaces A and B hold the same kinds of data (groups, a public
 * channel, a direct chat, messages, reactions, media, invites, reports, points). Every REST route and
 * every socket command of the authorization matrix (authz-rows.ts) is sent at B's ids by people who
 * may not act in B, through A's header, B's header and no header:
 *
 * - outsider: owns space A, is not in B;
 * - member: in A and in B (B's group is theirs), acting through A or home;
 * - siteAdmin: site-wide powers, acting through A or home.
 *
 * A request naming any of B's records is refused (404; 403 where a site-admin route refuses before it
 * looks anything up), no answer carries anything of B, and B's database and registry entry are
 * byte-for-byte the same after each route. Then: search, the public directory, presence, statistics,
 * exports and realtime events never cross.
 */
import { randomUUID } from 'node:crypto';
import { SPACE_HEADER } from '@charla/shared-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePng, multipartBody } from '../../src/modules/media/media.fixtures.ts';
import { SPACE_PREFIXES } from '../../src/modules/spaces/spaces.access.ts';
import type { SpaceRecord } from '../../src/storage/ports.ts';
import { type ClientSocket, connectSocket, emitAck, type Rest, restAs, sleep } from '../chat.ts';
import { authHeader, type RegisteredUser, registerUser, startTestApp, type TestApp } from '../harness.ts';
import { buildWorld, freshGroup, SITE_ADMIN_EMAIL, tokenFor, type World } from './authz-fixtures.ts';
import { presenceOutcome, REST, SOCKET, setPresenceTarget } from './authz-rows.ts';
import { vitestCommand, writeFigures } from './support.ts';
import { fillPath, listRoutes } from './surface.ts';

const FILE = 'space-isolation.test.ts';

type Who = 'outsider' | 'member' | 'siteAdmin';
/** A space id for the header, or null for none. */
type Attempt = { who: Who; via: 'A' | 'B' | 'none' };
const ATTEMPTS: Attempt[] = [
  { who: 'outsider', via: 'A' },
  { who: 'outsider', via: 'B' },
  { who: 'outsider', via: 'none' },
  { who: 'member', via: 'A' },
  { who: 'member', via: 'none' },
  { who: 'siteAdmin', via: 'A' },
  { who: 'siteAdmin', via: 'none' },
];

/** What one space holds, by kind, with text only it contains. */
type Seeded = {
  groupId: string;
  messageId: string;
  channelId: string;
  directId: string;
  mediaId: string;
  inviteCode: string;
  reportId: string;
  marker: string;
};

const isUnder = (path: string, prefix: string) =>
  path === prefix || (path.startsWith(prefix) && path.charAt(prefix.length) === '/');

describe('space isolation matrix', () => {
  let t: TestApp;
  let w: World;
  let outsider: RegisteredUser;
  let A: SpaceRecord;
  let B: SpaceRecord;
  let seedA: Seeded;
  let seedB: Seeded;
  const violations: string[] = [];
  let restCells = 0;
  let aimedRoutes = 0;
  let socketCells = 0;

  const spaceOf = (via: Attempt['via']) => (via === 'A' ? A.id : via === 'B' ? B.id : undefined);
  async function login(who: Who): Promise<string> {
    if (who !== 'outsider') return (await tokenFor(w, who)) ?? '';
    const res = await fetch(`${t.api}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: outsider.email, password: outsider.password, client: 'desktop' }),
    });
    return ((await res.json()) as { data: { accessToken: string } }).data.accessToken;
  }

  /** Joins `userIds` to a space through a fresh invite of its owner. */
  async function admit(space: SpaceRecord, owner: RegisteredUser, users: RegisteredUser[]): Promise<void> {
    const invite = await restAs(t.api, owner.accessToken).post<{ code: string }>(`/spaces/${space.id}/invites`, {});
    for (const u of users) await t.charla.spaces.service.acceptInvite(u.user.id, invite.body.data.code);
  }

  /** The same kinds of data in a space: a group with a message, a reaction, an attachment, an invite and a report; a channel; a direct chat; points. */
  async function seed(space: SpaceRecord, owner: RegisteredUser, peer: RegisteredUser, name: string): Promise<Seeded> {
    // One search token (no separators), found by message search and the channel directory alike.
    const marker = `${name}only${randomUUID().replaceAll('-', '').slice(0, 10)}`;
    const O = restAs(t.api, owner.accessToken, space.id);
    const P = restAs(t.api, peer.accessToken, space.id);
    const ok = <T>(r: { status: number; body: { data: T; message: string } }, what: string): T => {
      if (r.status >= 300) throw new Error(`${name} ${what}: ${r.status} ${r.body.message}`);
      return r.body.data;
    };
    const group = ok(
      await O.post<{ id: string }>('/conversations', {
        kind: 'group',
        title: `${marker} group`,
        memberIds: [peer.user.id],
      }),
      'group',
    );
    const message = ok(
      await O.post<{ id: string }>(`/conversations/${group.id}/messages`, {
        clientMsgId: randomUUID(),
        text: `${marker} text`,
      }),
      'message',
    );
    ok(await P.put(`/messages/${message.id}/reactions/${encodeURIComponent('👍')}`), 'reaction');
    const { body, contentType } = multipartBody('pic.png', await makePng());
    const uploaded = await fetch(`${t.api}/media`, {
      method: 'POST',
      headers: { ...authHeader(owner.accessToken), [SPACE_HEADER]: space.id, 'content-type': contentType },
      body,
    });
    const media = ((await uploaded.json()) as { data: { id: string } }).data;
    if (uploaded.status !== 201) throw new Error(`${name} upload: ${uploaded.status}`);
    ok(
      await O.post(`/conversations/${group.id}/messages`, {
        clientMsgId: randomUUID(),
        text: `${marker} picture`,
        attachments: [media.id],
      }),
      'attachment',
    );
    const invite = ok(await O.post<{ code: string }>(`/conversations/${group.id}/invites`, {}), 'invite');
    const report = ok(await P.post<{ id: string }>('/reports', { messageId: message.id, reason: 'spam' }), 'report');
    const channel = ok(
      await O.post<{ id: string }>('/conversations', { kind: 'channel', title: `${marker} channel` }),
      'channel',
    );
    ok(
      await O.post(`/conversations/${channel.id}/messages`, { clientMsgId: randomUUID(), text: `${marker} news` }),
      'news',
    );
    const direct = ok(
      await O.post<{ id: string }>('/conversations', { kind: 'direct', userId: peer.user.id }),
      'direct',
    );
    ok(await P.post(`/conversations/${direct.id}/messages`, { clientMsgId: randomUUID(), text: `${marker} dm` }), 'dm');
    await t.charla.points.settled();
    return {
      groupId: group.id,
      messageId: message.id,
      channelId: channel.id,
      directId: direct.id,
      mediaId: media.id,
      inviteCode: invite.code,
      reportId: report.id,
      marker,
    };
  }

  /** Everything B holds (its database, table by table) and its registry entry, members and invites. */
  async function snapshotB(): Promise<{ text: string; ids: Set<string> }> {
    await t.charla.points.settled();
    const rows: string[] = [];
    // B's id and its records' ids (its slug is a plain word: it aims requests, it is no leak marker).
    const ids = new Set<string>([B.id]);
    const userIds = new Set<string>();
    for await (const { collection, record } of t.charla.spaces.storages.dump(B)) {
      rows.push(JSON.stringify({ collection, record }));
      for (const key of ['id', 'code'] as const) {
        const v = record[key];
        if (typeof v === 'string' && v.length >= 8) ids.add(v);
      }
      for (const key of ['user_id', 'sender_id', 'created_by', 'uploader_id', 'reporter_id'] as const) {
        const v = record[key];
        if (typeof v === 'string') userIds.add(v);
      }
    }
    rows.sort();
    for (const u of [...userIds, ...Object.values(w.users).map((x) => x.user.id), outsider.user.id]) ids.delete(u);
    const registry = {
      space: await t.storage.spaces.findById(B.id),
      members: await t.storage.spaces.listMembers(B.id, 1000),
      invites: await t.storage.spaces.listInvites(B.id),
    };
    return { text: JSON.stringify({ rows, registry }), ids };
  }

  beforeAll(async () => {
    t = await startTestApp({ env: { ADMIN_EMAILS: SITE_ADMIN_EMAIL } });
    const world = await buildWorld(t);
    // Space B: the world's owner owns it; everyone the rows act on is in it, except the site admin.
    const owner = restAs(t.api, world.owner.accessToken);
    B = await spaceRecord((await owner.post<{ id: string }>('/spaces', { name: 'Space B' })).body.data.id);
    await admit(B, world.owner, [world.users.member, world.users.groupAdmin, world.users.blocked, world.bystander]);
    w = { ...world, space: B.id };
    // Space A: the outsider's; the member is in both.
    outsider = await registerUser(t, { displayName: 'Outsider' });
    A = await spaceRecord(
      (await restAs(t.api, outsider.accessToken).post<{ id: string }>('/spaces', { name: 'Space A' })).body.data.id,
    );
    await admit(A, outsider, [world.users.member]);
    seedB = await seed(B, world.owner, world.users.member, 'B');
    seedA = await seed(A, outsider, world.users.member, 'A');
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    writeFigures('space-isolation', {
      family: 'authorization',
      scenario: 'Space isolation matrix (REST routes + socket events at another space’s ids)',
      command: vitestCommand(FILE),
      routes: Object.keys(REST).length,
      socketEvents: Object.keys(SOCKET).length,
      attempts: ATTEMPTS.length,
      cells: restCells + socketCells,
      restCells,
      aimedRoutes,
      socketCells,
      violations: violations.length,
      outcome: violations.length === 0 && restCells > 0 ? 'held' : 'FAILED',
    });
  });

  async function spaceRecord(id: string): Promise<SpaceRecord> {
    const record = await t.storage.spaces.findById(id);
    if (!record) throw new Error(`space ${id} was not created`);
    return record;
  }

  it('REST: every route aimed at B’s ids is refused through A, B and home, leaks nothing, changes nothing', async () => {
    const { api } = listRoutes(t.app);
    const apiKeys = new Set(api.map((r) => `${r.method} ${r.path}`));
    const own: string[] = [];
    for (const [key, spec] of Object.entries(REST)) {
      const [method, path] = key.split(' ') as [string, string];
      const onApi = apiKeys.has(key);
      // A fresh group in B per route, as the authorization matrix does (rows report, leave, delete).
      const cellB = await freshGroup(w);
      const req = (await spec.req?.(cellB, w)) ?? {};
      // The registry's own routes are aimed at B itself; the media routes at B's picture.
      const registry = onApi && isUnder(path, '/spaces');
      const params: Record<string, string> = { id: cellB.id, ...req.params };
      if (registry && path.includes(':id')) params.id = B.id;
      if (path === '/spaces/by-slug/:slug') params.slug = B.slug;
      if (onApi && path.startsWith('/media/:id')) params.id = seedB.mediaId;
      const url = `${onApi ? t.api : t.url}${fillPath(path, params)}${req.query ? `?${req.query}` : ''}`;
      const before = await snapshotB();
      const sent = `${url} ${JSON.stringify(req.body ?? null)}`;
      const aimed = [...before.ids, B.slug].some((id) => sent.includes(id));
      if (aimed) aimedRoutes++;
      const spaceRoute = onApi && SPACE_PREFIXES.some((p) => isUnder(path, p));
      for (const attempt of ATTEMPTS) {
        // A member of B acting on the registry (list, leave, members) acts in B by right: not an attack.
        if (registry && attempt.who === 'member') continue;
        const token = await login(attempt.who);
        const space = spaceOf(attempt.via);
        const res = await fetch(url, {
          method,
          redirect: 'manual',
          headers: {
            ...authHeader(token),
            ...(space ? { [SPACE_HEADER]: space } : {}),
            ...(req.body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: req.body === undefined ? undefined : JSON.stringify(req.body),
        });
        const text = await res.text();
        restCells++;
        const cell = `${key} as ${attempt.who} via ${attempt.via}`;
        const status = res.status;
        if (status >= 500) violations.push(`${cell}: ${status}`);
        if (attempt.via === 'B' && spaceRoute && status !== 404) violations.push(`${cell}: ${status}, expected 404`);
        if (aimed) {
          const refusedEarly = isUnder(path, '/admin') && attempt.who !== 'siteAdmin' && status === 403;
          if (status !== 404 && !refusedEarly) violations.push(`${cell} (aimed at B): ${status}, expected 404`);
        }
        // Site admins' list of every space names each one: a site-wide power, and no space's content.
        const siteRegistry = isUnder(path, '/admin/spaces') && attempt.who === 'siteAdmin';
        const leaked = [seedB.marker, ...before.ids].filter(
          (m) => text.includes(m) && !sent.includes(m) && !(siteRegistry && m === B.id),
        );
        if (leaked.length) violations.push(`${cell}: answer carries B's ${leaked.join(', ')}`);
        if (attempt.via !== 'B' && !aimed && status < 300) own.push(cell);
      }
      const after = await snapshotB();
      if (after.text !== before.text) violations.push(`${key}: B changed`);
    }
    if (violations.length) console.log(violations.join('\n'));
    expect(violations).toEqual([]);
    // The sweep did reach routes that act (in A or home) and must still not see B.
    expect(own.length).toBeGreaterThan(50);
    // …and most rows did name B's records (conversation, message, invite, report, media, points, the space).
    expect(aimedRoutes).toBeGreaterThan(55);
  }, 300_000);

  it('sockets: every command aimed at B’s ids is refused from A and home, and the handshake into B is refused', async () => {
    // Someone online in B who shares B's group with the member (and nothing with anyone else).
    const target = await registerUser(t);
    await admit(B, w.owner, [target]);
    await restAs(t.api, target.accessToken, B.id).post('/conversations', {
      kind: 'group',
      title: 'Presence',
      memberIds: [w.users.member.user.id],
    });
    const online = await connectSocket(t.url, target.accessToken, B.id);
    setPresenceTarget(target.user.id);
    const socketViolations: string[] = [];
    try {
      for (const [event, spec] of Object.entries(SOCKET)) {
        const payload = await spec.payload(await freshGroup(w), w);
        const before = await snapshotB();
        const aimed = [...before.ids].some((id) => JSON.stringify(payload).includes(id));
        for (const attempt of ATTEMPTS) {
          const token = await login(attempt.who);
          let got: string;
          try {
            const socket = await connectSocket(t.url, token, spaceOf(attempt.via));
            try {
              const ack = await emitAck(socket, event, payload);
              got = ack.ok ? (spec.outcome?.(ack.data) ?? 'ok') : ack.error.code;
            } finally {
              socket.close();
            }
          } catch (err) {
            got = (err as { data?: { code?: string } }).data?.code ?? 'connect_failed';
          }
          socketCells++;
          const cell = `${event} as ${attempt.who} via ${attempt.via}`;
          if (attempt.via === 'B') {
            if (got !== 'space_not_found') socketViolations.push(`${cell}: ${got}, expected space_not_found`);
          } else if (aimed && got !== 'not_found')
            socketViolations.push(`${cell} (aimed at B): ${got}, expected not_found`);
          else if (event === 'presence:subscribe' && got !== 'hidden')
            socketViolations.push(`${cell}: ${got}, expected hidden (presence learned in B stays in B)`);
        }
        const after = await snapshotB();
        if (after.text !== before.text) socketViolations.push(`${event}: B changed`);
      }
    } finally {
      online.close();
    }
    violations.push(...socketViolations);
    if (socketViolations.length) console.log(socketViolations.join('\n'));
    expect(socketViolations).toEqual([]);
    // The presence row is not vacuous: inside B the member does see the target.
    const inside = await connectSocket(t.url, await login('member'), B.id);
    const again = await connectSocket(t.url, target.accessToken, B.id);
    try {
      const ack = await emitAck(inside, 'presence:subscribe', { userIds: [target.user.id] });
      expect(ack.ok ? presenceOutcome(ack.data) : ack.error.code).toBe('live');
    } finally {
      inside.close();
      again.close();
    }
  }, 120_000);

  it('search and the public directory answer from the space asked about only', async () => {
    const stranger = await login('outsider');
    const member = await login('member');
    const M = (space?: string) => restAs(t.api, member, space);
    type Hits = { items: { conversationId?: string; id?: string; text?: string | null; title?: string }[] };
    for (const [space, sees, never] of [
      [A.id, seedA, seedB],
      [undefined, null, seedB],
      [B.id, seedB, seedA],
    ] as const) {
      const hits = await M(space).get<Hits>(`/search/messages?q=${encodeURIComponent(never.marker)}`);
      expect(hits.status).toBe(200);
      expect(JSON.stringify(hits.body.data)).not.toContain(never.marker);
      const dir = await M(space).get<Hits>(`/conversations/public?q=${encodeURIComponent(never.marker)}`);
      expect(dir.status).toBe(200);
      expect(dir.body.data.items).toEqual([]);
      if (sees) {
        // Not vacuous: the space's own content is found.
        const own = await M(space).get<Hits>(`/search/messages?q=${encodeURIComponent(sees.marker)}`);
        expect(JSON.stringify(own.body.data)).toContain(`${sees.marker} text`);
        const ownDir = await M(space).get<Hits>(`/conversations/public?q=${encodeURIComponent(sees.marker)}`);
        expect(ownDir.body.data.items.map((c) => c.id)).toEqual([sees.channelId]);
      }
    }
    // The outsider cannot search B at all.
    expect((await restAs(t.api, stranger, B.id).get(`/search/messages?q=${seedB.marker}`)).status).toBe(404);
  });

  it('statistics count one space each; exports hold one space each', async () => {
    const stranger = await login('outsider');
    const admin = await login('siteAdmin');
    type Stats = {
      totals: {
        users: number;
        active7d: number;
        messages: number;
        mediaCount: number;
        conversations: Record<string, number>;
      };
    };
    const count = async (space: SpaceRecord) => {
      let messages = 0;
      let media = 0;
      for await (const { collection, record } of t.charla.spaces.storages.dump(space)) {
        if (collection === 'messages' && record.kind !== 'system') messages++;
        if (collection === 'media') media++;
      }
      return { messages, media };
    };
    const statsOf = async (space?: string) =>
      (await restAs(t.api, admin, space).get<Stats>('/admin/stats')).body.data.totals;
    const [inA, inB, home] = [await statsOf(A.id), await statsOf(B.id), await statsOf()];
    const [countA, countB] = [await count(A), await count(B)];
    expect(inA.messages).toBe(countA.messages);
    expect(inB.messages).toBe(countB.messages);
    expect(inA.messages).not.toBe(inB.messages);
    expect(inA.mediaCount).toBe(countA.media);
    expect(inB.mediaCount).toBe(countB.media);
    // People in a space are its members (the registry), active by their account's last sign of life.
    expect(inA.users).toBe(await t.storage.spaces.countMembers(A.id));
    expect(inB.users).toBe(await t.storage.spaces.countMembers(B.id));
    expect(inA.active7d).toBeLessThanOrEqual(inA.users);
    // Home is the home database alone: none of the spaces' messages or media.
    const homeMessages = (await t.storage.stats.overview(new Date(), 7)).messages;
    expect(home.messages).toBe(homeMessages);
    // A space admin who is not a site admin gets no statistics, in their space or another.
    expect((await restAs(t.api, stranger, A.id).get('/admin/stats')).status).toBe(403);
    expect((await restAs(t.api, stranger, B.id).get('/admin/stats')).status).toBe(404);

    // Exports: A's archive holds A's records and nothing of B; B's is not A's owner's to take.
    const res = await fetch(`${t.api}/spaces/${A.id}/export`, { headers: authHeader(stranger) });
    expect(res.status).toBe(200);
    const archive = await res.text();
    expect(archive).toContain(`${seedA.marker} text`);
    const bIds = (await snapshotB()).ids;
    expect([...bIds].filter((id) => archive.includes(id))).toEqual([]);
    expect(archive).not.toContain(seedB.marker);
    const stolen = await fetch(`${t.api}/spaces/${B.id}/export`, {
      headers: { ...authHeader(stranger), [SPACE_HEADER]: A.id },
    });
    expect(stolen.status).toBe(404);
  });

  it("realtime: B's events reach nobody outside B; a member open elsewhere gets a content-free nudge", async () => {
    const stranger = await login('outsider');
    const events = (socket: ClientSocket) => {
      const seen: { event: string; args: unknown[] }[] = [];
      socket.onAny((event: string, ...args: unknown[]) => seen.push({ event, args }));
      return seen;
    };
    const outsiderInA = await connectSocket(t.url, stranger, A.id);
    const outsiderHome = await connectSocket(t.url, stranger);
    const memberInA = await connectSocket(t.url, await login('member'), A.id);
    // Their own presence news in A (they share A's chats) settles before listening starts.
    await sleep(500);
    const [oA, oH, mA] = [events(outsiderInA), events(outsiderHome), events(memberInA)];
    try {
      const O: Rest = restAs(t.api, w.owner.accessToken, B.id);
      const text = `${seedB.marker} live`;
      expect(
        (await O.post(`/conversations/${seedB.groupId}/messages`, { clientMsgId: randomUUID(), text })).status,
      ).toBe(201);
      await O.put(`/messages/${seedB.messageId}/reactions/${encodeURIComponent('🎉')}`);
      await O.patch(`/conversations/${seedB.groupId}`, { title: `${seedB.marker} renamed` });
      await sleep(2500);
      expect(oA).toEqual([]);
      expect(oH).toEqual([]);
      expect(mA.map((e) => e.event)).toEqual(expect.arrayContaining(['space:activity']));
      expect(mA.every((e) => e.event === 'space:activity')).toBe(true);
      expect(JSON.stringify(mA)).not.toContain(seedB.marker);
      expect(mA.every((e) => JSON.stringify(e.args) === JSON.stringify([{ spaceId: B.id }]))).toBe(true);
    } finally {
      for (const s of [outsiderInA, outsiderHome, memberInA]) s.close();
    }
  });
});
