import {
  DIGEST_DELAY_MINUTES,
  type EmailDigestSettings,
  emailDigestSettingsSchema,
  notificationPaths,
} from '@charla/shared-types';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId } from 'react';
import { z } from 'zod';
import { useApp, useMe } from '../../app-context.tsx';
import { httpJson } from '../../platform/http.ts';
import { useI18n } from '../../ui/i18n.tsx';
import { useRouter } from '../../ui/router.tsx';
import { Skeleton } from '../../ui/status.tsx';
import { useToasts } from '../../ui/toasts.tsx';
import { AuthLayout, errorText } from '../auth/auth-form.tsx';

const DELAYS = [15, 30, 60, 120, 240].filter((m) => m >= DIGEST_DELAY_MINUTES.min && m <= DIGEST_DELAY_MINUTES.max);
const digestKey = ['notifications', 'email-digest'] as const;

/** Settings: the opt-in email of missed direct messages and mentions (per account, off by default). */
export function EmailDigestSection() {
  const { t, locale } = useI18n();
  const { api } = useApp();
  const me = useMe();
  const qc = useQueryClient();
  const toasts = useToasts();
  const hintId = useId();
  const current = useQuery({
    queryKey: digestKey,
    queryFn: () => api.get(notificationPaths.emailDigest, emailDigestSettingsSchema),
  });
  const save = useMutation({
    mutationFn: (patch: Partial<EmailDigestSettings>) =>
      api.send('PATCH', notificationPaths.emailDigest, emailDigestSettingsSchema, patch),
    onSuccess: (next) => {
      qc.setQueryData(digestKey, next);
      toasts.show({ kind: 'info', text: t('digest.saved') });
    },
    onError: (e) => toasts.show({ kind: 'error', text: errorText(t, e) }),
  });
  const s = current.data;
  const delays = s && !DELAYS.includes(s.delayMinutes) ? [...DELAYS, s.delayMinutes].sort((a, b) => a - b) : DELAYS;
  const label = (m: number) =>
    m === 60
      ? t('digest.hour')
      : m % 60 === 0 && m > 60
        ? t('digest.hours', { count: m / 60 })
        : t('digest.minutes', { count: m });
  return (
    <div className="email-digest" aria-busy={current.isPending || save.isPending}>
      <h3>{t('digest.title')}</h3>
      {!s ? (
        current.isError ? (
          <p className="muted">{errorText(t, current.error)}</p>
        ) : (
          <Skeleton label={t('common.loading')} />
        )
      ) : (
        <>
          <label className="switch">
            <input
              type="checkbox"
              aria-describedby={hintId}
              checked={s.enabled}
              disabled={save.isPending}
              // The email is written in the language the app is shown in when it is turned on.
              onChange={(e) => save.mutate({ enabled: e.target.checked, locale })}
            />
            {t('digest.switch')}
          </label>
          <p id={hintId} className="muted">
            {me.emailVerified ? t('digest.hint') : t('digest.unverified')}
          </p>
          {s.enabled && (
            <>
              <label>
                {t('digest.delay')}
                <select
                  className="input"
                  value={s.delayMinutes}
                  disabled={save.isPending}
                  onChange={(e) => save.mutate({ delayMinutes: Number(e.target.value) })}
                >
                  {delays.map((m) => (
                    <option key={m} value={m}>
                      {label(m)}
                    </option>
                  ))}
                </select>
              </label>
              <label className="switch">
                <input
                  type="checkbox"
                  checked={s.hideContent}
                  disabled={save.isPending}
                  onChange={(e) => save.mutate({ hideContent: e.target.checked })}
                />
                {t('digest.hide')}
              </label>
            </>
          )}
        </>
      )}
    </div>
  );
}

/**
 * The page behind the email's "Stop these emails" link: signed in or not, the single-use token is the
 * credential. A button rather than on load, so a mail scanner that opens links does not unsubscribe.
 */
export function UnsubscribeScreen({ token }: { token: string }) {
  const { t } = useI18n();
  const { platform } = useApp();
  const { navigate } = useRouter();
  const stop = useMutation({
    mutationFn: () =>
      httpJson(platform.serverUrl(), notificationPaths.emailUnsubscribe, z.unknown(), {
        method: 'POST',
        body: { token },
      }),
  });
  return (
    <AuthLayout title={t('unsubscribe.title')}>
      <p role="status">
        {stop.isSuccess ? t('unsubscribe.done') : stop.isError ? t('unsubscribe.used') : t('unsubscribe.ask')}
      </p>
      {stop.isIdle || stop.isPending ? (
        <button
          type="button"
          className="button primary"
          disabled={stop.isPending || !token}
          onClick={() => stop.mutate()}
        >
          {stop.isPending ? t('common.wait') : t('unsubscribe.confirm')}
        </button>
      ) : (
        <button type="button" className="button" onClick={() => navigate({ name: 'home' }, { replace: true })}>
          {t('unsubscribe.continue')}
        </button>
      )}
    </AuthLayout>
  );
}
