import type { ConversationSummary, Message, Participant } from '@charla/shared-types';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import { useApp } from '../app-context.tsx';
import { useSettings } from '../ui/settings.tsx';
import { playPing } from '../ui/sound.ts';
import { bumpConversation, type MessagesState, senderReadUpTo, upsertMessage } from './cache.ts';
import { ChangeFeeds } from './change-feed.ts';
import { incomingNotification } from './incoming-notification.ts';
import { newClientMsgId, Outbox, type OutboxEntry } from './outbox.ts';
import { reportPresence } from './presence-report.ts';
import { presenceBatches, presenceWanted } from './presence-targets.ts';
import { keys } from './query-keys.ts';
import { type ChatSocket, createChatSocket, request } from './socket.ts';
import { catchUp, socketHandlers } from './sync.ts';

export type Draft = { text: string; replyToId?: string; mentions: string[]; attachments?: string[] };

type RealtimeValue = {
  socket: ChatSocket;
  connected: boolean;
  pending: OutboxEntry[];
  send: (conversationId: string, draft: Draft) => Promise<void>;
  retry: (clientMsgId: string) => void;
  discard: (clientMsgId: string) => void;
  typing: Record<string, string[]>;
  presence: Record<string, string>;
  /** When people were last seen (null when their privacy setting hides it), for "last seen" lines. */
  lastSeen: Record<string, string | null>;
  emitTyping: (conversationId: string) => void;
  setActive: (conversationId: string | null) => void;
};

const RealtimeContext = createContext<RealtimeValue | null>(null);
const TYPING_THROTTLE_MS = 3_000;
const TYPING_TTL_MS = 6_000;

