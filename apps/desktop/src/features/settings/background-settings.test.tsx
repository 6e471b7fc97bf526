import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { ClientSettings } from '../../platform/platform.ts';
import { I18nProvider } from '../../ui/i18n.tsx';
import { BackgroundSettings } from './background-settings.tsx';

const settings: ClientSettings = {
  serverUrl: '',
  theme: 'system',
  locale: 'en',
  notifications: { level: 'all', sound: true, hideContent: false },
};
const update = vi.fn(async () => undefined);
let current = settings;
vi.mock('../../ui/settings.tsx', () => ({ useSettings: () => ({ settings: current, update }) }));

describe('background settings', () => {
  it('are not shown where the host has none (the web)', () => {
    current = settings;
    const { container } = render(
      <I18nProvider locale="en">
        <BackgroundSettings />
      </I18nProvider>,
    );
    expect(container.textContent).toBe('');
  });

  it('desktop: start at login and close to tray, in English and Spanish', () => {
    current = { ...settings, background: { launchAtLogin: false, closeToTray: true } };
    const { unmount } = render(
      <I18nProvider locale="en">
        <BackgroundSettings />
      </I18nProvider>,
    );
    const login = screen.getByLabelText('Start Charla when I sign in to this computer (in the tray)');
    expect(login).not.toBeChecked();
    expect(screen.getByLabelText('Keep Charla running in the tray when I close the window')).toBeChecked();
    fireEvent.click(login);
    expect(update).toHaveBeenCalledWith({ background: { launchAtLogin: true, closeToTray: true } });
    unmount();
    render(
      <I18nProvider locale="es">
        <BackgroundSettings />
      </I18nProvider>,
    );
    expect(screen.getByLabelText('Abrir Charla al iniciar sesión en este ordenador (en la bandeja)')).toBeTruthy();
  });
});
