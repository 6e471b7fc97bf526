import { conversationTitleSchema, displayNameSchema } from '@charla/shared-types';
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { I18nProvider, type Locale } from './i18n.tsx';
import { FieldError, useNameCheck } from './name-check.tsx';

function Probe({ value, title = false }: { value: string; title?: boolean }) {
  const check = useNameCheck();
  return <FieldError id="e" text={check(title ? conversationTitleSchema : displayNameSchema, value)} />;
}
const show = (locale: Locale, value: string, title = false) =>
  render(
    <I18nProvider locale={locale}>
      <Probe value={value} title={title} />
    </I18nProvider>,
  );

afterEach(cleanup);

describe('name checks in the client (issue 21 #11)', () => {
  it('explains invisible and direction characters in the reader’s language, with the server’s schema', () => {
    show('en', 'Ana\u202Egnp.exe');
    expect(screen.getByRole('alert').textContent).toMatch(/Remove invisible or text-direction characters/);
    cleanup();
    show('es', 'ad\u200Bmin', true);
    expect(screen.getByRole('alert').textContent).toMatch(/Quita los caracteres invisibles/);
    cleanup();
    show('es', 'Equipo\u0007', true);
    expect(screen.getByRole('alert').textContent).toMatch(/caracteres de control/);
  });

  it('says nothing for genuine names: emoji sequences, scripts that need joiners', () => {
    for (const value of ['👩‍💻 Ana', 'می\u200Cخواهم', 'María']) {
      show('en', value);
      expect(screen.queryByRole('alert')).toBeNull();
      cleanup();
    }
  });
});
