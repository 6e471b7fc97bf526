import { useI18n } from '../../ui/i18n.tsx';
import { useSettings } from '../../ui/settings.tsx';

/**
 * Desktop only: start at login (hidden in the tray) and keep running in the tray when the window is
 * closed, so notifications keep coming. Shown when the host has these settings (the web does not).
 */
export function BackgroundSettings() {
  const { t } = useI18n();
  const { settings, update } = useSettings();
  const b = settings.background;
  if (!b) return null;
  return (
    <div className="background-settings">
      <h3>{t('background.title')}</h3>
      <label className="switch">
        <input
          type="checkbox"
          checked={b.launchAtLogin}
          onChange={(e) => void update({ background: { ...b, launchAtLogin: e.target.checked } })}
        />
        {t('background.launchAtLogin')}
      </label>
      <label className="switch">
        <input
          type="checkbox"
          checked={b.closeToTray}
          onChange={(e) => void update({ background: { ...b, closeToTray: e.target.checked } })}
        />
        {t('background.closeToTray')}
      </label>
    </div>
  );
}
