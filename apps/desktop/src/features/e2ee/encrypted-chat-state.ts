import type { LocalRecord } from '@charla/e2ee';
import type { ConversationSummary } from '@charla/shared-types';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { markRead } from '../../api/cache.ts';
import { keys } from '../../api/query-keys.ts';
import { useRealtime } from '../../realtime/realtime.tsx';
import type { E2eeBridge } from './e2ee-bridge.ts';

/** Where this device stands in an encrypted chat. */
export type Where = 'loading' | 'ready' | 'waiting' | 'removed' | 'broken';

/**
 * This device's place in the chat's group; joins or creates the group when it is not in yet.
 * Re-checked whenever the worker reports a change for the conversation (`version`).
 */
export function useDeviceMembership(bridge: E2eeBridge | null, id: string, version: number): Where {
  const [where, setWhere] = useState<Where>('loading');
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-checked whenever the worker reports a change (version)
  useEffect(() => {
    if (!bridge) return;
    let cancelled = false;
    void (async () => {
      let s = await bridge.call('status', id);
      if (s === 'none') s = (await bridge.call('reconcile', id).catch(() => false)) ? 'member' : 'none';
      if (cancelled) return;
      setWhere(s === 'member' ? 'ready' : s === 'none' ? 'waiting' : s);
    })();
    return () => {
      cancelled = true;
    };
  }, [bridge, id, version]);
  return where;
}

/** The chat's decrypted history on this device (null until read), re-read on every change. */
export function useLocalHistory(bridge: E2eeBridge | null, id: string, version: number): LocalRecord[] | null {
  const [records, setRecords] = useState<LocalRecord[] | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-read whenever the worker reports a change (version)
  useEffect(() => {
    if (!bridge) return;
    let cancelled = false;
    void bridge.call('history', id).then((r) => !cancelled && setRecords(r));
    return () => {
      cancelled = true;
    };
  }, [bridge, id, version]);
  return records;
}

/**
 * Read receipts while the chat is open in a visible window: how far this device read (what it
 * decrypted, and the server's system lines after it), never what.
 */
export function useEncryptedReadReceipts(conversation: ConversationSummary, readUpTo: number, lastSeq: number) {
  const qc = useQueryClient();
  const rt = useRealtime();
  const id = conversation.id;
  const lastReadSeq = conversation.me.lastReadSeq;
  useEffect(() => {
    if (readUpTo <= lastReadSeq) return;
    const send = () => {
      if (document.visibilityState !== 'visible') return;
      rt.socket.emit('conversation:read', { conversationId: id, seq: readUpTo });
      qc.setQueryData<ConversationSummary[]>(keys.conversations, (l) => (l ? markRead(l, id, readUpTo) : l));
    };
    send();
    document.addEventListener('visibilitychange', send);
    return () => document.removeEventListener('visibilitychange', send);
  }, [readUpTo, lastReadSeq, id, rt.socket, qc]);
  useEffect(() => {
    if (lastSeq > lastReadSeq && document.visibilityState === 'visible')
      rt.socket.emit('conversation:read', { conversationId: id, seq: lastSeq });
  }, [lastSeq, lastReadSeq, id, rt.socket]);
}
