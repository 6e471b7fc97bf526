import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { dictionaries, I18nProvider, translate, useI18n } from './i18n.tsx';

function Probe() {
  const { t } = useI18n();
  return <p>{t('welcome.online', { version: '1.2.3' })}</p>;
}

describe('i18n', () => {
  it('has every English key in Spanish', () => {
    expect(Object.keys(dictionaries.es).sort()).toEqual(Object.keys(dictionaries.en).sort());
  });

  it('interpolates variables', () => {
    expect(translate('es', 'welcome.online', { version: '2' })).toBe('Conectado al servidor (versión 2).');
  });

  it('renders in the chosen locale', () => {
    render(
      <I18nProvider locale="es">
        <Probe />
      </I18nProvider>,
    );
    expect(screen.getByText('Conectado al servidor (versión 1.2.3).')).toBeInTheDocument();
  });
});
