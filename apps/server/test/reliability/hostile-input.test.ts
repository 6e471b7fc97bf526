/**
 * Hostile input, property-based: for every REST route found in the router stack and every socket
 * event the server handles, fast-check builds inputs from the shared zod schemas and mutates them.
 * Expected: a 4xx envelope or an error ack, never a 5xx, an `internal` ack or a crash, no state
 * change when the input is rejected, and no single request or event holding the event loop for
 * more than 100 ms (measured in-process, see event-loop-meter.ts: a regex that backtracks
 * super-linearly on a hostile string shows up here even where the ReDoS scan could not see it).
 */
import { createHash } from 'node:crypto';
import type { Message } from '@charla/shared-types';
import * as S from '@charla/shared-types';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { type ClientSocket, connectSocket, emitAck, loose, restAs } from '../chat.ts';
import { authHeader, type RegisteredUser, registerUser, startTestApp, type TestApp } from '../harness.ts';
import { createLoopMeter, EVENT_LOOP_BUDGET_MS, type LoopCost, type LoopMeter } from './event-loop-meter.ts';
import { vitestCommand, writeFigures } from './support.ts';
import { fillPath, listRoutes, listSocketEvents, type Route } from './surface.ts';
import { hostileString, mutated } from './zod-arbitrary.ts';

const FILE = 'hostile-input.test.ts';
const RUNS = 30;

/** Request schemas per route: body for writes, query for reads. Routes not listed get generic garbage. */
const REST_SCHEMAS: Record<string, { body?: z.ZodType; query?: z.ZodType }> = {
  'POST /auth/register': { body: S.registerRequestSchema },
  'POST /auth/register/verify': { body: S.completeRegistrationRequestSchema },
  'POST /auth/register/resend': { body: S.emailRequestSchema },
  'POST /auth/login': { body: S.loginRequestSchema },
  'POST /auth/refresh': { body: S.refreshRequestSchema },
  'POST /auth/logout': { body: S.refreshRequestSchema },
  'POST /auth/verify-email': { body: S.tokenRequestSchema },
  'POST /auth/forgot-password': { body: S.emailRequestSchema },
  'POST /auth/reset-password': { body: S.resetPasswordRequestSchema },
  'POST /auth/change-password': { body: S.changePasswordRequestSchema },
  'GET /auth/oidc/:provider/start': { query: S.oidcStartQuerySchema },
  'GET /auth/oidc/:provider/callback': { query: S.oidcCallbackQuerySchema },
  'POST /auth/oidc/exchange': { body: S.oidcExchangeRequestSchema },
  'POST /auth/oidc/:provider/id-token': { body: S.oidcIdTokenRequestSchema },
  'GET /users': { query: S.userSearchQuerySchema },
  'PATCH /users/me': { body: S.updateMeSchema },
  'DELETE /users/me': { body: S.deleteAccountRequestSchema },
  'GET /conversations': { query: S.listConversationsQuerySchema },
  'POST /conversations': { body: S.createConversationRequestSchema },
  'GET /conversations/public': { query: S.publicDirectoryQuerySchema },
  'GET /conversations/sync': { query: S.syncQuerySchema },
  'PATCH /conversations/:id': { body: S.updateConversationRequestSchema },
  'PATCH /conversations/:id/me': { body: S.updateMyStateRequestSchema },
  'GET /conversations/:id/changes': { query: S.changesQuerySchema },
  'POST /conversations/:id/participants': { body: S.addParticipantsRequestSchema },
  'PATCH /conversations/:id/participants/:userId': { body: S.updateParticipantRequestSchema },
  'GET /conversations/:id/messages': { query: S.historyQuerySchema },
  'POST /conversations/:id/messages': { body: S.sendMessageRequestSchema },
  'POST /conversations/:id/read': { body: S.markReadRequestSchema },
  'POST /conversations/:id/delivered': { body: S.markReadRequestSchema },
  'PATCH /messages/:id': { body: S.editMessageRequestSchema },
  'DELETE /messages/:id': { query: S.deleteMessageQuerySchema },
  'POST /messages/:id/forward': { body: S.forwardMessageRequestSchema },
  'POST /conversations/:id/invites': { body: S.createInviteRequestSchema },
  'GET /search/messages': { query: S.searchQuerySchema },
  'POST /reports': { body: S.createReportRequestSchema },
  'GET /conversations/:id/reports': { query: S.listReportsQuerySchema },
  'PATCH /conversations/:id/reports/:reportId': { body: S.updateReportRequestSchema },
  'GET /admin/reports': { query: S.listReportsQuerySchema },
  'PATCH /admin/reports/:id': { body: S.updateReportRequestSchema },
  'GET /admin/users': { query: S.adminUsersQuerySchema },
  'POST /admin/users/:id/suspension': { body: S.suspendUserRequestSchema },
  'GET /admin/audit': { query: S.listAuditQuerySchema },
  'GET /admin/stats': { query: S.adminStatsQuerySchema },
};

