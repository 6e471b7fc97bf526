import {
  type ConversationTranslation,
  conversationTranslationSchema,
  paths,
  translationStatusSchema,
} from '@charla/shared-types';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { useApp, useMe } from '../../app-context.tsx';
import { useI18n } from '../../ui/i18n.tsx';
import { useMySpaces } from '../spaces/space-queries.ts';

export const translationKeys = {
  status: ['translation', 'status'] as const,
  conversation: (id: string) => ['translation', 'conversation', id] as const,
};

/** Whether translation is on for this server, the languages it offers, today's use. */
export function useTranslationStatus() {
  const { api } = useApp();
  return useQuery({
    queryKey: translationKeys.status,
    queryFn: () => api.get(paths.translation.status, translationStatusSchema),
    staleTime: 5 * 60_000,
  });
}

/** The reader's language: their choice, else the language of the space they are in, else the app's UI language. */
export function useReadingLanguage(): string {
  const me = useMe();
  const { locale } = useI18n();
  const { space } = useApp();
  const mine = useMySpaces();
  const spaceLanguage = mine.data?.find((s) => s.id === space.id)?.defaultLanguage ?? null;
  return me.readingLanguage ?? spaceLanguage ?? locale;
}

/** My "Translate automatically" for one conversation, and whether translation can be used there. */
export function useConversationTranslation(conversationId: string) {
  const { api } = useApp();
  const qc = useQueryClient();
  const query = useQuery({
    queryKey: translationKeys.conversation(conversationId),
    queryFn: () => api.get(paths.translation.conversation(conversationId), conversationTranslationSchema),
    staleTime: 60_000,
  });
  const setAuto = useCallback(
    async (auto: boolean) => {
      const key = translationKeys.conversation(conversationId);
      const before = qc.getQueryData<ConversationTranslation>(key);
      if (before) qc.setQueryData(key, { ...before, auto });
      try {
        qc.setQueryData(
          key,
          await api.send('PUT', paths.translation.conversation(conversationId), conversationTranslationSchema, {
            auto,
          }),
        );
      } catch (e) {
        if (before) qc.setQueryData(key, before);
        throw e;
      }
    },
    [api, qc, conversationId],
  );
  return { ...query, setAuto };
}

/** "Spanish" in English, "español" in Spanish; the code itself when the runtime has no name for it. */
export function languageName(code: string, locale: string): string {
  try {
    return new Intl.DisplayNames([locale], { type: 'language' }).of(code) ?? code;
  } catch {
    return code;
  }
}
