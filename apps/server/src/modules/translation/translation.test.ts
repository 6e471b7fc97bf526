import type {
  ConversationSummary,
  ConversationTranslation,
  HistoryPage,
  Me,
  Message,
  SearchResult,
  TranslateResponse,
  TranslationStatus,
} from '@charla/shared-types';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Rest, restAs } from '../../../test/chat.ts';
import { type RegisteredUser, registerUser, startTestApp, type TestApp } from '../../../test/harness.ts';
import { startTranslationStandIn, type TranslationStandIn } from './translation.stand-in.ts';

let n = 0;
const cid = () => `tr-${++n}`;
const send = async (r: Rest, conversationId: string, text: string) =>
  (await r.post<Message>(`/conversations/${conversationId}/messages`, { clientMsgId: cid(), text })).body.data;
const translate = (r: Rest, conversationId: string, messageIds: string[], target = 'en') =>
  r.post<TranslateResponse>(`/conversations/${conversationId}/translations`, { messageIds, target });

async function groupOf(owner: Rest, members: RegisteredUser[]): Promise<string> {
  const res = await owner.post<ConversationSummary>('/conversations', {
    kind: 'group',
    title: 'Idiomas',
    memberIds: members.map((m) => m.user.id),
  });
  return res.body.data.id;
}

describe('translation without a provider', () => {
  let t: TestApp;
  let A: Rest;
  let B: Rest;
  let group: string;
  beforeAll(async () => {
    t = await startTestApp();
    const [ana, ben] = await Promise.all([registerUser(t), registerUser(t)]);
    [A, B] = [restAs(t.api, ana.accessToken), restAs(t.api, ben.accessToken)];
    group = await groupOf(A, [ben]);
  });
  afterAll(() => t.close());

  it('is visible but off, with one line for the admin; nothing else errors', async () => {
    const status = await B.get<TranslationStatus>('/translation');
    expect(status.status).toBe(200);
    expect(status.body.data).toMatchObject({ enabled: false, provider: null, languages: [] });
    expect(status.body.data.adminHint).toMatch(/TRANSLATE_PROVIDER/);
    const conv = await B.get<ConversationTranslation>(`/conversations/${group}/translation`);
    expect(conv.body.data).toEqual({ auto: false, available: false, unavailableReason: 'no_provider' });
    const m = await send(A, group, 'Hola a todos, ¿qué tal el fin de semana?');
    expect(m.language).toBe('es');
    const res = await translate(B, group, [m.id]);
    expect(res.status).toBe(503);
    expect(res.body.code).toBe('translation_unavailable');
    expect((await B.put(`/conversations/${group}/translation`, { auto: true })).status).toBe(503);
    expect((await B.put(`/conversations/${group}/translation`, { auto: false })).status).toBe(200);
  });
});

