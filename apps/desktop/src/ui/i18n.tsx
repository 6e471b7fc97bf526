import { createContext, type ReactNode, useContext, useMemo, useState } from 'react';
import { en } from './locales/en.ts';
import { es } from './locales/es.ts';

export type MessageKey = keyof typeof en;

export const dictionaries = { en, es } satisfies Record<string, Record<MessageKey, string>>;
export type Locale = keyof typeof dictionaries;

export function translate(locale: Locale, key: MessageKey, vars: Record<string, string | number> = {}): string {
  const template: string = dictionaries[locale][key];
  return template.replace(/\{(\w+)\}/g, (_m, name: string) => String(vars[name] ?? `{${name}}`));
}

type I18n = {
  locale: Locale;
  setLocale: (l: Locale) => void;
  t: (k: MessageKey, v?: Record<string, string | number>) => string;
};

const I18nContext = createContext<I18n | null>(null);

function initialLocale(): Locale {
  const lang = typeof navigator === 'undefined' ? 'en' : navigator.language.slice(0, 2);
  return lang === 'es' ? 'es' : 'en';
}

export function I18nProvider({ children, locale: forced }: { children: ReactNode; locale?: Locale }) {
  const [chosen, setLocale] = useState<Locale>(forced ?? initialLocale());
  const locale = forced ?? chosen;
  const value = useMemo<I18n>(() => ({ locale, setLocale, t: (k, v) => translate(locale, k, v) }), [locale]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error('useI18n outside I18nProvider');
  return ctx;
}
