import { randomUUID } from 'node:crypto';
import type { Message, PointsEntry } from '@charla/shared-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Rest, restAs } from '../../../test/chat.ts';
import { registerUser, startTestApp, type TestApp } from '../../../test/harness.ts';

/**
 * Polyglot from live traffic: the real app detects each message's language at send and edit
 * (translation, through messaging) and the points module, wired in app.ts, awards the first message
 * in each language once. Content-gating in encrypted conversations is covered in points.history.test.ts.
 */
describe('points: Polyglot gets the languages detected at send', () => {
  let t: TestApp;
  let ana: Rest;
  let ben: Rest;
  let group: string;

  beforeAll(async () => {
    t = await startTestApp();
    const [a, b] = await Promise.all([registerUser(t), registerUser(t)]);
    [ana, ben] = [restAs(t.api, a.accessToken), restAs(t.api, b.accessToken)];
    const created = await ana.post<{ id: string }>('/conversations', {
      kind: 'group',
      title: 'Languages',
      memberIds: [b.user.id],
    });
    group = created.body.data.id;
  });
  afterAll(async () => {
    await t?.close();
  });

  const send = async (who: Rest, text: string) => {
    const res = await who.post<Message>(`/conversations/${group}/messages`, { clientMsgId: randomUUID(), text });
    expect(res.status).toBe(201);
    await t.charla.points.settled();
    return res.body.data;
  };
  const polyglot = async (who: Rest) => {
    const res = await who.get<{ items: PointsEntry[] }>('/points/me/ledger?limit=100');
    expect(res.status).toBe(200);
    return res.body.data.items.filter((e) => e.rule === 'new_language');
  };

  it('awards each new language once, for the message that first used it', async () => {
    const es = await send(ana, 'Hola a todos, ¿qué tal el fin de semana?');
    expect(es.language).toBe('es');
    await send(ana, 'Mañana vamos a la playa con mis amigos, ¿vienes?');
    const en = await send(ana, 'Good morning everyone, how was the weekend?');
    expect(en.language).toBe('en');
    await send(ana, 'ok');
    const awards = await polyglot(ana);
    expect(awards.map((e) => e.messageId).sort()).toEqual([es.id, en.id].sort());
    expect(awards.every((e) => e.points > 0 && e.conversationId === group)).toBe(true);
    expect(await polyglot(ben)).toEqual([]);
  });

  it('an edit into another language counts as the backfill counts it; the same language again does not', async () => {
    const m = await send(ben, 'Good evening, I will bring the drinks tonight.');
    expect((await polyglot(ben)).map((e) => e.messageId)).toEqual([m.id]);
    const edited = await ben.patch<Message>(`/messages/${m.id}`, {
      text: 'Buenas noches, llevo las bebidas esta noche.',
    });
    expect(edited.status).toBe(200);
    expect(edited.body.data.language).toBe('es');
    await t.charla.points.settled();
    const awards = await polyglot(ben);
    expect(awards).toHaveLength(2);
    await ben.patch(`/messages/${m.id}`, { text: 'Good evening again, the drinks are in the fridge.' });
    await t.charla.points.settled();
    expect(await polyglot(ben)).toHaveLength(2);
  });
});
