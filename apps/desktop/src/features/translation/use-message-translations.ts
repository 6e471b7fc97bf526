import type { Message } from '@charla/shared-types';
import { useMemo } from 'react';
import { useConversationTranslation, useReadingLanguage, useTranslationStatus } from './translation-queries.ts';
import type { TranslationActions } from './translation-ui.tsx';
import { isForeign, type MessageTranslation, useChatTranslation } from './use-chat-translation.ts';

/** What a message row gets: set only for messages in another language than the reader's. */
export type RowTranslation = {
  translation: MessageTranslation | undefined;
  /** Auto-translate is on, or the reader asked for this one: request it once rendered (= on screen). */
  wantTranslation: boolean;
  translationActions: TranslationActions | undefined;
};

/** The open chat's translations: the notice above the composer, and each message row's part. */
export function useMessageTranslations(conversationId: string, meId: string) {
  const target = useReadingLanguage();
  const status = useTranslationStatus();
  const conv = useConversationTranslation(conversationId);
  // Only where the server offers it (a provider is set, the conversation is not end-to-end encrypted).
  const available = Boolean(status.data?.enabled && conv.data?.available);
  const auto = Boolean(conv.data?.auto);
  const tr = useChatTranslation({ conversationId, target, enabled: available });
  return useMemo(() => {
    const actions: TranslationActions = { want: tr.want, translate: tr.translate, toggleOriginal: tr.toggleOriginal };
    return {
      notice: tr.notice,
      dismissNotice: tr.dismissNotice,
      row(m: Message): RowTranslation {
        const foreign = available && isForeign(m, meId, target);
        return {
          translation: foreign ? tr.view(m) : undefined,
          wantTranslation: foreign && tr.wanted(m, auto),
          translationActions: foreign ? actions : undefined,
        };
      },
    };
  }, [tr, available, auto, meId, target]);
}
