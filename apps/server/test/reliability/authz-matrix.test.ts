/**
 * Authorization matrix: every REST route (read from Express's router stack) and every socket event
 * (read from a live socket's handlers) × nine subjects, each cell with its expected status. A route
 * or event that has no row here fails the suite, so new endpoints must state who may call them.
 *
 * Subjects (columns): anonymous, expired token, revoked session, suspended user, non-member, member,
 * group admin, site admin (not in the group), blocked user (a member the owner has blocked).
 * Resource-scoped cells target a fresh group owned by someone else, its message (by the owner) and
 * its invite. Statuses: REST status codes; sockets: 'ok' or the error code (ack or handshake).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSocket, emitAck, restAs } from '../chat.ts';
import { authHeader, startTestApp, type TestApp } from '../harness.ts';
import {
  ACTIVE,
  buildWorld,
  freshGroup,
  SITE_ADMIN_EMAIL,
  SUBJECTS,
  type Subject,
  tokenFor,
  type World,
  whileExpired,
} from './authz-fixtures.ts';
import {
  presenceOutcome,
  presenceTargetIn,
  REST,
  REST_SCENARIOS,
  row,
  SOCKET,
  SOCKET_SCENARIOS,
  type SocketSpec,
  type Spec,
  setPresenceTarget,
} from './authz-rows.ts';
import { vitestCommand, writeFigures } from './support.ts';
import { fillPath, listRoutes, listSocketEvents } from './surface.ts';

const FILE = 'authz-matrix.test.ts';

describe('authorization matrix', () => {
  let t: TestApp;
  let w: World;
  const violations: string[] = [];
  const observed = new Map<string, string[]>();
  let restCells = 0;
  let socketCells = 0;

  beforeAll(async () => {
    t = await startTestApp({ env: { ADMIN_EMAILS: SITE_ADMIN_EMAIL } });
    w = await buildWorld(t);
  });
  afterAll(async () => {
    await t?.close();
    writeFigures('authz-matrix', {
      family: 'authorization',
      scenario: 'Authorization matrix (REST routes + socket events × 9 subjects)',
      command: vitestCommand(FILE),
      routes: Object.keys(REST).length,
      socketEvents: Object.keys(SOCKET).length,
      scenarios: Object.keys(REST_SCENARIOS).length + Object.keys(SOCKET_SCENARIOS).length,
      subjects: SUBJECTS.length,
      cells: restCells + socketCells,
      restCells,
      socketCells,
      violations: violations.length,
      outcome: violations.length === 0 && restCells > 0 ? 'held' : 'FAILED',
    });
  });

  it('has a row for every route in the router stack, and no row for a route that does not exist', () => {
    const { api, root } = listRoutes(t.app);
    const live = [...api, ...root].map((r) => `${r.method} ${r.path}`);
    expect(
      live.filter((k) => !REST[k]),
      'routes without a matrix row',
    ).toEqual([]);
    expect(
      Object.keys(REST).filter((k) => !live.includes(k)),
      'matrix rows without a route',
    ).toEqual([]);
  });

  /** One REST cell: a fresh group, the row's request, the subject's token; the status as a string. */
  async function restCell(key: string, spec: Spec, subject: Subject, apiKeys: Set<string>): Promise<string> {
    const [method, path] = key.split(' ') as [string, string];
    const cell = await freshGroup(w);
    const req = (await spec.req?.(cell, w)) ?? {};
    const token = await tokenFor(w, subject);
    const url = `${apiKeys.has(key) ? t.api : t.url}${fillPath(path, { id: cell.id, ...req.params })}${req.query ? `?${req.query}` : ''}`;
    const res = await whileExpired(w, subject, () =>
      fetch(url, {
        method,
        redirect: 'manual',
        headers: {
          ...(token ? authHeader(token) : {}),
          ...(req.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
      }),
    );
    await res.arrayBuffer();
    return String(res.status);
  }

  it('REST: every route × every subject answers the expected status', async () => {
    const { api } = listRoutes(t.app);
    const apiKeys = new Set(api.map((r) => `${r.method} ${r.path}`));
    for (const [key, spec] of Object.entries(REST)) {
      const expected = row(spec.expect);
      for (const [i, subject] of SUBJECTS.entries()) {
        const got = await restCell(key, spec, subject, apiKeys);
        restCells++;
        observed.set(key, [...(observed.get(key) ?? []), got]);
        if (got !== expected[i]) violations.push(`${key} as ${subject}: ${got}, expected ${expected[i]}`);
      }
    }
    if (violations.length) console.log([...observed].map(([k, v]) => `  '${k}': '${v.join(' ')}'`).join('\n'));
    expect(violations).toEqual([]);
  }, 120_000);

  it('REST scenarios: rules that depend on the state of the target, not only on who asks', async () => {
    const { api } = listRoutes(t.app);
    const apiKeys = new Set(api.map((r) => `${r.method} ${r.path}`));
    const scenarioViolations: string[] = [];
    for (const [name, spec] of Object.entries(REST_SCENARIOS)) {
      expect(REST[spec.route], `scenario "${name}" names a route without a row`).toBeDefined();
      const expected = row(spec.expect);
      const seen: string[] = [];
      for (const [i, subject] of SUBJECTS.entries()) {
        const got = await restCell(spec.route, spec, subject, apiKeys);
        restCells++;
        seen.push(got);
        if (got !== expected[i]) scenarioViolations.push(`${name} as ${subject}: ${got}, expected ${expected[i]}`);
      }
      observed.set(name, seen);
    }
    violations.push(...scenarioViolations);
    if (scenarioViolations.length)
      console.log(
        Object.keys(REST_SCENARIOS)
          .map((k) => `  '${k}': '${observed.get(k)?.join(' ')}'`)
          .join('\n'),
      );
    expect(scenarioViolations).toEqual([]);
  }, 120_000);

  /** One socket cell: a fresh group, the subject's socket (or its handshake refusal), the ack's code. */
  async function socketCell(event: string, spec: SocketSpec, subject: Subject): Promise<string> {
    const cell = await freshGroup(w);
    const payload = await spec.payload(cell, w);
    const token = await tokenFor(w, subject);
    try {
      const socket = await whileExpired(w, subject, () => connectSocket(t.url, token));
      try {
        const ack = await emitAck(socket, event, payload);
        return ack.ok ? (spec.outcome?.(ack.data) ?? 'ok') : ack.error.code;
      } finally {
        socket.close();
      }
    } catch (err) {
      return (err as { data?: { code?: string } }).data?.code ?? 'connect_failed';
    }
  }

  it('sockets: every handled event × every subject (handshake refusal or ack)', async () => {
    const target = await presenceTargetIn(w);
    setPresenceTarget(target.id);
    const probe = await connectSocket(t.url, await tokenFor(w, 'member'));
    const events = listSocketEvents(t.charla.io, probe.id ?? '');
    probe.close();
    expect(
      events.filter((e) => !SOCKET[e]),
      'socket events without a matrix row',
    ).toEqual([]);
    expect(
      Object.keys(SOCKET).filter((e) => !events.includes(e)),
      'rows without a handler',
    ).toEqual([]);
    const rows = [
      ...Object.entries(SOCKET).map(([event, spec]) => ({ name: event, event, spec })),
      ...Object.entries(SOCKET_SCENARIOS).map(([name, spec]) => ({ name, event: spec.event, spec })),
    ];
    const socketViolations: string[] = [];
    for (const { name, event, spec } of rows) {
      const expected = row(spec.expect);
      for (const [i, subject] of SUBJECTS.entries()) {
        const got = await socketCell(event, spec, subject);
        socketCells++;
        observed.set(name, [...(observed.get(name) ?? []), got]);
        if (got !== expected[i]) socketViolations.push(`${name} as ${subject}: ${got}, expected ${expected[i]}`);
      }
    }
    target.close();
    violations.push(...socketViolations);
    if (socketViolations.length)
      console.log(rows.map((r) => `  '${r.name}': '${observed.get(r.name)?.join(' ')}'`).join('\n'));
    expect(socketViolations).toEqual([]);
  }, 120_000);

  it('presence when the followed user hides last seen ("nobody"): hidden from every subject, co-members too', async () => {
    const target = await presenceTargetIn(w);
    const hide = await restAs(t.api, target.token).patch('/users/me', { lastSeenVisibility: 'nobody' });
    expect(hide.status).toBe(200);
    const cells: string[] = [];
    for (const subject of ACTIVE) {
      const socket = await connectSocket(t.url, await tokenFor(w, subject));
      try {
        const ack = await emitAck(socket, 'presence:subscribe', { userIds: [target.id] });
        cells.push(ack.ok ? presenceOutcome(ack.data) : ack.error.code);
      } finally {
        socket.close();
      }
      socketCells++;
    }
    target.close();
    const hiddenViolations = cells.flatMap((got, i) =>
      got === 'hidden' ? [] : [`presence:subscribe (last seen nobody) as ${ACTIVE[i]}: ${got}, expected hidden`],
    );
    violations.push(...hiddenViolations);
    expect(hiddenViolations).toEqual([]);
  }, 30_000);
});
