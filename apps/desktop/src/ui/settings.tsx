import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { ClientSettings, Platform } from '../platform/platform.ts';
import { defaultSettings } from '../platform/web.ts';
import { I18nProvider, type Locale } from './i18n.tsx';

type SettingsValue = { settings: ClientSettings; update: (patch: Partial<ClientSettings>) => Promise<void> };
const SettingsContext = createContext<SettingsValue | null>(null);

function systemDark(): boolean {
  return typeof window.matchMedia === 'function' && window.matchMedia('(prefers-color-scheme: dark)').matches;
}

export function resolveLocale(pref: ClientSettings['locale']): Locale {
  if (pref !== 'system') return pref;
  return typeof navigator !== 'undefined' && navigator.language.startsWith('es') ? 'es' : 'en';
}

/** Loads settings through the platform and applies theme (data-theme on <html>) and language live. */
export function SettingsProvider({ platform, children }: { platform: Platform; children: ReactNode }) {
  const [settings, setSettings] = useState<ClientSettings>(defaultSettings);
  useEffect(() => {
    void platform.loadSettings().then(setSettings);
  }, [platform]);
  const [dark, setDark] = useState(systemDark);
  useEffect(() => {
    if (typeof window.matchMedia !== 'function') return;
    const mq = window.matchMedia('(prefers-color-scheme: dark)');
    const on = () => setDark(mq.matches);
    mq.addEventListener('change', on);
    return () => mq.removeEventListener('change', on);
  }, []);
  const theme = settings.theme === 'system' ? (dark ? 'dark' : 'light') : settings.theme;
  const locale = resolveLocale(settings.locale);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    document.documentElement.lang = locale;
  }, [theme, locale]);
  const update = useCallback(
    async (patch: Partial<ClientSettings>) => {
      setSettings((s) => ({ ...s, ...patch }));
      setSettings(await platform.saveSettings(patch));
    },
    [platform],
  );
  const value = useMemo(() => ({ settings, update }), [settings, update]);
  return (
    <SettingsContext.Provider value={value}>
      <I18nProvider locale={locale}>{children}</I18nProvider>
    </SettingsContext.Provider>
  );
}

export function useSettings(): SettingsValue {
  const ctx = useContext(SettingsContext);
  if (!ctx) throw new Error('useSettings outside SettingsProvider');
  return ctx;
}
