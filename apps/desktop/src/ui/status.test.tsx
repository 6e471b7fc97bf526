import { act, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { I18nProvider } from './i18n.tsx';
import { OfflineBanner } from './status.tsx';

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('offline banner', () => {
  it('waits a moment before saying it is reconnecting, and hides once connected', () => {
    vi.useFakeTimers();
    const { rerender } = render(
      <I18nProvider locale="en">
        <OfflineBanner connected={false} />
      </I18nProvider>,
    );
    expect(screen.queryByText('Reconnecting…')).toBeNull();
    act(() => vi.advanceTimersByTime(3_000));
    expect(screen.getByText('Reconnecting…')).toBeInTheDocument();
    rerender(
      <I18nProvider locale="en">
        <OfflineBanner connected />
      </I18nProvider>,
    );
    expect(screen.queryByText('Reconnecting…')).toBeNull();
  });

  it('says so at once when the browser is offline', () => {
    vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(false);
    render(
      <I18nProvider locale="es">
        <OfflineBanner connected />
      </I18nProvider>,
    );
    expect(screen.getByRole('status')).toHaveTextContent('Sin conexión');
  });
});
