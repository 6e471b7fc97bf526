/**
 * One request must never freeze the server: inputs that made a regular expression or a string
 * routine super-linear, measured as event-loop time in this process (see event-loop-meter.ts).
 * Each case failed before its fix (issue 22) and now answers a 4xx within the budget.
 */
import type { Media, Message } from '@charla/shared-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePdf, multipartBody } from '../../src/modules/media/media.fixtures.ts';
import { type ClientSocket, connectSocket, emitAck, restAs } from '../chat.ts';
import { authHeader, type RegisteredUser, registerUser, startTestApp, type TestApp } from '../harness.ts';
import { createLoopMeter, EVENT_LOOP_BUDGET_MS, type LoopMeter } from './event-loop-meter.ts';

describe('one request never holds the event loop', () => {
  let t: TestApp;
  let ana: RegisteredUser;
  let messageId: string;
  let meter: LoopMeter;

  beforeAll(async () => {
    t = await startTestApp();
    ana = await registerUser(t);
    const ben = await registerUser(t);
    const rest = restAs(t.api, ana.accessToken);
    const dm = await rest.post<{ id: string }>('/conversations', { kind: 'direct', userId: ben.user.id });
    const msg = await rest.post<Message>(`/conversations/${dm.body.data.id}/messages`, {
      clientMsgId: 'loop-fixture',
      text: 'react to me',
    });
    messageId = msg.body.data.id;
    meter = createLoopMeter();
  });
  afterAll(async () => {
    meter?.stop();
    await t?.close();
  });

  // 26 joiners took 1.7 s before the fix and each added one doubled it: lengths past 30 would have
  // frozen this test for hours, so the short one comes first and fails fast.
  const joinerAttacks = [26, 33, 40, 200, 1000].map((n) => `${'\u200d'.repeat(n)}a`);

  it('reaction emoji made of zero-width joiners: REST answers 400 within the budget (issue 22 #1)', async () => {
    for (const emoji of joinerAttacks) {
      const { value: status, cost } = await meter.measure(async () => {
        const res = await fetch(`${t.api}/messages/${messageId}/reactions/${encodeURIComponent(emoji)}`, {
          method: 'PUT',
          headers: authHeader(ana.accessToken),
        });
        await res.text();
        return res.status;
      });
      expect(status, `${emoji.length} chars`).toBe(400);
      expect(cost.blockedMs, `${emoji.length} chars: ${JSON.stringify(cost)}`).toBeLessThan(EVENT_LOOP_BUDGET_MS);
    }
  });

  it('reaction emoji made of zero-width joiners: socket message:react acks an error within the budget', async () => {
    const socket: ClientSocket = await connectSocket(t.url, ana.accessToken);
    try {
      for (const emoji of joinerAttacks) {
        const { value: ack, cost } = await meter.measure(() =>
          emitAck(socket, 'message:react', { messageId, emoji, on: true }),
        );
        expect(ack.ok, `${emoji.length} chars`).toBe(false);
        expect(cost.blockedMs, `${emoji.length} chars: ${JSON.stringify(cost)}`).toBeLessThan(EVENT_LOOP_BUDGET_MS);
      }
      // A real reaction still works.
      expect((await emitAck(socket, 'message:react', { messageId, emoji: '👍🏽', on: true })).ok).toBe(true);
    } finally {
      socket.close();
    }
  });

  it('a 16 KB upload file name of spaces and dots is cut and trimmed within the budget (issue 22 #5)', async () => {
    // `[\s.]+$` retried from every position of the run: quadratic; ~16 KB fits busboy's header limit
    // (tabs go percent-encoded, so fewer of them).
    const names = [`a${' '.repeat(16_000)}b.pdf`, `a${'. '.repeat(8000)}b.pdf`, `x${'\t'.repeat(5000)}y.pdf`];
    for (const name of names) {
      const { body, contentType } = multipartBody(name, makePdf(), { contentType: 'application/pdf' });
      const { value: res, cost } = await meter.measure(async () => {
        const r = await fetch(`${t.api}/media`, {
          method: 'POST',
          headers: { ...authHeader(ana.accessToken), 'content-type': contentType },
          body,
        });
        return { status: r.status, body: (await r.json()) as { data?: Media } };
      });
      expect(res.status, `${name.length} chars`).toBe(201);
      expect(res.body.data?.fileName.length).toBeLessThanOrEqual(200);
      expect(cost.blockedMs, `${name.length} chars: ${JSON.stringify(cost)}`).toBeLessThan(EVENT_LOOP_BUDGET_MS);
    }
  });
});
