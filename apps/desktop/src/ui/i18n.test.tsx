import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { dictionaries, I18nProvider, translate, useI18n } from './i18n.tsx';

function Probe() {
  const { t } = useI18n();
  return <p>{t('chat.typingNamed', { names: 'Ana' })}</p>;
}

describe('i18n', () => {
  it('has every English key in Spanish', () => {
    expect(Object.keys(dictionaries.es).sort()).toEqual(Object.keys(dictionaries.en).sort());
  });

  it('has no empty translation and keeps every placeholder in Spanish', () => {
    for (const key of Object.keys(dictionaries.en) as (keyof typeof dictionaries.en)[]) {
      expect(dictionaries.es[key].trim(), key).not.toBe('');
      const vars = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(vars(dictionaries.es[key]), key).toEqual(vars(dictionaries.en[key]));
    }
  });

  it('interpolates variables', () => {
    expect(translate('es', 'chat.members', { count: 2 })).toBe('2 miembros');
    expect(translate('en', 'auth.oidc')).toBe('Sign in with {name}');
  });

  it('renders in the chosen locale', () => {
    render(
      <I18nProvider locale="es">
        <Probe />
      </I18nProvider>,
    );
    expect(screen.getByText('Ana escribiendo…')).toBeInTheDocument();
  });
});
