import type { Message } from '@charla/shared-types';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { message } from '../../api/test-fixtures.ts';
import { I18nProvider, type Locale } from '../../ui/i18n.tsx';
import { TranslationNote } from './translation-ui.tsx';
import { isForeign, type MessageTranslation } from './use-chat-translation.ts';

afterEach(cleanup);

const spanish: Message = message({ seq: 1, senderId: 'u2', text: 'Hola a todos, ¿qué tal?', language: 'es' });

function note(translation: MessageTranslation, locale: Locale = 'en') {
  const actions = { want: vi.fn(), translate: vi.fn(), toggleOriginal: vi.fn() };
  render(
    <I18nProvider locale={locale}>
      <TranslationNote message={spanish} translation={translation} actions={actions} />
    </I18nProvider>,
  );
  return actions;
}

describe('which messages offer Translate', () => {
  it('only others’ messages with text in a known language other than the reader’s', () => {
    expect(isForeign(spanish, 'u1', 'en')).toBe(true);
    expect(isForeign(spanish, 'u2', 'en')).toBe(false); // own
    expect(isForeign(spanish, 'u1', 'es')).toBe(false); // same language
    expect(isForeign({ ...spanish, language: 'unknown' }, 'u1', 'en')).toBe(false);
    expect(isForeign({ ...spanish, language: null }, 'u1', 'en')).toBe(false);
    expect(isForeign({ ...spanish, deletedAt: '2026-01-01T00:00:00.000Z' }, 'u1', 'en')).toBe(false);
    expect(isForeign({ ...spanish, kind: 'system' }, 'u1', 'en')).toBe(false);
  });
});

describe('the note under a message', () => {
  it('offers Translate when not translated (or after a failure)', () => {
    const actions = note({ state: 'idle' });
    fireEvent.click(screen.getByRole('button', { name: 'Translate' }));
    expect(actions.translate).toHaveBeenCalledWith(spanish);
    note({ state: 'failed' });
    expect(screen.getAllByRole('button', { name: 'Translate' })).toHaveLength(2);
  });

  it('names the source language and flips to the original and back', () => {
    const actions = note({ state: 'translated', text: 'Hi all', source: 'es', showOriginal: false });
    expect(screen.getByText('Translated from Spanish')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Show original' }));
    expect(actions.toggleOriginal).toHaveBeenCalledWith(spanish);
  });

  it('offers the translation back while the original is shown', () => {
    note({ state: 'translated', text: 'Hi all', source: 'es', showOriginal: true });
    expect(screen.getByRole('button', { name: 'Show translation' })).toBeTruthy();
    expect(screen.queryByText('Translated from Spanish')).toBeNull();
  });

  it('speaks Spanish to a Spanish reader', () => {
    note({ state: 'translated', text: 'Hola', source: 'en', showOriginal: false }, 'es');
    expect(screen.getByText('Traducido del inglés')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Ver original' })).toBeTruthy();
  });

  it('says nothing when the server kept the original, and shows progress while translating', () => {
    const { container } = render(
      <I18nProvider locale="en">
        <TranslationNote
          message={spanish}
          translation={{ state: 'original' }}
          actions={{ want: vi.fn(), translate: vi.fn(), toggleOriginal: vi.fn() }}
        />
      </I18nProvider>,
    );
    expect(container.textContent).toBe('');
    note({ state: 'loading' });
    expect(screen.getByText('Translating…')).toBeTruthy();
  });
});
