import { meSchema, paths } from '@charla/shared-types';
import { useId } from 'react';
import { useApp, useMe } from '../../app-context.tsx';
import { useI18n } from '../../ui/i18n.tsx';
import { useToasts } from '../../ui/toasts.tsx';
import { errorText } from '../auth/auth-form.tsx';
import { languageName, useTranslationStatus } from './translation-queries.ts';

/** Settings: the language translations are shown in (default: the app's UI language). */
export function ReadingLanguageSetting() {
  const { t, locale } = useI18n();
  const { api, updateMe } = useApp();
  const me = useMe();
  const toasts = useToasts();
  const status = useTranslationStatus();
  const noteId = useId();
  const selectId = useId();
  const enabled = status.data?.enabled ?? false;
  const offered = status.data?.languages ?? [];
  const choices = offered
    .map((l) => ({ code: l.code, name: languageName(l.code, locale) }))
    .sort((a, b) => a.name.localeCompare(b.name, locale));
  // A stored choice the provider no longer lists stays selectable, so the select never lies.
  if (me.readingLanguage && !choices.some((c) => c.code === me.readingLanguage))
    choices.unshift({ code: me.readingLanguage, name: languageName(me.readingLanguage, locale) });
  return (
    <section className="settings-section" aria-label={t('translation.settings')}>
      <h2>{t('translation.settings')}</h2>
      {/* Not wrapped in the label: its name would then include the chosen option ("…App language"). */}
      <label htmlFor={selectId}>{t('translation.readingLanguage')}</label>
      <select
        id={selectId}
        className="input"
        value={me.readingLanguage ?? ''}
        disabled={!enabled}
        aria-describedby={enabled ? undefined : noteId}
        onChange={(e) => {
          const readingLanguage = e.target.value || null;
          api
            .send('PATCH', paths.users.me, meSchema, { readingLanguage })
            .then(updateMe, (err: unknown) => toasts.show({ kind: 'error', text: errorText(t, err) }));
        }}
      >
        <option value="">{t('translation.readingLanguage.ui', { language: languageName(locale, locale) })}</option>
        {choices.map((c) => (
          <option key={c.code} value={c.code}>
            {c.name}
          </option>
        ))}
      </select>
      {!enabled && status.data && (
        <p id={noteId} className="muted">
          {me.role === 'admin' && status.data.adminHint ? t('translation.adminHint') : t('translation.settingsOff')}
        </p>
      )}
    </section>
  );
}
