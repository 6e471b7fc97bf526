import { type Message, paths, translateResponseSchema } from '@charla/shared-types';
import { type Dispatch, type SetStateAction, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ApiClient } from '../../api/client.ts';
import { useApp } from '../../app-context.tsx';
import { isApiError } from '../../platform/errors.ts';

/** What the reader sees of one message's translation. */
export type MessageTranslation =
  | { state: 'idle' }
  | { state: 'loading' }
  | { state: 'translated'; text: string; source: string | null; showOriginal: boolean }
  /** The server kept it as written (same language, too short to tell). */
  | { state: 'original' }
  /** The provider or the quota said no: the original is shown. */
  | { state: 'failed' };

/** Shown above the composer when translations could not be made. */
export type TranslationNotice = 'quota' | 'unavailable' | null;

const IDLE: MessageTranslation = { state: 'idle' };
/** One request per screenful: the server takes at most 50 ids. */
const BATCH = 50;

/** A translation belongs to one edit of a message: an edit asks again. */
const keyOf = (m: Message) => `${m.id}:${m.editedAt ?? ''}`;

/** In another language than the reader's, written by someone else, with text: "Translate" applies. */
export function isForeign(m: Message, meId: string, target: string): boolean {
  return (
    m.senderId !== meId &&
    m.kind !== 'system' &&
    m.deletedAt === null &&
    m.text.trim() !== '' &&
    m.language !== null &&
    m.language !== 'unknown' &&
    m.language !== target
  );
}

/**
 * Translations for the open chat. Messages ask for theirs when they are rendered (the list is
 * virtual, so that means on screen); asks made in the same frame go out as one request, which the
 * server answers from its cache or with one provider call. Failures leave the originals in place.
 */
export function useChatTranslation(options: { conversationId: string; target: string; enabled: boolean }) {
  const { conversationId, target, enabled } = options;
  const { api } = useApp();
  const [states, setStates] = useState<ReadonlyMap<string, MessageTranslation>>(new Map());
  const [notice, setNotice] = useState<TranslationNotice>(null);
  /** Messages the reader asked for with "Translate" (kept across edits). */
  const explicit = useRef(new Set<string>());
  const queue = useRef(new Map<string, string>());
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const generation = useRef(0);

  // Another chat or another reading language: start over.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the reset is keyed on these two on purpose
  useEffect(() => {
    generation.current += 1;
    setStates(new Map());
    setNotice(null);
    explicit.current.clear();
    queue.current.clear();
  }, [conversationId, target]);

  const patch = useCallback((entries: [string, MessageTranslation][]) => {
    if (entries.length === 0) return;
    setStates((prev) => {
      const next = new Map(prev);
      for (const [k, v] of entries) next.set(k, v);
      return next;
    });
  }, []);

  const flush = useCallback(() => {
    timer.current = null;
    const batch = [...queue.current.entries()].slice(0, BATCH);
    for (const [id] of batch) queue.current.delete(id);
    if (queue.current.size > 0) timer.current = setTimeout(flush, 0);
    if (batch.length === 0) return;
    const gen = generation.current;
    patch(batch.map(([, key]) => [key, { state: 'loading' }]));
    requestBatch(api, conversationId, target, batch).then(
      (out) => {
        if (gen === generation.current) patch(out);
      },
      (e: unknown) => {
        if (gen !== generation.current) return;
        setNotice(isApiError(e, 'translation_quota_exceeded') ? 'quota' : 'unavailable');
        patch(batch.map(([, key]) => [key, { state: 'failed' }]));
      },
    );
  }, [api, conversationId, target, patch]);

  const enqueue = useCallback(
    (m: Message) => {
      if (!enabled) return;
      queue.current.set(m.id, keyOf(m));
      timer.current ??= setTimeout(flush, 16);
    },
    [enabled, flush],
  );

  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );

  return useMemo(
    () => ({
      notice,
      dismissNotice: () => setNotice(null),
      ...perMessage(states, setStates, explicit.current, enqueue),
    }),
    [notice, states, enqueue],
  );
}

/** One request for a batch of [messageId, stateKey]; every id gets a state back (missing ones: original). */
async function requestBatch(
  api: ApiClient,
  conversationId: string,
  target: string,
  batch: [string, string][],
): Promise<[string, MessageTranslation][]> {
  const res = await api.send('POST', paths.translation.translate(conversationId), translateResponseSchema, {
    messageIds: batch.map(([id]) => id),
    target,
  });
  const keyById = new Map(batch);
  const seen = new Set<string>();
  const out: [string, MessageTranslation][] = [];
  for (const item of res.items) {
    const key = keyById.get(item.messageId);
    if (!key) continue;
    seen.add(item.messageId);
    out.push([
      key,
      item.status === 'translated'
        ? { state: 'translated', text: item.text, source: item.source, showOriginal: false }
        : { state: 'original' },
    ]);
  }
  for (const [id, key] of batch) if (!seen.has(id)) out.push([key, { state: 'original' }]);
  return out;
}

/** What a message row asks of the chat's translations. */
function perMessage(
  states: ReadonlyMap<string, MessageTranslation>,
  setStates: Dispatch<SetStateAction<ReadonlyMap<string, MessageTranslation>>>,
  explicit: Set<string>,
  enqueue: (m: Message) => void,
) {
  return {
    view: (m: Message): MessageTranslation => states.get(keyOf(m)) ?? IDLE,
    /** Asked for already (auto, or "Translate" on an earlier edit of it). */
    wanted: (m: Message, auto: boolean) => auto || explicit.has(m.id),
    /** A rendered message that wants a translation and has none yet. */
    want: (m: Message) => {
      const s = states.get(keyOf(m));
      if (!s || s.state === 'idle') enqueue(m);
    },
    /** The "Translate" button: asks even after a failure. */
    translate: (m: Message) => {
      explicit.add(m.id);
      enqueue(m);
    },
    toggleOriginal: (m: Message) =>
      setStates((prev) => {
        const s = prev.get(keyOf(m));
        if (s?.state !== 'translated') return prev;
        return new Map(prev).set(keyOf(m), { ...s, showOriginal: !s.showOriginal });
      }),
  };
}
