import { useEffect, useId, useRef, useState } from 'react';
import { useApp } from '../../app-context.tsx';
import { PushPermissionDenied } from '../../platform/web-push.ts';
import { useI18n } from '../../ui/i18n.tsx';
import { useSettings } from '../../ui/settings.tsx';
import { useToasts } from '../../ui/toasts.tsx';
import { errorText } from '../auth/auth-form.tsx';
import {
  disablePush,
  enablePush,
  type PushDeviceState,
  pushPrefsOf,
  readPushState,
  updatePushPrefs,
} from './push-device.ts';

/**
 * "Notify me when Charla is closed" for this browser. Permission is asked only when the user turns
 * it on; the level and hide-content choices above follow the subscription to the server.
 */
export function PushSettings() {
  const { t, locale } = useI18n();
  const { api, platform } = useApp();
  const { settings } = useSettings();
  const toasts = useToasts();
  const hintId = useId();
  const [state, setState] = useState<PushDeviceState | 'loading'>('loading');
  const [busy, setBusy] = useState(false);
  const port = platform.push;
  const prefs = pushPrefsOf(settings.notifications, locale);
  const prefsKey = JSON.stringify(prefs);
  const synced = useRef(prefsKey);

  useEffect(() => {
    let live = true;
    readPushState(api, port).then(
      (s) => live && setState(s),
      () => live && setState('off'),
    );
    return () => {
      live = false;
    };
  }, [api, port]);

  useEffect(() => {
    if (state !== 'on' || !port || synced.current === prefsKey) return;
    synced.current = prefsKey;
    updatePushPrefs(api, port, JSON.parse(prefsKey)).catch((e: unknown) =>
      toasts.show({ kind: 'error', text: errorText(t, e) }),
    );
  }, [state, port, api, prefsKey, toasts, t]);

  if (!platform.supports.webPush || state === 'unsupported') {
    // The desktop app notifies natively while it runs; only browsers get this section.
    return platform.kind === 'web' ? <p className="muted">{t('push.unsupported')}</p> : null;
  }
  if (state === 'unavailable') return <p className="muted">{t('push.unavailable')}</p>;

  const toggle = async (on: boolean) => {
    if (!port) return;
    setBusy(true);
    try {
      if (on) {
        await enablePush(api, port, prefs);
        synced.current = prefsKey;
        setState('on');
        toasts.show({ kind: 'info', text: t('push.on') });
      } else {
        await disablePush(api, port);
        setState('off');
        toasts.show({ kind: 'info', text: t('push.off') });
      }
    } catch (e) {
      if (e instanceof PushPermissionDenied) setState('denied');
      else if (e instanceof DOMException) toasts.show({ kind: 'error', text: t('push.failed', { reason: e.message }) });
      else toasts.show({ kind: 'error', text: errorText(t, e) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="push-settings" aria-busy={state === 'loading' || busy}>
      <h3>{t('push.title')}</h3>
      <label className="switch">
        <input
          type="checkbox"
          aria-describedby={hintId}
          checked={state === 'on'}
          disabled={state === 'loading' || state === 'denied' || busy}
          onChange={(e) => void toggle(e.target.checked)}
        />
        {t('push.switch')}
      </label>
      <p id={hintId} className="muted">
        {state === 'denied' ? t('push.denied') : busy ? t('push.working') : t('push.hint')}
      </p>
    </div>
  );
}
