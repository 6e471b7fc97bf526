import { discoverySettingsSchema, paths } from '@charla/shared-types';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { keys } from '../../api/query-keys.ts';
import { useApp } from '../../app-context.tsx';
import { useI18n } from '../../ui/i18n.tsx';
import { Skeleton } from '../../ui/status.tsx';
import { useToasts } from '../../ui/toasts.tsx';
import { errorText } from '../auth/auth-form.tsx';

/** Settings › Privacy: may people who have my email address find me (off by default)? */
export function DiscoverySetting() {
  const { t } = useI18n();
  const { api } = useApp();
  const qc = useQueryClient();
  const toasts = useToasts();
  const setting = useQuery({
    queryKey: keys.discovery,
    queryFn: ({ signal }) => api.get(paths.discovery.me, discoverySettingsSchema, signal),
  });
  // The value clicked, held until the server answers: a refetch in flight (window focus) must not
  // flip the switch back in the meantime.
  const [pending, setPending] = useState<boolean | null>(null);
  if (setting.isPending) return <Skeleton label={t('common.loading')} />;
  if (!setting.data) return null;
  const change = async (on: boolean) => {
    setPending(on);
    try {
      await qc.cancelQueries({ queryKey: keys.discovery });
      const saved = await api.send('PUT', paths.discovery.me, discoverySettingsSchema, { discoverableByEmail: on });
      qc.setQueryData(keys.discovery, saved);
      toasts.show({ kind: 'info', text: t(on ? 'discovery.on' : 'discovery.off') });
    } catch (e) {
      await qc.invalidateQueries({ queryKey: keys.discovery });
      toasts.show({ kind: 'error', text: errorText(t, e) });
    } finally {
      setPending(null);
    }
  };
  return (
    <>
      <label className="switch">
        <input
          type="checkbox"
          checked={pending ?? setting.data.discoverableByEmail}
          onChange={(e) => void change(e.target.checked)}
        />
        {t('discovery.label')}
      </label>
      <p className="muted">{t('discovery.hint')}</p>
    </>
  );
}
