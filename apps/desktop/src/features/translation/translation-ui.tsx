import type { Message } from '@charla/shared-types';
import { useId, useState } from 'react';
import { useMe } from '../../app-context.tsx';
import { useI18n } from '../../ui/i18n.tsx';
import { useToasts } from '../../ui/toasts.tsx';
import { errorText } from '../auth/auth-form.tsx';
import { languageName, useConversationTranslation, useTranslationStatus } from './translation-queries.ts';
import type { MessageTranslation, TranslationNotice } from './use-chat-translation.ts';

export type TranslationActions = {
  want: (m: Message) => void;
  translate: (m: Message) => void;
  toggleOriginal: (m: Message) => void;
};

/** Under a message in another language: "Translate", "Translating…", or "Translated from Spanish · Show original". */
export function TranslationNote(p: { message: Message; translation: MessageTranslation; actions: TranslationActions }) {
  const { t, locale } = useI18n();
  const tr = p.translation;
  if (tr.state === 'original') return null;
  if (tr.state === 'loading')
    return (
      <p className="translation-note" aria-busy="true">
        {t('translation.translating')}
      </p>
    );
  if (tr.state === 'translated') {
    const from = tr.source ?? p.message.language;
    return (
      <p className="translation-note">
        {!tr.showOriginal && (
          <>
            <span>
              {from ? t('translation.from', { language: languageName(from, locale) }) : t('translation.translated')}
            </span>
            <span aria-hidden="true"> · </span>
          </>
        )}
        <button type="button" className="link" onClick={() => p.actions.toggleOriginal(p.message)}>
          {tr.showOriginal ? t('translation.showTranslation') : t('translation.showOriginal')}
        </button>
      </p>
    );
  }
  return (
    <p className="translation-note">
      <button type="button" className="link" onClick={() => p.actions.translate(p.message)}>
        {t('translation.translate')}
      </button>
    </p>
  );
}

/** The chat header's "Translate automatically" switch; disabled with the reason where it cannot be used. */
export function AutoTranslateSwitch({ conversationId }: { conversationId: string }) {
  const { t } = useI18n();
  const me = useMe();
  const toasts = useToasts();
  const status = useTranslationStatus();
  const conv = useConversationTranslation(conversationId);
  const reasonId = useId();
  // The switch shows the click at once: the query cache notifies a tick later, and a controlled
  // checkbox whose prop has not changed by the end of the event snaps back in between.
  const [pending, setPending] = useState<boolean | null>(null);
  if (!status.data || !conv.data) return null;
  const reason = conv.data.unavailableReason;
  const reasonText =
    reason === 'encrypted'
      ? t('translation.unavailableEncrypted')
      : reason === 'no_provider'
        ? // The admin gets the server's one line (what to set) in the app's language.
          me.role === 'admin' && status.data.adminHint
          ? t('translation.adminHint')
          : t('translation.unavailableServer')
        : null;
  return (
    <div className="auto-translate">
      <label className="switch">
        <input
          type="checkbox"
          checked={pending ?? conv.data.auto}
          disabled={!conv.data.available}
          aria-describedby={reasonText ? reasonId : undefined}
          onChange={(e) => {
            const auto = e.target.checked;
            setPending(auto);
            void conv
              .setAuto(auto)
              .catch((err: unknown) => toasts.show({ kind: 'error', text: errorText(t, err) }))
              .finally(() => setPending(null));
          }}
        />
        {t('translation.auto')}
      </label>
      {reasonText && (
        <span id={reasonId} className="auto-translate-reason">
          {reasonText}
        </span>
      )}
    </div>
  );
}

/** Why translations are missing (quota, provider down); originals are shown meanwhile. */
export function TranslationNoticeBar({ notice, onDismiss }: { notice: TranslationNotice; onDismiss: () => void }) {
  const { t } = useI18n();
  if (!notice) return null;
  return (
    <div className="translation-notice" role="status">
      <span>{notice === 'quota' ? t('translation.quotaReached') : t('translation.unavailableNow')}</span>
      <button type="button" className="link" onClick={onDismiss}>
        {t('common.dismiss')}
      </button>
    </div>
  );
}
