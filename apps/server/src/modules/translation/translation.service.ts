import type { ConversationTranslation, TranslationItem, TranslationStatus } from '@charla/shared-types';
import type { Logger } from 'pino';
import type { Clock } from '../../app-context.ts';
import type { Config } from '../../config.ts';
import { unprocessable } from '../../http/errors.ts';
import { dayKey, type MessageRecord, type Storage, translationVersion } from '../../storage/ports.ts';
import { serverMayReadContent } from '../messaging/content-policy.ts';
import { requireReader, visibilityFloor } from '../messaging/conversations.access.ts';
import type { LanguageDetector } from './translation.detect.ts';
import { UNKNOWN_LANGUAGE } from './translation.detect.ts';
import {
  encryptedConversation,
  fromProvider,
  NO_PROVIDER_HINT,
  noProvider,
  quotaExceeded,
  RATE_LIMIT_PAUSE_MS,
} from './translation.errors.ts';
import { protect, restore } from './translation.protect.ts';
import { type ProviderLanguage, type TranslationProvider, TranslationProviderError } from './translation.provider.ts';

export type TranslationDeps = {
  storage: Storage;
  config: Pick<Config, 'TRANSLATE_USER_DAILY_CHARS' | 'TRANSLATE_GLOBAL_DAILY_CHARS'>;
  clock: Clock;
  logger: Logger;
  provider: TranslationProvider | null;
  detector: LanguageDetector;
};

type Done = { text: string; source: string | null };
const LANGUAGES_TTL_MS = 60 * 60 * 1000;
const keyOf = (m: MessageRecord, target: string) => `${m.id}:${translationVersion(m)}:${target}`;

