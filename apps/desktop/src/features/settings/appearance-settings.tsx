import {
  ACCENTS,
  CHAT_BACKGROUNDS,
  FONT_SIZES,
  meSchema,
  paths,
  type UpdateMe,
  type UserPreferences,
} from '@charla/shared-types';
import { useEffect, useRef } from 'react';
import { useApp, useMe } from '../../app-context.tsx';
import type { ThemePreference } from '../../platform/platform.ts';
import { useI18n } from '../../ui/i18n.tsx';
import { useSettings } from '../../ui/settings.tsx';
import { useToasts } from '../../ui/toasts.tsx';
import { errorText } from '../auth/auth-form.tsx';

/** Swatch colours for the pickers (the themes' real values live in theme.css). */
const SWATCH: Record<(typeof ACCENTS)[number], string> = {
  green: '#17694f',
  blue: '#1a5fb4',
  purple: '#6d3fb5',
  orange: '#a04600',
  pink: '#a8326e',
};

/** Puts the account's appearance on <html> (data-accent, data-font-size, data-chat-bg). */
export function applyAppearance(p: UserPreferences | undefined, root = document.documentElement): void {
  const set = (key: string, value: string | undefined, fallback: string) => {
    if (value && value !== fallback) root.dataset[key] = value;
    else delete root.dataset[key];
  };
  set('accent', p?.accent, 'green');
  set('fontSize', p?.fontSize, 'medium');
  set('chatBg', p?.chatBackground, 'plain');
}

/**
 * Signed-in screens: the account's appearance applied live, and its theme followed on this device
 * (the theme itself stays a device setting too, so the sign-in screen keeps it).
 */
export function useAccountAppearance(): void {
  const me = useMe();
  const { settings, update } = useSettings();
  const prefs = me.preferences;
  useEffect(() => {
    applyAppearance(prefs);
  }, [prefs]);
  useEffect(() => () => applyAppearance(undefined), []);
  const accountTheme = prefs?.theme;
  const followed = useRef<string | undefined>(undefined);
  useEffect(() => {
    // Follow a change made on another device once; a local change is saved to the account anyway.
    if (!accountTheme || followed.current === accountTheme) return;
    followed.current = accountTheme;
    if (settings.theme !== accountTheme) void update({ theme: accountTheme });
  }, [accountTheme, settings.theme, update]);
}

/** Saves preferences with the account, showing the change at once and undoing it if refused. */
function useSavePreferences() {
  const { t } = useI18n();
  const { api, updateMe } = useApp();
  const me = useMe();
  const toasts = useToasts();
  return async (patch: NonNullable<UpdateMe['preferences']>) => {
    const before = me;
    const preferences = Object.fromEntries(
      Object.entries({ ...me.preferences, ...patch }).filter(([, v]) => v !== null),
    ) as UserPreferences;
    updateMe({ ...me, preferences });
    try {
      updateMe(await api.send('PATCH', paths.users.me, meSchema, { preferences: patch }));
    } catch (e) {
      updateMe(before);
      toasts.show({ kind: 'error', text: errorText(t, e) });
    }
  };
}

export function AppearanceSettings() {
  const { t } = useI18n();
  const me = useMe();
  const { settings, update } = useSettings();
  const save = useSavePreferences();
  const prefs = me.preferences ?? {};
  const themes: ThemePreference[] = ['light', 'dark', 'system'];
  return (
    <section className="settings-section" aria-label={t('settings.appearance')}>
      <h2>{t('settings.appearance')}</h2>
      <fieldset className="radio-row">
        <legend>{t('settings.theme')}</legend>
        {themes.map((x) => (
          <label key={x}>
            <input
              type="radio"
              name="theme"
              checked={settings.theme === x}
              onChange={() => {
                void update({ theme: x });
                void save({ theme: x });
              }}
            />
            {t(`settings.theme.${x}`)}
          </label>
        ))}
      </fieldset>
      <fieldset className="radio-row swatches">
        <legend>{t('appearance.accent')}</legend>
        {ACCENTS.map((a) => (
          <label key={a} className="swatch">
            <input
              type="radio"
              name="accent"
              checked={(prefs.accent ?? 'green') === a}
              onChange={() => void save({ accent: a === 'green' ? null : a })}
            />
            <span className="swatch-colour" style={{ background: SWATCH[a] }} aria-hidden="true" />
            {t(`appearance.accent.${a}`)}
          </label>
        ))}
      </fieldset>
      <fieldset className="radio-row">
        <legend>{t('appearance.fontSize')}</legend>
        {FONT_SIZES.map((f) => (
          <label key={f}>
            <input
              type="radio"
              name="font-size"
              checked={(prefs.fontSize ?? 'medium') === f}
              onChange={() => void save({ fontSize: f === 'medium' ? null : f })}
            />
            {t(`appearance.fontSize.${f}`)}
          </label>
        ))}
      </fieldset>
      <fieldset className="radio-row">
        <legend>{t('appearance.chatBackground')}</legend>
        {CHAT_BACKGROUNDS.map((b) => (
          <label key={b} className="bg-choice">
            <input
              type="radio"
              name="chat-background"
              checked={(prefs.chatBackground ?? 'plain') === b}
              onChange={() => void save({ chatBackground: b === 'plain' ? null : b })}
            />
            <span className={`bg-sample bg-${b}`} aria-hidden="true" />
            {t(`appearance.chatBackground.${b}`)}
          </label>
        ))}
      </fieldset>
      <p className="muted">{t('appearance.synced')}</p>
      <label>
        {t('settings.language')}
        <select
          className="input"
          value={settings.locale}
          onChange={(e) => void update({ locale: e.target.value as 'en' | 'es' | 'system' })}
        >
          <option value="system">{t('settings.language.system')}</option>
          <option value="en">English</option>
          <option value="es">Español</option>
        </select>
      </label>
    </section>
  );
}
