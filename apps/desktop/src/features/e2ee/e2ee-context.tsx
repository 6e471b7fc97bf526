import type { LocalMessage, LocalRecord } from '@charla/e2ee';
import type { ConversationSummary, Participant } from '@charla/shared-types';
import { useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import { useConversations } from '../../api/queries.ts';
import { keys } from '../../api/query-keys.ts';
import { useApp, useMe } from '../../app-context.tsx';
import { useRealtime } from '../../realtime/realtime.tsx';
import type { E2eeBridge } from './e2ee-bridge.ts';
import { encryptedNotification, newestIncoming } from './e2ee-notify.ts';

/*
 * Starts the E2EE worker when the user has (or opens, or creates) an encrypted chat, forwards the
 * server's e2ee socket events to it, and tells screens when a conversation's local history changed.
 * This file stays small and free of MLS: the bridge, the worker and ts-mls load on demand.
 */

type Status = 'idle' | 'loading' | 'ready' | 'failed';

type E2eeValue = {
  status: Status;
  error: string | null;
  bridge: E2eeBridge | null;
  /** Bumped whenever a conversation's local history changed. */
  version: (conversationId: string) => number;
  /** Loads the engine now (opening or creating an encrypted chat). */
  ensure: () => void;
  /**
   * Unread messages of an encrypted chat, counted on this device: the server cannot tell a text from
   * a reaction or an edit in ciphertext, so its own count would be wrong. Null until the store is read.
   */
  unread: (conversationId: string, lastReadSeq: number) => number | null;
  /** The newest message of an encrypted chat on this device, for the chat list (undefined: not read yet). */
  latest: (conversationId: string) => LocalMessage | null | undefined;
};

type Digest = { incoming: number[]; mentions: number[]; latest: LocalMessage | null };

/** Seqs of other people's messages still shown (what an unread count counts). */
const unreadIn = (d: Digest, lastReadSeq: number) => d.incoming.filter((s) => s > lastReadSeq).length;
const mentionsIn = (d: Digest, lastReadSeq: number) => d.mentions.filter((s) => s > lastReadSeq).length;

const digest = (records: LocalRecord[], meId: string): Digest => {
  const messages = records.filter((r): r is LocalMessage => r.kind === 'message');
  return {
    incoming: messages.flatMap((r) => (!r.deletedAt && r.senderId !== meId ? [r.seq] : [])),
    mentions: messages.flatMap((r) =>
      !r.deletedAt && r.senderId !== meId && r.mentions.includes(meId) ? [r.seq] : [],
    ),
    latest: messages.reduce<LocalMessage | null>((a, r) => (a && a.seq > r.seq ? a : r), null),
  };
};

const E2eeContext = createContext<E2eeValue | null>(null);

export function E2eeProvider({ children }: { children: ReactNode }) {
  const { platform } = useApp();
  const me = useMe();
  const { socket } = useRealtime();
  const qc = useQueryClient();
  const list = useConversations();
  const [status, setStatus] = useState<Status>('idle');
  const [error, setError] = useState<string | null>(null);
  const [bridge, setBridge] = useState<E2eeBridge | null>(null);
  const [versions, setVersions] = useState<Record<string, number>>({});
  const [digests, setDigests] = useState<Record<string, Digest>>({});
  const [wanted, setWanted] = useState(false);
  const started = useRef(false);

  const encryptedIds = useMemo(() => (list.data ?? []).filter((c) => c.encrypted).map((c) => c.id), [list.data]);
  const needed = wanted || encryptedIds.length > 0;

  useEffect(() => {
    if (!needed || started.current) return;
    started.current = true;
    setStatus('loading');
    let cancelled = false;
    let made: E2eeBridge | null = null;
    Promise.all([import('./e2ee-bridge.ts'), platform.e2eeStoreKey?.() ?? Promise.resolve(null)])
      .then(([{ startE2ee }, keyBytes]) =>
        startE2ee({
          // Desktop: the store key from the OS keychain; web: a non-extractable key in IndexedDB.
          ...(keyBytes ? { keyBytes } : {}),
          userId: me.id,
          apiBase: `${platform.serverUrl()}/api/v1`,
          deviceName: platform.kind === 'electron' ? 'Charla desktop' : 'Web browser',
          getToken: (forceRefresh) => platform.session.getAccessToken(forceRefresh ? { forceRefresh: true } : {}),
        }),
      )
      .then((b) => {
        made = b;
        if (cancelled) return b.close();
        setBridge(b);
        setStatus('ready');
      })
      .catch((err: unknown) => {
        if (cancelled) return;
        setError(err instanceof Error ? err.message : String(err));
        setStatus('failed');
      });
    return () => {
      cancelled = true;
      made?.close();
      started.current = false;
    };
  }, [needed, me.id, platform]);

  // Local history changed: screens re-read it, and a new message from someone else notifies
  // (decrypted here: what the server pushes carries no content).
  const notified = useRef(new Map<string, number>());
  const startedAt = useRef(Date.now());
  useEffect(
    () =>
      bridge?.on((e) => {
        if (!e.conversationId) return;
        const id = e.conversationId;
        setVersions((v) => ({ ...v, [id]: (v[id] ?? 0) + 1 }));
        if (e.type !== 'messages') return;
        void bridge
          .call('history', id)
          .then((records) => {
            setDigests((v) => ({ ...v, [id]: digest(records, me.id) }));
            const m = newestIncoming(records, {
              meId: me.id,
              after: notified.current.get(id) ?? 0,
              since: startedAt.current - 5_000,
            });
            if (!m) return;
            notified.current.set(id, m.seq);
            const conversation = qc.getQueryData<ConversationSummary[]>(keys.conversations)?.find((c) => c.id === id);
            const members = qc.getQueryData<Participant[]>(keys.participants(id));
            return platform.notify(
              encryptedNotification(m, { meId: me.id, conversation, ...(members ? { members } : {}) }),
            );
          })
          .catch(() => undefined);
      }),
    [bridge, me.id, platform, qc],
  );

  // The server's facts about encrypted chats go to the worker.
  useEffect(() => {
    if (!bridge) return;
    const forward = (type: 'message' | 'welcome' | 'roster') => (e: { conversationId: string }) =>
      void bridge.call('handle', { type, conversationId: e.conversationId }).catch(() => undefined);
    const onMessage = forward('message');
    const onWelcome = forward('welcome');
    const onRoster = forward('roster');
    // Membership changes in an encrypted chat: a member's device brings the group in line.
    const onMembers = (e: { conversationId: string }) => {
      if (encryptedIds.includes(e.conversationId)) onRoster(e);
    };
    socket.on('e2ee:message', onMessage);
    socket.on('e2ee:welcome', onWelcome);
    socket.on('e2ee:roster_stale', onRoster);
    socket.on('participant:joined', onMembers);
    socket.on('participant:left', onMembers);
    return () => {
      socket.off('e2ee:message', onMessage);
      socket.off('e2ee:welcome', onWelcome);
      socket.off('e2ee:roster_stale', onRoster);
      socket.off('participant:joined', onMembers);
      socket.off('participant:left', onMembers);
    };
  }, [bridge, socket, encryptedIds]);

  // Events that came while nobody listened (the engine was starting, or the socket was down) are
  // caught up: Welcomes at once, and Welcomes plus every encrypted chat's log on each reconnect.
  const encryptedRef = useRef(encryptedIds);
  encryptedRef.current = encryptedIds;
  useEffect(() => {
    if (!bridge) return;
    const welcomes = () => void bridge.call('processWelcomes').catch(() => undefined);
    const onConnect = () => {
      welcomes();
      for (const id of encryptedRef.current)
        void bridge.call('handle', { type: 'message', conversationId: id }).catch(() => undefined);
    };
    welcomes();
    socket.on('connect', onConnect);
    return () => {
      socket.off('connect', onConnect);
    };
  }, [bridge, socket]);

  // Catch up on every encrypted chat once the engine runs (and when new ones appear).
  const caughtUp = useRef(new Set<string>());
  useEffect(() => {
    if (!bridge) return;
    for (const id of encryptedIds) {
      if (caughtUp.current.has(id)) continue;
      caughtUp.current.add(id);
      void bridge.call('handle', { type: 'roster', conversationId: id }).catch(() => undefined);
      void bridge
        .call('history', id)
        .then((records) => setDigests((v) => ({ ...v, [id]: digest(records, me.id) })))
        .catch(() => undefined);
    }
  }, [bridge, encryptedIds, me.id]);

  // The list's unread counts of encrypted chats are this device's (the server's cannot tell a text
  // from a reaction in ciphertext): written into the cache, so the badge, the Unread filter and the
  // row menu agree, and again after every refetch.
  useEffect(() => {
    const stale = (list.data ?? []).some((c) => {
      const d = c.encrypted ? digests[c.id] : undefined;
      return (
        d && (unreadIn(d, c.me.lastReadSeq) !== c.unreadCount || mentionsIn(d, c.me.lastReadSeq) !== c.unreadMentions)
      );
    });
    if (!stale) return;
    qc.setQueryData<ConversationSummary[]>(keys.conversations, (l) =>
      l?.map((c) => {
        const d = c.encrypted ? digests[c.id] : undefined;
        return d
          ? { ...c, unreadCount: unreadIn(d, c.me.lastReadSeq), unreadMentions: mentionsIn(d, c.me.lastReadSeq) }
          : c;
      }),
    );
  }, [list.data, digests, qc]);

  const version = useCallback((id: string) => versions[id] ?? 0, [versions]);
  const ensure = useCallback(() => setWanted(true), []);
  const unread = useCallback(
    (id: string, lastReadSeq: number) => {
      const d = digests[id];
      return d ? unreadIn(d, lastReadSeq) : null;
    },
    [digests],
  );
  const latest = useCallback((id: string) => digests[id]?.latest, [digests]);
  const value = useMemo(
    () => ({ status, error, bridge, version, ensure, unread, latest }),
    [status, error, bridge, version, ensure, unread, latest],
  );
  return <E2eeContext.Provider value={value}>{children}</E2eeContext.Provider>;
}

/** A chat's unread count: this device's own count for an encrypted chat, the server's otherwise. */
export function useUnreadCount(c: Pick<ConversationSummary, 'id' | 'encrypted' | 'unreadCount' | 'me'>): number {
  const ctx = useContext(E2eeContext);
  if (!c.encrypted || !c.me) return c.unreadCount;
  return ctx?.unread(c.id, c.me.lastReadSeq) ?? c.unreadCount;
}

/** The newest message of an encrypted chat, decrypted on this device (null id: not encrypted). */
export function useEncryptedPreview(conversationId: string | null): LocalMessage | null | undefined {
  const ctx = useContext(E2eeContext);
  return conversationId ? ctx?.latest(conversationId) : undefined;
}

export function useE2ee(): E2eeValue {
  const ctx = useContext(E2eeContext);
  if (!ctx) throw new Error('useE2ee outside E2eeProvider');
  return ctx;
}