export function RealtimeProvider({ meId, children }: { meId: string; children: ReactNode }) {
  const { platform, api, sessionLost } = useApp();
  const { settings } = useSettings();
  const qc = useQueryClient();
  const active = useRef<string | null>(null);
  const settingsRef = useRef(settings);
  settingsRef.current = settings;
  const [connected, setConnected] = useState(false);
  const [pending, setPending] = useState<OutboxEntry[]>([]);
  const [typing, setTyping] = useState<Record<string, string[]>>({});
  const [presence, setPresence] = useState<Record<string, string>>({});
  const [lastSeen, setLastSeen] = useState<Record<string, string | null>>({});
  const typingTimers = useRef(new Map<string, ReturnType<typeof setTimeout>>());
  const lastTypingEmit = useRef(new Map<string, number>());

  const lost = useRef<(r: 'revoked' | 'expired') => void>(() => undefined);
  lost.current = sessionLost;

  const socket = useMemo(
    () => createChatSocket(platform.serverUrl(), platform.session, (r) => lost.current(r)),
    [platform],
  );
  const outbox = useMemo(() => new Outbox(`charla-outbox-${meId}`), [meId]);

  const onSent = useCallback(
    (_e: OutboxEntry, result: unknown) => {
      const m = result as Message;
      qc.setQueryData<MessagesState>(keys.messages(m.conversationId), (s) => (s ? upsertMessage(s, m) : s));
      // Sending means I have read up to my message (no receipt comes for it).
      qc.setQueryData<Participant[]>(keys.participants(m.conversationId), (p) => (p ? senderReadUpTo(p, m) : p));
      qc.setQueryData<ConversationSummary[]>(keys.conversations, (l) =>
        l ? bumpConversation(l, m, meId, active.current) : l,
      );
    },
    [qc, meId],
  );
  const flush = useCallback(
    () =>
      outbox.flush(
        (e) =>
          request(socket, 'message:send', {
            conversationId: e.conversationId,
            clientMsgId: e.clientMsgId,
            text: e.text,
            attachments: e.attachments,
            mentions: e.mentions,
            ...(e.replyToId ? { replyToId: e.replyToId } : {}),
          }),
        onSent,
      ),
    [outbox, socket, onSent],
  );

  useEffect(() => {
    const unsubscribe = outbox.subscribe(setPending);
    const feeds = new ChangeFeeds({ qc, api, meId, activeConversationId: () => active.current });
    const handlers = socketHandlers({
      qc,
      meId,
      api,
      feeds,
      activeConversationId: () => active.current,
      onIncoming: (m, event) => {
        socket.emit('message:delivered', { conversationId: m.conversationId, seq: m.seq });
        const request = incomingNotification(m, {
          meId,
          conversation: qc
            .getQueryData<ConversationSummary[]>(keys.conversations)
            ?.find((c) => c.id === m.conversationId),
          members: qc.getQueryData<Participant[]>(keys.participants(m.conversationId)),
          notifyEvenIfMuted: event.notifyEvenIfMuted,
        });
        void platform
          .notify(request)
          .then((outcome) => {
            // Native notifications make their own sound (main passes silent: !sound); the web pings.
            const n = settingsRef.current.notifications;
            if (outcome !== 'suppressed' && n.sound && !platform.supports.nativeNotifications) playPing();
          })
          .catch(() => undefined);
      },
      onTyping: (conversationId, userId, isTyping) => {
        const key = `${conversationId}:${userId}`;
        clearTimeout(typingTimers.current.get(key));
        setTyping((t) => {
          const cur = (t[conversationId] ?? []).filter((u) => u !== userId);
          return { ...t, [conversationId]: isTyping ? [...cur, userId] : cur };
        });
        if (isTyping) {
          typingTimers.current.set(
            key,
            setTimeout(
              () =>
                setTyping((t) => ({ ...t, [conversationId]: (t[conversationId] ?? []).filter((u) => u !== userId) })),
              TYPING_TTL_MS,
            ),
          );
        }
      },
      onPresence: (userId, status, lastSeenAt) => {
        setPresence((p) => ({ ...p, [userId]: status }));
        setLastSeen((l) => ({ ...l, [userId]: lastSeenAt }));
      },
    });
    const bound = Object.entries(handlers) as [keyof typeof handlers, (...args: never[]) => void][];
    for (const [event, fn] of bound) socket.on(event, fn as never);
    let firstConnect = true;
    const onConnect = () => {
      setConnected(true);
      const wasFirst = firstConnect;
      firstConnect = false;
      void (async () => {
        if (!wasFirst) await catchUp(qc, api, feeds, meId).catch(() => undefined);
        await flush();
      })();
    };
    const onDisconnect = () => setConnected(false);
    const onOnline = () => {
      if (!socket.connected) socket.connect();
      else void flush();
    };
    socket.on('connect', onConnect);
    socket.on('disconnect', onDisconnect);
    window.addEventListener('online', onOnline);
    socket.connect();
    return () => {
      unsubscribe();
      window.removeEventListener('online', onOnline);
      // Only our handlers: the socket's own auth handlers (createChatSocket) must survive a remount.
      for (const [event, fn] of bound) socket.off(event, fn as never);
      socket.off('connect', onConnect);
      socket.off('disconnect', onDisconnect);
      socket.disconnect();
      void outbox.close();
    };
  }, [socket, outbox, qc, api, meId, platform, flush]);

  // The unread badge follows the conversation list (title + favicon on the web, tray/dock on desktop).
  useEffect(
    () =>
      qc.getQueryCache().subscribe((ev) => {
        if (ev.query.queryKey[0] !== keys.conversations[0]) return;
        const list = ev.query.state.data as ConversationSummary[] | undefined;
        const muted = (c: ConversationSummary) => c.me.mutedUntil !== null && Date.parse(c.me.mutedUntil) > Date.now();
        platform.setUnreadBadge((list ?? []).reduce((n, c) => n + (muted(c) ? 0 : c.unreadCount), 0));
      }),
    [qc, platform],
  );

  // Delivery receipts for what arrived while this device was away (the list knows the latest seq).
  const delivered = useRef(new Map<string, number>());
  const pendingDelivery = useQuery({
    queryKey: keys.conversations,
    enabled: false,
    select: (l: ConversationSummary[]) =>
      l
        .filter((c) => c.lastMessage && c.lastMessage.senderId !== meId && c.lastSeq > c.me.lastDeliveredSeq)
        .map((c) => `${c.id}:${c.lastSeq}`)
        .join(','),
  }).data;
  useEffect(() => {
    if (!connected || !pendingDelivery) return;
    for (const item of pendingDelivery.split(',')) {
      const at = item.lastIndexOf(':');
      const id = item.slice(0, at);
      const seq = Number(item.slice(at + 1));
      if ((delivered.current.get(id) ?? 0) >= seq) continue;
      delivered.current.set(id, seq);
      socket.emit('message:delivered', { conversationId: id, seq });
    }
  }, [connected, pendingDelivery, socket]);

  // Presence of the people I have direct chats with and of the members of the group on screen.
  // Subscriptions live on the socket: after a reconnect everything is subscribed again.
  const [activeId, setActiveId] = useState<string | null>(null);
  const subscribed = useRef(new Set<string>());
  const list = useQuery({ queryKey: keys.conversations, enabled: false }).data as ConversationSummary[] | undefined;
  const openGroup = list?.find((c) => c.id === activeId && c.kind !== 'direct');
  const members = useQuery({
    queryKey: keys.participants(openGroup?.id ?? ''),
    enabled: false,
  }).data as Participant[] | undefined;
  const wanted = useMemo(
    () => presenceWanted(list, openGroup ? members : undefined, meId).join(','),
    [list, openGroup, members, meId],
  );
  useEffect(() => {
    if (!connected) {
      subscribed.current.clear();
      return;
    }
    if (!wanted) return;
    for (const batch of presenceBatches(wanted.split(','), subscribed.current)) {
      for (const id of batch) subscribed.current.add(id);
      void request(socket, 'presence:subscribe', { userIds: batch })
        .then((states) => {
          setPresence((p) => ({ ...p, ...Object.fromEntries(states.map((x) => [x.userId, x.status])) }));
          setLastSeen((l) => ({ ...l, ...Object.fromEntries(states.map((x) => [x.userId, x.lastSeenAt])) }));
        })
        .catch(() => {
          // Try again with the next change or reconnect.
          for (const id of batch) subscribed.current.delete(id);
        });
    }
  }, [connected, wanted, socket]);

  // This device's own presence: away while hidden or idle, so the server notifies in the background.
  useEffect(() => {
    if (!connected) return;
    return reportPresence(
      (status) => void request(socket, 'presence:set', { status }).catch(() => undefined),
      platform.onSystemAway?.bind(platform),
    );
  }, [connected, socket, platform]);

  const send = useCallback(
    async (conversationId: string, draft: Draft) => {
      await outbox.add({
        clientMsgId: newClientMsgId(),
        conversationId,
        text: draft.text,
        mentions: draft.mentions,
        attachments: draft.attachments ?? [],
        ...(draft.replyToId ? { replyToId: draft.replyToId } : {}),
      });
      socket.emit('typing:stop', { conversationId });
      lastTypingEmit.current.delete(conversationId);
      if (socket.connected && navigator.onLine) await flush();
    },
    [outbox, socket, flush],
  );
  const retry = useCallback(
    (id: string) => void outbox.retry(id).then(() => (socket.connected ? flush() : undefined)),
    [outbox, socket, flush],
  );
  const discard = useCallback((id: string) => void outbox.remove(id), [outbox]);
  const emitTyping = useCallback(
    (conversationId: string) => {
      const now = Date.now();
      if (now - (lastTypingEmit.current.get(conversationId) ?? 0) < TYPING_THROTTLE_MS) return;
      lastTypingEmit.current.set(conversationId, now);
      if (socket.connected) socket.emit('typing:start', { conversationId });
    },
    [socket],
  );
  const setActive = useCallback(
    (id: string | null) => {
      active.current = id;
      setActiveId(id);
      // The host's notification policy needs the conversation on screen (electron: main process).
      platform.focusConversation(id);
    },
    [platform],
  );

  const value = useMemo(
    () => ({ socket, connected, pending, send, retry, discard, typing, presence, lastSeen, emitTyping, setActive }),
    [socket, connected, pending, send, retry, discard, typing, presence, lastSeen, emitTyping, setActive],
  );
  return <RealtimeContext.Provider value={value}>{children}</RealtimeContext.Provider>;
}

export function useRealtime(): RealtimeValue {
  const ctx = useContext(RealtimeContext);
  if (!ctx) throw new Error('useRealtime outside RealtimeProvider');
  return ctx;
}
