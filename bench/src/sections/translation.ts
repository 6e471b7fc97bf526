import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../../apps/server/src/logger.ts';
import { createDeepLProvider } from '../../../apps/server/src/modules/translation/translation.deepl.ts';
import { createLanguageDetector } from '../../../apps/server/src/modules/translation/translation.detect.ts';
import { createTranslationService } from '../../../apps/server/src/modules/translation/translation.service.ts';
import { startTranslationStandIn } from '../../../apps/server/src/modules/translation/translation.stand-in.ts';
import { hashPassword, newJwtSecret, openBenchStorage, seedUsers } from '../charla/seed.ts';
import { nowMs, round, type Summary, summarize } from '../lib/stats.ts';
import { startCharla } from '../servers/launch.ts';

export type TranslationResult = {
  provider: string;
  messages: number;
  iterations: number;
  /** GET of the latest 50 messages, the page the reader opens, without translation. */
  page: Summary;
  /** The same page, then the screenful's translation request answered from the cache. */
  pageTranslated: Summary;
  /** What translation adds: the cached translation request alone (sequential after the page). */
  added: Summary;
  /** p99(page + translation) - p99(page), same run. */
  addedP99Delta: number;
  /**
   * The same two steps in-process, without HTTP: the history page at the storage port, and the
   * translation service answering the screenful from the cache. What translation adds to the server's work.
   */
  store: { page: Summary; added: Summary; pageCpu: Summary; addedCpu: Summary };
  /** One reader opening a screenful nobody translated yet. */
  uncached: { providerCalls: number; ms: number; translated: number };
  /** `readers` readers opening the same uncached screenful at once. */
  concurrent: { readers: number; providerCalls: number; ms: number };
  notes: string[];
};

const SPANISH = [
  'Hola a todos, ¿qué tal el fin de semana?',
  'Mañana nos vemos en la oficina a las nueve',
  'No puedo ir hoy, tengo demasiado trabajo pendiente',
  '¿Quién trae la comida para la reunión del viernes?',
  'Me encanta esta canción, gracias por compartirla',
];

type Seeded = { conversationId: string; ids: string[] };

/**
 * Translation overhead as a reader sees it: opening a conversation of 50 Spanish messages in English
 * with cached translations (one extra request per screenful) against the same page without
 * translation, in the same run; and what an uncached screenful costs at the provider (a DeepL
 * stand-in speaking its wire format, reached through the real deepl-node SDK).
 */
