import {
  type ConversationSummary,
  conversationSummarySchema,
  historyPageSchema,
  page,
  participantSchema,
  paths,
} from '@charla/shared-types';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useRef } from 'react';
import { z } from 'zod';
import { useApp } from '../app-context.tsx';
import { takeEarly } from '../platform/early.ts';
import { readJson } from '../platform/http.ts';
import { type MessagesState, mergePage, sortConversations } from './cache.ts';
import { keys } from './query-keys.ts';

/** The chat list's first page (early-start.ts fetches the same one before the app loads). */
export const LIST_PAGE = 100;

/** Accepts either a bare array or a `{ items }` page, so small server shape choices don't break the UI. */
export function listOf<T extends z.ZodType>(item: T) {
  return z.union([z.array(item), page(item).transform((p) => p.items)]);
}

export function useConversations() {
  const { api } = useApp();
  return useQuery({
    queryKey: keys.conversations,
    queryFn: async () => {
      const schema = listOf(conversationSummarySchema);
      // The first page may have been fetched before the app loaded (early-start.ts): take it once.
      const early = await takeEarly('list');
      if (early?.ok) {
        const page = await readJson(early, schema).catch(() => null);
        if (page) return sortConversations(page);
      }
      return sortConversations(await api.get(`${paths.conversations.list}?limit=${LIST_PAGE}`, schema));
    },
    staleTime: 30_000,
  });
}

export function useConversation(id: string | undefined): ConversationSummary | undefined {
  const list = useConversations();
  return id ? list.data?.find((c) => c.id === id) : undefined;
}

/** `enabled: false` reads what is cached without fetching (every observer of a key shares its queryFn). */
export function useParticipants(conversationId: string, options: { enabled?: boolean } = {}) {
  const { api } = useApp();
  return useQuery({
    queryKey: keys.participants(conversationId),
    queryFn: () => api.get(paths.conversations.participants(conversationId), listOf(participantSchema)),
    staleTime: Number.POSITIVE_INFINITY,
    enabled: options.enabled ?? true,
  });
}

/** Messages: the latest page first, or a page around a message when jumping to it (search, reply). */
export function useMessages(conversationId: string, changeSeq: number, aroundSeq?: number) {
  const { api } = useApp();
  const qc = useQueryClient();
  const query = useQuery({
    queryKey: keys.messages(conversationId),
    queryFn: async (): Promise<MessagesState> => {
      const q = aroundSeq ? `around=${aroundSeq}&limit=100` : 'limit=50';
      const p = await api.get(`${paths.conversations.messages(conversationId)}?${q}`, historyPageSchema);
      return { items: p.items, hasMoreBefore: p.hasMoreBefore, hasMoreAfter: p.hasMoreAfter, changeSeq };
    },
    staleTime: Number.POSITIVE_INFINITY,
  });
  const loading = useRef<'before' | 'after' | null>(null);
  const load = useCallback(
    async (direction: 'before' | 'after') => {
      const state = qc.getQueryData<MessagesState>(keys.messages(conversationId));
      if (!state || loading.current) return;
      const edge = direction === 'before' ? state.items[0] : state.items.at(-1);
      if (!edge || !(direction === 'before' ? state.hasMoreBefore : state.hasMoreAfter)) return;
      loading.current = direction;
      try {
        const p = await api.get(
          `${paths.conversations.messages(conversationId)}?${direction}=${edge.seq}&limit=50`,
          historyPageSchema,
        );
        qc.setQueryData<MessagesState>(keys.messages(conversationId), (s) =>
          s ? mergePage(s, p.items, direction, direction === 'before' ? p.hasMoreBefore : p.hasMoreAfter) : s,
        );
      } finally {
        loading.current = null;
      }
    },
    [api, qc, conversationId],
  );
  const loadOlder = useCallback(() => load('before'), [load]);
  const loadNewer = useCallback(() => load('after'), [load]);
  return { ...query, loadOlder, loadNewer };
}