/** From the socket contract: a handled event without a contract entry fails the test below. */
const SOCKET_SCHEMAS: Record<string, z.ZodType> = Object.fromEntries(
  Object.entries(S.socketCommands).map(([command, { payload }]) => [command, payload]),
);

const isWrite = (m: string) => m !== 'GET' && m !== 'HEAD';

describe('hostile input never gets a 5xx, an internal ack or a state change', () => {
  let t: TestApp;
  let ana: RegisteredUser;
  let ben: RegisteredUser;
  let token: string;
  let ids: Record<string, string>;
  const tally = { restRequests: 0, rest4xx: 0, rest2xx: 0, rest5xx: 0, socketPayloads: 0, errorAcks: 0, internal: 0 };
  const meter: LoopMeter = createLoopMeter();
  /** Fails the property when one input held the event loop past the budget. */
  function expectWithinBudget(cost: LoopCost, label: string): void {
    meter.note(cost, label);
    expect(cost.blockedMs, `${label} held the event loop`).toBeLessThan(EVENT_LOOP_BUDGET_MS);
  }
  const stateChangedOnReject: string[] = [];

  beforeAll(async () => {
    // Per-socket limits out of the way: this suite is about validation, abuse.test.ts covers floods.
    const big: [number, number] = [1e9, 1e9];
    t = await startTestApp({ deps: { realtime: { limits: { send: big, events: big, typing: big } } } });
    [ana, ben] = [await registerUser(t), await registerUser(t)];
    token = ana.accessToken;
    await createFixtures();
  });
  afterAll(async () => {
    meter.stop();
    await t?.close();
    writeFigures('hostile-input', {
      family: 'hostile input',
      scenario: 'Property-based hostile REST bodies/queries and socket payloads',
      command: vitestCommand(FILE),
      ...tally,
      inputsTried: tally.restRequests + tally.socketPayloads,
      maxEventLoopMsPerInput: Math.round(meter.worst().blockedMs),
      eventLoopBudgetMs: EVENT_LOOP_BUDGET_MS,
      stateChangedOnReject: stateChangedOnReject.length,
      outcome: tally.rest5xx + tally.internal + stateChangedOnReject.length === 0 ? 'held' : 'FAILED',
    });
  });

  /** A group with ben, one message and an invite; recreated when a legitimate write removed them. */
  async function createFixtures(): Promise<void> {
    const rest = restAs(t.api, token);
    const group = await rest.post<{ id: string }>('/conversations', {
      kind: 'group',
      title: 'Hostile',
      memberIds: [ben.user.id],
    });
    const msg = await rest.post<Message>(`/conversations/${group.body.data.id}/messages`, {
      clientMsgId: `hostile-fixture-${Date.now()}`,
      text: 'fixture',
    });
    const invite = await rest.post<{ code: string }>(`/conversations/${group.body.data.id}/invites`, {});
    ids = {
      id: group.body.data.id,
      conversationId: group.body.data.id,
      messageId: msg.body.data.id,
      userId: ben.user.id,
      code: invite.body.data?.code ?? 'no-invite',
      emoji: '👍',
      provider: 'google',
    };
  }
  async function ensureFixtures(): Promise<void> {
    const rest = restAs(t.api, token);
    const [conv, msg] = await Promise.all([
      rest.get(`/conversations/${ids.id}`),
      rest.get(`/messages/${ids.messageId}/receipts`),
    ]);
    if (conv.status !== 200 || msg.status !== 200) await createFixtures();
  }

  /** What a rejected request must not change: the caller's profile, sessions, conversations, messages. */
  async function fingerprint(): Promise<string> {
    const rest = restAs(t.api, token);
    const parts = await Promise.all([
      rest.get('/users/me'),
      rest.get('/auth/sessions'),
      rest.get('/conversations'),
      rest.get(`/conversations/${ids.id}/messages?limit=100`),
      rest.get(`/conversations/${ids.id}/participants`),
      restAs(t.api, ben.accessToken).get('/users/me'),
    ]);
    // requestId differs on every error envelope: it is not state.
    const stable = parts.map((p) => [p.status, { ...p.body, requestId: undefined }]);
    return createHash('sha256').update(JSON.stringify(stable)).digest('hex');
  }

  /** After a legitimate (2xx) write that ended ana's session, sign in again. */
  async function ensureSignedIn(): Promise<void> {
    const me = await fetch(`${t.api}/auth/me`, { headers: authHeader(token) });
    if (me.status !== 401) return;
    const res = await fetch(`${t.api}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: ana.email, password: ana.password, client: 'desktop' }),
    });
    const body = (await res.json()) as { data: { accessToken: string } };
    token = body.data.accessToken;
  }

  it('enumerates every API route and has a schema or generic fuzz for each', () => {
    const { api } = listRoutes(t.app);
    expect(api.length).toBeGreaterThan(50);
    for (const key of Object.keys(REST_SCHEMAS)) expect(api.map((r) => `${r.method} ${r.path}`)).toContain(key);
  });

  const paramValue = fc.oneof(
    { weight: 2, arbitrary: fc.constant<string | undefined>(undefined) },
    { weight: 1, arbitrary: hostileString.filter((s) => s.length < 2000) },
  );

  async function fire(route: Route, input: unknown, param: string | undefined, raw: number): Promise<Response> {
    const params = param === undefined ? ids : Object.fromEntries(Object.keys(ids).map((k) => [k, param]));
    let url = `${t.api}${fillPath(route.path, params)}`;
    const headers: Record<string, string> = authHeader(token);
    let body: string | Uint8Array | undefined;
    if (!isWrite(route.method)) {
      if (input && typeof input === 'object' && !Array.isArray(input)) {
        const q = new URLSearchParams();
        for (const [k, v] of Object.entries(input))
          if (v !== undefined) q.append(k, typeof v === 'string' ? v : JSON.stringify(v));
        url += `?${q.toString()}`;
      } else if (input !== undefined) url += `?q=${encodeURIComponent(JSON.stringify(input))}&x[$ne]=1`;
    } else if (raw === 1) {
      // Invalid UTF-8 and a truncated document.
      headers['content-type'] = 'application/json';
      body = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22]);
    } else if (raw === 2) {
      headers['content-type'] = 'text/plain';
      body = JSON.stringify(input);
    } else {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(input ?? null);
    }
    return fetch(url, { method: route.method, headers, body, redirect: 'manual' });
  }

  it('REST: every route, mutated bodies/queries and hostile path params', async () => {
    const { api } = listRoutes(t.app);
    for (const route of api) {
      const key = `${route.method} ${route.path}`;
      const schemas = REST_SCHEMAS[key];
      const input = mutated(isWrite(route.method) ? schemas?.body : schemas?.query);
      await fc.assert(
        fc.asyncProperty(input, paramValue, fc.nat(9), async (value, param, raw) => {
          await ensureSignedIn();
          const before = isWrite(route.method) ? await fingerprint() : '';
          const { value: response, cost } = await meter.measure(async () => {
            const r = await fire(route, value, param, raw);
            return { res: r, text: await r.text() };
          });
          const { res, text } = response;
          tally.restRequests++;
          expectWithinBudget(cost, key);
          if (res.status >= 500) tally.rest5xx++;
          expect(res.status, `${key} ${text.slice(0, 300)}`).toBeLessThan(500);
          if (res.status < 400) {
            tally.rest2xx++;
            if (isWrite(route.method)) {
              await ensureSignedIn();
              await ensureFixtures();
            }
            return;
          }
          tally.rest4xx++;
          // Node's HTTP parser answers an oversized URL/header itself (431/414), before the app.
          if (res.status === 431 || res.status === 414) return;
          const envelope = JSON.parse(text) as { error: boolean; status: number; code: string };
          expect(envelope).toMatchObject({ error: true, status: res.status });
          expect(S.errorCodes).toContain(envelope.code);
          if (isWrite(route.method) && (await fingerprint()) !== before) {
            stateChangedOnReject.push(key);
            expect.fail(`${key} changed state although it answered ${res.status}`);
          }
        }),
        { numRuns: RUNS },
      );
    }
  }, 240_000);

  it('sockets: every handled event, mutated payloads, with and without an ack callback', async () => {
    await ensureSignedIn();
    const socket: ClientSocket = await connectSocket(t.url, token);
    try {
      const events = listSocketEvents(t.charla.io, socket.id ?? '');
      expect(events.length).toBeGreaterThanOrEqual(10);
      for (const event of events) {
        const schema = SOCKET_SCHEMAS[event];
        expect(schema, `no schema for socket event ${event}`).toBeDefined();
        await fc.assert(
          fc.asyncProperty(mutated(schema), async (payload) => {
            const before = await fingerprint();
            const { value: ack, cost } = await meter.measure(() => emitAck(socket, event, payload));
            tally.socketPayloads++;
            expectWithinBudget(cost, event);
            if (ack.ok) return ensureFixtures();
            tally.errorAcks++;
            if (ack.error.code === 'internal') tally.internal++;
            expect(ack.error.code, `${event} ${JSON.stringify(payload)?.slice(0, 200)}`).not.toBe('internal');
            expect(S.errorCodes).toContain(ack.error.code);
            if ((await fingerprint()) !== before) {
              stateChangedOnReject.push(event);
              expect.fail(`${event} changed state although it was rejected`);
            }
          }),
          { numRuns: RUNS },
        );
        // No ack callback, a non-function "ack", several arguments: the socket survives all of them.
        loose(socket).emit(event, { conversationId: ids.id });
        loose(socket).emit(event, null, 'not-a-function');
        loose(socket).emit(event, ...Array.from({ length: 20 }, () => ({ $ne: null })));
        tally.socketPayloads += 3;
      }
      const still = await emitAck(socket, 'typing:stop', { conversationId: ids.id });
      expect(still.ok).toBe(true);
      expect(socket.connected).toBe(true);
      // A payload over maxHttpBufferSize disconnects that socket, and the server keeps serving others.
      const other = await connectSocket(t.url, token);
      loose(other).emit('message:send', { conversationId: ids.id, clientMsgId: 'big', text: 'x'.repeat(400_000) });
      await new Promise<void>((resolve) => other.once('disconnect', () => resolve()));
      tally.socketPayloads++;
      expect((await emitAck(socket, 'typing:stop', { conversationId: ids.id })).ok).toBe(true);
    } finally {
      socket.close();
    }
  }, 120_000);
});