export async function runTranslation(
  options: { iterations: number },
  log: (line: string) => void,
): Promise<TranslationResult> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'charla-bench-translation-'));
  const jwtSecret = newJwtSecret();
  const storage = openBenchStorage(dataDir);
  const users = await seedUsers(storage, {
    count: 22,
    prefix: 'tr',
    passwordHash: await hashPassword(4),
    jwtSecret,
  });
  const [sender, reader, ...others] = users;
  if (!sender || !reader) throw new Error('seeding failed');
  const conv = await storage.conversations.create({
    kind: 'group',
    title: 'Bench translation',
    createdBy: sender.id,
    members: [reader, ...others].map((u) => ({ userId: u.id, role: 'member' as const })),
    now: new Date(),
  });
  let n = 0;
  const screenful = async (): Promise<Seeded> => {
    const ids: string[] = [];
    for (let i = 0; i < 50; i++) {
      const res = await storage.messages.send({
        conversationId: conv.id,
        senderId: sender.id,
        clientMsgId: `tr-${n++}`,
        kind: 'text',
        text: `${SPANISH[i % SPANISH.length]} (${n})`,
        language: 'es',
        now: new Date(),
      });
      if (res) ids.push(res.message.id);
    }
    return { conversationId: conv.id, ids };
  };
  const concurrentSet = await screenful();
  const uncachedSet = await screenful();
  // The newest 50: the page the reader opens.
  const opened = await screenful();
  await storage.close();

  const standIn = await startTranslationStandIn({ deeplKey: 'bench-key:fx' });
  const server = await startCharla('charla (translation)', {
    DATA_DIR: dataDir,
    JWT_SECRET: jwtSecret,
    TRANSLATE_PROVIDER: 'deepl',
    DEEPL_AUTH_KEY: 'bench-key:fx',
    DEEPL_SERVER_URL: standIn.url,
    TRANSLATE_USER_DAILY_CHARS: '10000000',
    TRANSLATE_GLOBAL_DAILY_CHARS: '100000000',
    // Hundreds of requests from one user in seconds would hit the per-user REST limits.
    NODE_ENV: 'test',
    CHARLA_DISABLE_RATE_LIMITS: '1',
  });
  const api = `${server.url}/api/v1`;
  const call = async (token: string, method: string, p: string, body?: unknown) => {
    const t = nowMs();
    const res = await fetch(`${api}${p}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = (await res.json()) as { data?: { items?: { status: string }[] } };
    if (!res.ok) throw new Error(`${method} ${p}: ${res.status}`);
    return { ms: nowMs() - t, items: json.data?.items ?? [] };
  };
  const page = (token: string) => call(token, 'GET', `/conversations/${conv.id}/messages?limit=50`);
  const translate = (token: string, s: Seeded) =>
    call(token, 'POST', `/conversations/${s.conversationId}/translations`, { messageIds: s.ids, target: 'en' });

  try {
    // An uncached screenful: exactly one provider call.
    standIn.reset();
    const u = await translate(reader.token, uncachedSet);
    const uncached = {
      providerCalls: standIn.calls.deepl,
      ms: round(u.ms, 1),
      translated: u.items.filter((i) => i.status === 'translated').length,
    };
    log(
      `  uncached screenful: ${uncached.providerCalls} provider call(s), ${uncached.translated}/50 translated, ${uncached.ms} ms`,
    );

    // Twenty readers opening the same uncached screenful at once share that call.
    standIn.reset();
    standIn.setDelay(50);
    const t0 = nowMs();
    await Promise.all(others.map((o) => translate(o.token, concurrentSet)));
    const concurrent = {
      readers: others.length,
      providerCalls: standIn.calls.deepl,
      ms: round(nowMs() - t0, 1),
    };
    standIn.setDelay(0);
    log(`  ${concurrent.readers} readers at once, uncached: ${concurrent.providerCalls} provider call(s)`);

    // Cache the opened page, warm up, then alternate the two ways of opening it.
    await translate(reader.token, opened);
    for (let i = 0; i < 20; i++) {
      await page(reader.token);
      await translate(reader.token, opened);
    }
    standIn.reset();
    const plain: number[] = [];
    const withTr: number[] = [];
    const added: number[] = [];
    for (let i = 0; i < options.iterations; i++) {
      const a = await page(reader.token);
      plain.push(a.ms);
      const b = await page(reader.token);
      const c = await translate(reader.token, opened);
      withTr.push(b.ms + c.ms);
      added.push(c.ms);
    }
    const result: TranslationResult = {
      provider: 'deepl (deepl-node SDK against the local stand-in)',
      messages: 150,
      iterations: options.iterations,
      page: summarize(plain),
      pageTranslated: summarize(withTr),
      added: summarize(added),
      addedP99Delta: 0,
      store: { page: summarize([]), added: summarize([]), pageCpu: summarize([]), addedCpu: summarize([]) },
      uncached,
      concurrent,
      notes: [
        'rate limits disabled (NODE_ENV=test, CHARLA_DISABLE_RATE_LIMITS=1): one user, hundreds of requests',
        `cached runs made ${standIn.calls.deepl} provider calls (expected 0)`,
      ],
    };
    result.addedP99Delta = round(result.pageTranslated.p99 - result.page.p99, 2);
    log(
      `  page p50 ${result.page.p50} / p99 ${result.page.p99} ms; with cached translation p50 ${result.pageTranslated.p50} / p99 ${result.pageTranslated.p99} ms; the translation request adds p99 ${result.added.p99} ms`,
    );
    await server.stop();
    result.store = await measureInProcess(dataDir, conv.id, reader.id, opened.ids, standIn.url, options.iterations);
    log(
      `  in-process: page p99 ${result.store.page.p99} ms (CPU ${result.store.pageCpu.p99} ms); cached translation of the screenful p99 ${result.store.added.p99} ms (CPU ${result.store.addedCpu.p99} ms)`,
    );
    return result;
  } finally {
    await server.stop();
    await standIn.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The page at the storage port and the cached screenful through the translation service, alternating. */
async function measureInProcess(
  dataDir: string,
  conversationId: string,
  readerId: string,
  ids: string[],
  standInUrl: string,
  iterations: number,
): Promise<TranslationResult['store']> {
  const storage = openBenchStorage(dataDir);
  try {
    const service = createTranslationService({
      storage,
      config: { TRANSLATE_USER_DAILY_CHARS: 10_000_000, TRANSLATE_GLOBAL_DAILY_CHARS: 100_000_000 },
      clock: { now: () => new Date() },
      logger: createLogger('silent'),
      provider: createDeepLProvider({
        authKey: 'bench-key:fx',
        serverUrl: standInUrl,
        retry: { maxRetries: 0, baseDelayMs: 100, maxDelayMs: 1000, timeoutMs: 5000 },
      }),
      detector: createLanguageDetector(),
    });
    const page: number[] = [];
    const added: number[] = [];
    // CPU time of this process per call (getrusage): what the work costs without the waits for a
    // core that a shared machine adds to wall-clock time.
    const pageCpu: number[] = [];
    const addedCpu: number[] = [];
    const cpuMs = (from: NodeJS.CpuUsage) => {
      const d = process.cpuUsage(from);
      return (d.user + d.system) / 1000;
    };
    for (let i = 0; i < 20; i++) {
      await storage.messages.history(conversationId, readerId, { limit: 50 });
      await service.translate(readerId, conversationId, ids, 'en');
    }
    for (let i = 0; i < iterations; i++) {
      let t = nowMs();
      let c = process.cpuUsage();
      await storage.messages.history(conversationId, readerId, { limit: 50 });
      page.push(nowMs() - t);
      pageCpu.push(cpuMs(c));
      t = nowMs();
      c = process.cpuUsage();
      await service.translate(readerId, conversationId, ids, 'en');
      added.push(nowMs() - t);
      addedCpu.push(cpuMs(c));
    }
    return {
      page: summarize(page),
      added: summarize(added),
      pageCpu: summarize(pageCpu),
      addedCpu: summarize(addedCpu),
    };
  } finally {
    await storage.close();
  }
}
