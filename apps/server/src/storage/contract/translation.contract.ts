import { describe, expect, it } from 'vitest';
import { type Storage, translationVersion } from '../ports.ts';
import { useMessagingFixture } from './messaging-fixture.ts';

/**
 * Translation storage (issue 16): detected language on messages, reading language on accounts, the
 * translation cache keyed by (message, edit version, target), auto-translate per user and
 * conversation, and the daily quota counters.
 */
export function translationContract(open: () => Promise<Storage>): void {
  describe('translation', () => {
    const f = useMessagingFixture(open);

    it('stores the detected language on send, replaces it on edit, keeps it when an edit gives none, wipes it on delete', async () => {
      const g = await f.group([f.alice, f.bob]);
      const sent = await f.s.messages.send({
        conversationId: g.id,
        senderId: f.alice.id,
        clientMsgId: 'l-1',
        kind: 'text',
        text: 'Hola a todos',
        language: 'es',
        now: f.tick(),
      });
      expect(sent?.message.language).toBe('es');
      expect((await f.s.messages.findById(sent?.message.id ?? ''))?.language).toBe('es');
      expect((await f.s.messages.history(g.id, f.bob.id, { limit: 10 }))[0]?.language).toBe('es');
      const id = sent?.message.id ?? '';
      expect(
        (await f.s.messages.edit(id, { text: 'Hello all', mentions: [], language: 'en' }, f.alice.id, f.tick()))
          ?.message.language,
      ).toBe('en');
      expect(
        (await f.s.messages.edit(id, { text: 'Hello everyone', mentions: [] }, f.alice.id, f.tick()))?.message.language,
      ).toBe('en');
      expect((await f.s.messages.deleteForEveryone(id, f.alice.id, f.tick()))?.message.language).toBeNull();
      // Not given at all: null.
      expect((await f.send(g.id, f.bob, 'x')).language).toBeNull();
    });

    it('reading language: null until chosen, then stored with the account, and resettable', async () => {
      expect(f.alice.readingLanguage).toBeNull();
      expect((await f.s.users.update(f.alice.id, { readingLanguage: 'es' }))?.readingLanguage).toBe('es');
      expect((await f.s.users.findById(f.alice.id))?.readingLanguage).toBe('es');
      expect((await f.s.users.update(f.alice.id, { readingLanguage: null }))?.readingLanguage).toBeNull();
    });

    it('caches per (message, version, target): other targets and versions miss; saving again replaces', async () => {
      const g = await f.group([f.alice, f.bob]);
      const [m1, m2] = [await f.send(g.id, f.alice, 'Hola'), await f.send(g.id, f.alice, 'Adiós')];
      if (!m1 || !m2) throw new Error('send failed');
      const at = f.tick();
      await f.s.translations.save([
        { messageId: m1.id, version: 0, target: 'en', source: 'es', text: 'Hello', createdAt: at },
        { messageId: m2.id, version: 0, target: 'en', source: null, text: 'Bye', createdAt: at },
        { messageId: m1.id, version: 0, target: 'fr', source: 'es', text: 'Bonjour', createdAt: at },
      ]);
      const en = await f.s.translations.find(
        [
          { messageId: m1.id, version: 0 },
          { messageId: m2.id, version: 0 },
        ],
        'en',
      );
      expect(en.map((t) => [t.messageId, t.text, t.source]).sort()).toEqual(
        [
          [m1.id, 'Hello', 'es'],
          [m2.id, 'Bye', null],
        ].sort(),
      );
      expect(en[0]?.createdAt).toBeInstanceOf(Date);
      expect(await f.s.translations.find([{ messageId: m1.id, version: 1 }], 'en')).toEqual([]);
      expect(await f.s.translations.find([{ messageId: m1.id, version: 0 }], 'de')).toEqual([]);
      expect(await f.s.translations.find([], 'en')).toEqual([]);
      await f.s.translations.save([
        { messageId: m1.id, version: 0, target: 'en', source: 'es', text: 'Hi', createdAt: at },
      ]);
      expect((await f.s.translations.find([{ messageId: m1.id, version: 0 }], 'en')).map((t) => t.text)).toEqual([
        'Hi',
      ]);
    });

    it('an edit drops the cached translations; a save for the old version is refused', async () => {
      const g = await f.group([f.alice, f.bob]);
      const m = await f.send(g.id, f.alice, 'Hola');
      await f.s.translations.save([
        { messageId: m.id, version: 0, target: 'en', source: 'es', text: 'Hello', createdAt: f.tick() },
      ]);
      const edited = await f.s.messages.edit(m.id, { text: 'Hola otra vez', mentions: [] }, f.alice.id, f.tick());
      if (!edited) throw new Error('edit failed');
      const v = translationVersion(edited.message);
      expect(v).toBeGreaterThan(0);
      expect(await f.s.translations.find([{ messageId: m.id, version: 0 }], 'en')).toEqual([]);
      await f.s.translations.save([
        { messageId: m.id, version: 0, target: 'en', source: 'es', text: 'Hello', createdAt: f.tick() },
      ]);
      expect(await f.s.translations.find([{ messageId: m.id, version: 0 }], 'en')).toEqual([]);
      await f.s.translations.save([
        { messageId: m.id, version: v, target: 'en', source: 'es', text: 'Hello again', createdAt: f.tick() },
      ]);
      expect((await f.s.translations.find([{ messageId: m.id, version: v }], 'en')).map((t) => t.text)).toEqual([
        'Hello again',
      ]);
    });

    it('delete-for-everyone deletes the translations, and none can be saved afterwards', async () => {
      const g = await f.group([f.alice, f.bob]);
      const m = await f.send(g.id, f.alice, 'Secreto');
      await f.s.translations.save([
        { messageId: m.id, version: 0, target: 'en', source: 'es', text: 'Secret', createdAt: f.tick() },
      ]);
      await f.s.messages.deleteForEveryone(m.id, f.alice.id, f.tick());
      expect(await f.s.translations.find([{ messageId: m.id, version: 0 }], 'en')).toEqual([]);
      await f.s.translations.save([
        { messageId: m.id, version: 0, target: 'en', source: 'es', text: 'Secret', createdAt: f.tick() },
      ]);
      expect(await f.s.translations.find([{ messageId: m.id, version: 0 }], 'en')).toEqual([]);
      await f.s.translations.save([
        { messageId: 'no-such-message', version: 0, target: 'en', source: null, text: 'x', createdAt: f.tick() },
      ]);
    });

    it('translate automatically: per user and conversation, idempotent both ways', async () => {
      const g = await f.group([f.alice, f.bob]);
      const h = await f.group([f.alice, f.bob]);
      expect(await f.s.translations.isAuto(f.alice.id, g.id)).toBe(false);
      await f.s.translations.setAuto(f.alice.id, g.id, true, f.tick());
      await f.s.translations.setAuto(f.alice.id, g.id, true, f.tick());
      expect(await f.s.translations.isAuto(f.alice.id, g.id)).toBe(true);
      expect(await f.s.translations.isAuto(f.bob.id, g.id)).toBe(false);
      expect(await f.s.translations.isAuto(f.alice.id, h.id)).toBe(false);
      await f.s.translations.setAuto(f.alice.id, g.id, false, f.tick());
      await f.s.translations.setAuto(f.alice.id, g.id, false, f.tick());
      expect(await f.s.translations.isAuto(f.alice.id, g.id)).toBe(false);
    });

    it('quotas: reserve within both limits, refuse past either without counting, release never below zero', async () => {
      const t = f.s.translations;
      const day = '2026-03-01';
      const limits = { userLimit: 100, globalLimit: 150 };
      expect(await t.reserve({ userId: f.alice.id, day, chars: 60, ...limits })).toEqual({ ok: true });
      expect(await t.reserve({ userId: f.alice.id, day, chars: 41, ...limits })).toEqual({
        ok: false,
        exceeded: 'user',
      });
      expect(await t.reserve({ userId: f.alice.id, day, chars: 40, ...limits })).toEqual({ ok: true });
      expect(await t.reserve({ userId: f.bob.id, day, chars: 51, ...limits })).toEqual({
        ok: false,
        exceeded: 'global',
      });
      expect(await t.usage(f.bob.id, day)).toEqual({ user: 0, global: 100 });
      expect(await t.reserve({ userId: f.bob.id, day, chars: 50, ...limits })).toEqual({ ok: true });
      expect(await t.usage(f.alice.id, day)).toEqual({ user: 100, global: 150 });
      // Another day starts from zero.
      expect(await t.usage(f.alice.id, '2026-03-02')).toEqual({ user: 0, global: 0 });
      await t.release({ userId: f.alice.id, day, chars: 40 });
      expect(await t.usage(f.alice.id, day)).toEqual({ user: 60, global: 110 });
      await t.release({ userId: f.alice.id, day, chars: 500 });
      expect((await t.usage(f.alice.id, day)).user).toBe(0);
      // Concurrent reservations never pass the limit together.
      const results = await Promise.all(
        Array.from({ length: 10 }, () =>
          t.reserve({ userId: f.carol.id, day: '2026-03-03', chars: 30, userLimit: 100, globalLimit: 1000 }),
        ),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(3);
      expect((await t.usage(f.carol.id, '2026-03-03')).user).toBe(90);
    });
  });
}