export function createTranslationService(deps: TranslationDeps) {
  const { storage, config, clock, logger, provider, detector } = deps;
  /** One provider call per (message, version, target) at a time on this node: 200 readers opening the same screen wait for one. */
  const inFlight = new Map<string, Promise<Done | null>>();
  let languagesCache: { at: number; list: ProviderLanguage[] } | undefined;
  /**
   * The provider said "too many requests" even after the adapter backed off: until the time it asked
   * for (Retry-After, else RATE_LIMIT_PAUSE_MS) no reader's request goes to it from this node, so a
   * screenful per reader does not keep hammering a provider that is already refusing.
   */
  let pausedUntil = 0;

  async function languages(): Promise<ProviderLanguage[]> {
    if (!provider) return [];
    const now = clock.now().getTime();
    if (languagesCache && now - languagesCache.at < LANGUAGES_TTL_MS) return languagesCache.list;
    try {
      languagesCache = { at: now, list: await provider.languages() };
    } catch (err) {
      logger.warn({ err }, 'translation provider language list failed');
      // Keep serving the last list; without one, nothing is refused for it.
      return languagesCache?.list ?? [];
    }
    return languagesCache.list;
  }

  async function languageOf(m: MessageRecord): Promise<string> {
    return m.language ?? (await detector.detect(m.text));
  }

  /** Why a message stays as written for this reader, or null when it needs a translation. */
  async function keepOriginal(
    m: MessageRecord,
    userId: string,
    target: string,
  ): Promise<Extract<TranslationItem, { status: 'original' }>['reason'] | null> {
    if (m.senderId === userId) return 'own';
    if (m.deletedAt || m.kind === 'system' || m.text.trim() === '') return 'no_text';
    const lang = await languageOf(m);
    if (lang === UNKNOWN_LANGUAGE) return 'unknown_language';
    if (lang === target) return 'same_language';
    return null;
  }

  /** One provider call for all of `todo`, with the quota reserved first and given back on failure. */
  async function callProvider(
    p: TranslationProvider,
    userId: string,
    todo: MessageRecord[],
    target: string,
  ): Promise<(Done | null)[]> {
    const paused = pausedUntil - clock.now().getTime();
    if (paused > 0) throw fromProvider(new TranslationProviderError('rate_limited', 'paused after a 429', paused));
    const prepared = todo.map((m) => protect(m.text));
    const chars = prepared.reduce((n, x) => n + x.text.length, 0);
    const day = dayKey(clock.now().getTime());
    const reserved = await storage.translations.reserve({
      userId,
      day,
      chars,
      userLimit: config.TRANSLATE_USER_DAILY_CHARS,
      globalLimit: config.TRANSLATE_GLOBAL_DAILY_CHARS,
    });
    if (!reserved.ok) throw quotaExceeded(reserved.exceeded);
    const sources = new Set(todo.map((m) => m.language));
    const [only] = sources;
    const source = sources.size === 1 && only && only !== UNKNOWN_LANGUAGE ? only : null;
    try {
      const out = await p
        .translate(
          prepared.map((x) => x.text),
          target,
          source,
        )
        .catch((err: unknown) => {
          // An adapter bug or an SDK surprise is still the provider failing, not a 500.
          if (err instanceof TranslationProviderError) throw err;
          throw new TranslationProviderError('unavailable', `${p.name} adapter failed: ${String(err)}`);
        });
      const now = clock.now();
      const done = out.map((r, i) => ({
        text: restore(r.text, prepared[i]?.tokens ?? []),
        source: r.detectedSource ?? todo[i]?.language ?? null,
      }));
      await storage.translations.save(
        todo.map((m, i) => ({
          messageId: m.id,
          version: translationVersion(m),
          target,
          source: done[i]?.source ?? null,
          text: done[i]?.text ?? '',
          createdAt: now,
        })),
      );
      return done;
    } catch (err) {
      await storage.translations.release({ userId, day, chars }).catch(() => undefined);
      if (err instanceof TranslationProviderError) {
        if (err.failure === 'rate_limited')
          pausedUntil = Math.max(pausedUntil, clock.now().getTime() + (err.retryAfterMs ?? RATE_LIMIT_PAUSE_MS));
        const log = err.failure === 'auth' || err.failure === 'unavailable' ? logger.error : logger.warn;
        log.call(
          logger,
          { failure: err.failure, provider: p.name, message: err.message },
          'translation provider failed',
        );
        throw fromProvider(err);
      }
      throw err;
    }
  }

  return {
    async status(userId: string): Promise<TranslationStatus> {
      const usage = await storage.translations.usage(userId, dayKey(clock.now().getTime()));
      return {
        enabled: provider !== null,
        provider: provider?.name ?? null,
        adminHint: provider ? null : NO_PROVIDER_HINT,
        languages: await languages(),
        quota: {
          userDailyChars: config.TRANSLATE_USER_DAILY_CHARS,
          usedToday: usage.user,
          globalExhausted: usage.global >= config.TRANSLATE_GLOBAL_DAILY_CHARS,
        },
      };
    },

    async conversation(userId: string, conversationId: string): Promise<ConversationTranslation> {
      const { conversation } = await requireReader(storage, conversationId, userId);
      const readable = serverMayReadContent(conversation);
      const auto = readable && provider !== null && (await storage.translations.isAuto(userId, conversationId));
      return {
        auto,
        available: readable && provider !== null,
        unavailableReason: !readable ? 'encrypted' : provider ? null : 'no_provider',
      };
    },

    async setAuto(userId: string, conversationId: string, auto: boolean): Promise<ConversationTranslation> {
      const { conversation } = await requireReader(storage, conversationId, userId);
      if (auto && !serverMayReadContent(conversation)) throw encryptedConversation();
      if (auto && !provider) throw noProvider();
      await storage.translations.setAuto(userId, conversationId, auto, clock.now());
      return this.conversation(userId, conversationId);
    },

    /**
     * A screenful of one conversation into `target`: cached ones from storage, the rest in ONE provider
     * call (per provider batch limit), cached for every other reader. Items come back in request order;
     * ids the reader cannot see are left out.
     */
    async translate(
      userId: string,
      conversationId: string,
      messageIds: string[],
      target: string,
    ): Promise<TranslationItem[]> {
      // Nothing goes to the provider, not even a language-list request, before the content policy says yes.
      const { conversation, me } = await requireReader(storage, conversationId, userId);
      if (!serverMayReadContent(conversation)) throw encryptedConversation();
      if (!provider) throw noProvider();
      const offered = await languages();
      if (offered.length > 0 && !offered.some((l) => l.code === target))
        throw unprocessable('This language cannot be chosen for translation', {
          target: ['Not offered by the provider'],
        });

      const ids = [...new Set(messageIds)];
      const floor = visibilityFloor(conversation, me);
      const [found, hidden] = await Promise.all([
        storage.messages.findByIds(ids),
        storage.messages.hiddenFor(userId, ids),
      ]);
      const hiddenSet = new Set(hidden);
      const visible = new Map(
        found
          .filter((m) => m.conversationId === conversationId && m.seq > floor && !hiddenSet.has(m.id))
          .map((m) => [m.id, m]),
      );

      const result = new Map<string, TranslationItem>();
      const wanted: MessageRecord[] = [];
      for (const m of visible.values()) {
        const reason = await keepOriginal(m, userId, target);
        if (reason) result.set(m.id, { messageId: m.id, status: 'original', reason });
        else wanted.push(m);
      }

      const cached = await storage.translations.find(
        wanted.map((m) => ({ messageId: m.id, version: translationVersion(m) })),
        target,
      );
      const cachedById = new Map(cached.map((c) => [c.messageId, c]));
      const translated = (m: MessageRecord, d: Done) =>
        result.set(m.id, { messageId: m.id, status: 'translated', text: d.text, source: d.source, target });
      const todo: MessageRecord[] = [];
      const waiting: [MessageRecord, Promise<Done | null>][] = [];
      for (const m of wanted) {
        const c = cachedById.get(m.id);
        const pending = inFlight.get(keyOf(m, target));
        if (c && c.version === translationVersion(m)) translated(m, c);
        else if (pending) waiting.push([m, pending]);
        else todo.push(m);
      }
      // Another reader's call for the same messages is under way: wait for it; if it failed, try ourselves.
      for (const [m, pending] of waiting) {
        const d = await pending;
        if (d) translated(m, d);
        else todo.push(m);
      }
      if (todo.length > 0) {
        const call = callProvider(provider, userId, todo, target);
        todo.forEach((m, i) => {
          const key = keyOf(m, target);
          const one = call.then(
            (all) => all[i] ?? null,
            () => null,
          );
          inFlight.set(key, one);
          void one.finally(() => inFlight.delete(key));
        });
        const done = await call;
        todo.forEach((m, i) => {
          const d = done[i];
          if (d) translated(m, d);
        });
      }
      return ids.flatMap((id) => {
        const item = result.get(id);
        return item ? [item] : [];
      });
    },
  };
}

export type TranslationService = ReturnType<typeof createTranslationService>;
