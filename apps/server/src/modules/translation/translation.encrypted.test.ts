import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../http/errors.ts';
import type { Storage } from '../../storage/ports.ts';
import { openSqliteStorage } from '../../storage/sqlite/sqlite-storage.ts';
import { createLanguageDetector } from './translation.detect.ts';
import { createLibreTranslateProvider } from './translation.libretranslate.ts';
import { createTranslationService } from './translation.service.ts';
import { startTranslationStandIn, type TranslationStandIn } from './translation.stand-in.ts';

/**
 * End-to-end encrypted conversations are never sent to a provider. The e2ee module creates them; here
 * the storage reports one conversation as encrypted, which is all the content policy looks at.
 */
describe('translation in an encrypted conversation', () => {
  let dir: string;
  let storage: Storage;
  let standIn: TranslationStandIn;
  let ids: { conv: string; msg: string; reader: string };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'charla-tr-e2ee-'));
    const real = openSqliteStorage(dir);
    const [a, b] = await Promise.all(
      ['ana', 'ben'].map((n) =>
        real.users.create({
          email: `${n}@x.test`,
          username: `${n}_e2e`,
          displayName: n,
          passwordHash: null,
          role: 'user',
        }),
      ),
    );
    if (!a || !b) throw new Error('users');
    const conv = await real.conversations.create({
      kind: 'group',
      title: 'Cifrado',
      createdBy: a.id,
      members: [{ userId: b.id, role: 'member' }],
      now: new Date(),
    });
    const sent = await real.messages.send({
      conversationId: conv.id,
      senderId: a.id,
      clientMsgId: 'e1',
      kind: 'text',
      text: 'Hola a todos, ¿qué tal el fin de semana?',
      language: 'es',
      now: new Date(),
    });
    ids = { conv: conv.id, msg: sent?.message.id ?? '', reader: b.id };
    storage = {
      ...real,
      conversations: {
        ...real.conversations,
        findById: async (id) => {
          const c = await real.conversations.findById(id);
          return c && { ...c, encrypted: true };
        },
      },
    };
    standIn = await startTranslationStandIn();
  });
  afterAll(async () => {
    await storage.close();
    await standIn.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const service = () =>
    createTranslationService({
      storage,
      config: { TRANSLATE_USER_DAILY_CHARS: 10_000, TRANSLATE_GLOBAL_DAILY_CHARS: 10_000 },
      clock: { now: () => new Date() },
      logger: pino({ level: 'silent' }),
      provider: createLibreTranslateProvider({
        baseUrl: standIn.url,
        retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1, timeoutMs: 1000 },
      }),
      detector: createLanguageDetector(),
    });

  it('shows the option as unavailable with the reason, refuses to translate or turn auto on, sends nothing', async () => {
    const s = service();
    expect(await s.conversation(ids.reader, ids.conv)).toEqual({
      auto: false,
      available: false,
      unavailableReason: 'encrypted',
    });
    const refused = await s.translate(ids.reader, ids.conv, [ids.msg], 'en').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ status: 409, code: 'encrypted_conversation' });
    await expect(s.setAuto(ids.reader, ids.conv, true)).rejects.toMatchObject({ status: 409 });
    expect(await s.setAuto(ids.reader, ids.conv, false)).toMatchObject({ auto: false });
    expect(standIn.requests).toHaveLength(0);
  });
});