describe('translation through a provider (LibreTranslate stand-in)', () => {
  let standIn: TranslationStandIn;
  let t: TestApp;
  let ana: RegisteredUser;
  let ben: RegisteredUser;
  let cy: RegisteredUser;
  let A: Rest;
  let B: Rest;
  let C: Rest;
  let group: string;

  beforeAll(async () => {
    standIn = await startTranslationStandIn({ libreKey: 'lk' });
    t = await startTestApp({
      env: {
        TRANSLATE_PROVIDER: 'libretranslate',
        LIBRETRANSLATE_URL: standIn.url,
        LIBRETRANSLATE_API_KEY: 'lk',
        TRANSLATE_USER_DAILY_CHARS: '2000',
        TRANSLATE_MAX_RETRIES: '1',
      },
      deps: { translation: { retry: { baseDelayMs: 5, maxDelayMs: 50 } } },
    });
    [ana, ben, cy] = await Promise.all([registerUser(t), registerUser(t), registerUser(t)]);
    [A, B, C] = [ana, ben, cy].map((u) => restAs(t.api, u.accessToken)) as [Rest, Rest, Rest];
    group = await groupOf(A, [ben, cy]);
  });
  afterAll(async () => {
    await t.close();
    await standIn.close();
  });
  beforeEach(() => standIn.reset());

  it('detects the language at send time, recomputes it on edit; short text is unknown', async () => {
    const m = await send(A, group, 'Fuimos a la playa con los niños');
    expect(m.language).toBe('es');
    const edited = await A.patch<Message>(`/messages/${m.id}`, { text: 'We went to the beach with the kids' });
    expect(edited.body.data.language).toBe('en');
    expect((await send(A, group, 'ok')).language).toBe('unknown');
    expect((await send(A, group, '👍👍')).language).toBe('unknown');
  });

  it('status lists the provider languages and today’s use', async () => {
    const s = (await B.get<TranslationStatus>('/translation')).body.data;
    expect(s).toMatchObject({ enabled: true, provider: 'libretranslate', adminHint: null });
    expect(s.languages.map((l) => l.code)).toEqual(expect.arrayContaining(['en', 'es']));
    expect(s.quota.userDailyChars).toBe(2000);
  });

  it('a screenful costs one provider call; own, same-language and short messages stay original', async () => {
    const es1 = await send(A, group, 'Hola a todos, ¿qué tal el fin de semana?');
    const es2 = await send(A, group, 'Nos vemos mañana en la oficina');
    const en = await send(A, group, 'This one is already written in English');
    const short = await send(A, group, 'jaja');
    const mine = await send(B, group, 'Mi propio mensaje en español, no se traduce');
    const res = await translate(B, group, [es1.id, es2.id, en.id, short.id, mine.id, 'unknown-id']);
    expect(res.status).toBe(200);
    expect(res.body.data.items).toEqual([
      {
        messageId: es1.id,
        status: 'translated',
        text: 'Hi everyone, how was the weekend?',
        source: 'es',
        target: 'en',
      },
      { messageId: es2.id, status: 'translated', text: 'See you tomorrow at the office', source: 'es', target: 'en' },
      { messageId: en.id, status: 'original', reason: 'same_language' },
      { messageId: short.id, status: 'original', reason: 'unknown_language' },
      { messageId: mine.id, status: 'original', reason: 'own' },
    ]);
    expect(standIn.calls.libretranslate).toBe(1);
    // The batch was known to be Spanish: the source is sent, not "auto".
    expect(standIn.requests.find((r) => r.path === '/translate')?.body).toMatchObject({ source: 'es', target: 'en' });

    // Another reader, same language: served from the cache, no provider call.
    const again = await translate(C, group, [es1.id, es2.id]);
    expect(again.body.data.items.map((i) => i.status)).toEqual(['translated', 'translated']);
    expect(standIn.calls.libretranslate).toBe(1);
  });

  it('many readers asking at once for an uncached message share one call', async () => {
    const readers = await Promise.all(
      Array.from({ length: 6 }, () => registerUser(t).then((u) => ({ u, r: restAs(t.api, u.accessToken) }))),
    );
    await A.post(`/conversations/${group}/participants`, { userIds: readers.map(({ u }) => u.user.id) });
    const m = await send(A, group, 'Otro mensaje que nadie ha traducido todavía');
    standIn.setDelay(100);
    const all = await Promise.all(readers.map(({ r }) => translate(r, group, [m.id])));
    standIn.setDelay(0);
    expect(all.map((x) => x.body.data.items[0]?.status)).toEqual(Array(6).fill('translated'));
    expect(standIn.calls.libretranslate).toBe(1);
  });

  it('an edit invalidates the cached translation; delete removes it', async () => {
    const m = await send(A, group, 'Fuimos a la playa con los niños');
    expect((await translate(B, group, [m.id])).body.data.items[0]).toMatchObject({
      text: 'We went to the beach with the kids',
    });
    await A.patch(`/messages/${m.id}`, { text: 'Fuimos a la montaña con los niños' });
    expect((await translate(B, group, [m.id])).body.data.items[0]).toMatchObject({
      text: 'We went to the mountains with the kids',
    });
    expect(standIn.calls.libretranslate).toBe(2);
    const edited = (await t.storage.messages.findById(m.id)) ?? undefined;
    const version = edited?.editedAt?.getTime() ?? 0;
    expect(await t.storage.translations.find([{ messageId: m.id, version }], 'en')).toHaveLength(1);
    await A.del(`/messages/${m.id}?for=everyone`);
    expect(await t.storage.translations.find([{ messageId: m.id, version }], 'en')).toEqual([]);
    expect((await translate(B, group, [m.id])).body.data.items[0]).toEqual({
      messageId: m.id,
      status: 'original',
      reason: 'no_text',
    });
  });

  it('mentions, links, code and emoji reach the provider as placeholders and come back intact', async () => {
    const text = `@${ben.user.username} mira esto https://example.com/receta?x=1 y ejecuta \`npm run dev\` por favor 🎉`;
    const m = await send(A, group, text);
    const item = (await translate(C, group, [m.id])).body.data.items[0];
    const sent = standIn.requests.find((r) => r.path === '/translate')?.body.q as string[];
    expect(sent[0]).not.toContain(ben.user.username);
    expect(sent[0]).not.toContain('example.com');
    expect(sent[0]).toContain('<x id="0"/>');
    expect(item).toMatchObject({ status: 'translated', text: `[en] ${text}` });
  });

  it('search finds the original text only', async () => {
    const m = await send(A, group, 'Hola a todos, ¿qué tal el fin de semana?');
    await translate(B, group, [m.id]);
    const byTranslation = await B.get<SearchResult>(
      `/search/messages?q=${encodeURIComponent('weekend')}&conversationId=${group}`,
    );
    expect(byTranslation.status).toBe(200);
    expect(JSON.stringify(byTranslation.body.data)).not.toContain(m.id);
    const byOriginal = await B.get<SearchResult>(`/search/messages?q=semana&conversationId=${group}`);
    expect(JSON.stringify(byOriginal.body.data)).toContain(m.id);
  });

  it('provider failures are clear 4xx/503 envelopes, never 500; the quota is given back; originals stay', async () => {
    const m = await send(A, group, 'Un mensaje para probar los errores del proveedor');
    const before = (await B.get<TranslationStatus>('/translation')).body.data.quota.usedToday;
    const cases: [number, unknown, Record<string, string>, number, string][] = [
      [403, { error: 'Invalid API key' }, {}, 503, 'translation_unavailable'],
      [400, { error: 'xx is not supported' }, {}, 422, 'unprocessable'],
      [429, { error: 'Slow down' }, { 'Retry-After': '120' }, 429, 'rate_limited'],
      [500, 'boom', {}, 503, 'translation_unavailable'],
      // A 200 that is not LibreTranslate's documented answer.
      [200, '<html>Sign in to the Wi-Fi</html>', { 'content-type': 'text/html' }, 503, 'translation_unavailable'],
      [200, { translatedText: [] }, {}, 503, 'translation_unavailable'],
      [200, { translatedText: [''] }, {}, 503, 'translation_unavailable'],
      [200, { translatedText: [{ text: 'x' }] }, {}, 503, 'translation_unavailable'],
    ];
    for (const [status, body, headers, want, code] of cases) {
      standIn.failNext('libretranslate', { status, body, headers }, 2);
      const res = await translate(B, group, [m.id]);
      expect([res.status, res.body.code], `provider ${status}`).toEqual([want, code]);
      standIn.reset();
      // The provider asked for 120 s: calls to it wait that long (see the next test).
      if (status === 429) t.clock.advance(121_000);
    }
    expect((await B.get<TranslationStatus>('/translation')).body.data.quota.usedToday).toBe(before);
    // Nothing bad was cached: the next good answer is what the reader gets.
    const ok = await translate(B, group, [m.id]);
    expect(ok.body.data.items[0]).toMatchObject({ status: 'translated', text: `[en] ${m.text}` });
    const history = await B.get<HistoryPage>(`/conversations/${group}/messages?limit=5`);
    expect(history.body.data.items.find((x) => x.id === m.id)?.text).toBe(
      'Un mensaje para probar los errores del proveedor',
    );
  });

  it("a provider's 429 pauses calls to it until its Retry-After; cached translations still come", async () => {
    const cachedOne = await send(A, group, 'Hola, ¿cómo estás?');
    expect((await translate(B, group, [cachedOne.id])).body.data.items[0]?.status).toBe('translated');
    const m = await send(A, group, 'Un mensaje que llega cuando el proveedor pide esperar');
    standIn.reset();
    standIn.failNext('libretranslate', { status: 429, body: { error: 'Slow down' }, headers: { 'Retry-After': '60' } });
    expect((await translate(B, group, [m.id])).status).toBe(429);
    expect(standIn.calls.libretranslate).toBe(1);
    // Another reader, seconds later: answered at once with the time left, and the provider not asked.
    t.clock.advance(5_000);
    const raw = await fetch(`${t.api}/conversations/${group}/translations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${cy.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ messageIds: [m.id], target: 'en' }),
    });
    expect(raw.status).toBe(429);
    expect(((await raw.json()) as { code: string }).code).toBe('rate_limited');
    expect(Number(raw.headers.get('retry-after'))).toBeGreaterThan(50);
    expect(Number(raw.headers.get('retry-after'))).toBeLessThanOrEqual(55);
    expect(standIn.calls.libretranslate).toBe(1);
    const cached = await translate(C, group, [cachedOne.id]);
    expect([cached.status, cached.body.data.items[0]?.status]).toEqual([200, 'translated']);
    expect(standIn.calls.libretranslate).toBe(1);
    // Once the time is up, the provider is asked again.
    t.clock.advance(56_000);
    expect((await translate(C, group, [m.id])).body.data.items[0]?.status).toBe('translated');
    expect(standIn.calls.libretranslate).toBe(2);
  });

  it('a reached daily quota is a 429 the UI can name, and the original is untouched', async () => {
    const dan = await registerUser(t);
    const D = restAs(t.api, dan.accessToken);
    await A.post(`/conversations/${group}/participants`, { userIds: [dan.user.id] });
    const long = await send(
      A,
      group,
      `Este mensaje es largo. ${'Palabras en español para gastar la cuota. '.repeat(50)}`,
    );
    const res = await translate(D, group, [long.id]);
    expect(res.status).toBe(429);
    expect(res.body.code).toBe('translation_quota_exceeded');
    expect(standIn.calls.libretranslate).toBe(0);
    // Cached translations still come back for free.
    const cachedOne = await send(A, group, 'Nos vemos mañana en la oficina');
    await translate(B, group, [cachedOne.id]);
    expect((await translate(D, group, [cachedOne.id])).status).toBe(200);
  });

  it('auto-translate is per user and per conversation', async () => {
    expect(
      (await B.put<ConversationTranslation>(`/conversations/${group}/translation`, { auto: true })).body.data,
    ).toEqual({
      auto: true,
      available: true,
      unavailableReason: null,
    });
    expect((await C.get<ConversationTranslation>(`/conversations/${group}/translation`)).body.data.auto).toBe(false);
    expect((await B.get<ConversationTranslation>(`/conversations/${group}/translation`)).body.data.auto).toBe(true);
    expect((await B.put(`/conversations/${group}/translation`, { auto: 'yes' })).status).toBe(400);
  });

  it('bad input: too many ids, a malformed or unoffered language, a stranger', async () => {
    const ids = Array.from({ length: 51 }, (_, i) => `m${i}`);
    expect((await translate(B, group, ids)).status).toBe(400);
    expect((await translate(B, group, ['x'], 'Spanish')).status).toBe(400);
    expect((await translate(B, group, ['x'], 'zz')).status).toBe(422);
    const stranger = restAs(t.api, (await registerUser(t)).accessToken);
    expect((await translate(stranger, group, ['x'])).status).toBe(404);
    expect((await stranger.get(`/conversations/${group}/translation`)).status).toBe(404);
  });

  it('the reading language is stored with the account', async () => {
    const me = await B.patch<Me>('/users/me', { readingLanguage: 'es' });
    expect(me.body.data.readingLanguage).toBe('es');
    expect((await B.get<Me>('/users/me')).body.data.readingLanguage).toBe('es');
    expect((await B.patch('/users/me', { readingLanguage: 'Spanish' })).status).toBe(400);
    expect((await B.patch<Me>('/users/me', { readingLanguage: null })).body.data.readingLanguage).toBeNull();
  });
});
