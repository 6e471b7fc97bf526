import { meSchema, paths } from '@charla/shared-types';
import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import { z } from 'zod';
import { useApp, useMe } from '../../app-context.tsx';
import { isApiError } from '../../platform/errors.ts';
import { useI18n } from '../../ui/i18n.tsx';
import { errorText } from './auth-form.tsx';

/** The server allows one resend a minute per account; the button waits as long. */
export const RESEND_COOLDOWN_MS = 60_000;

// One cooldown for the banner and Settings alike.
let nextResendAt = 0;
const listeners = new Set<() => void>();
const setNextResendAt = (at: number) => {
  nextResendAt = at;
  for (const l of listeners) l();
};
const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};

/** Seconds until the next resend is allowed (0 = now), ticking down. */
function useCooldown(): number {
  const at = useSyncExternalStore(subscribe, () => nextResendAt);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (at <= Date.now()) return;
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, [at]);
  return Math.max(0, Math.ceil((at - now) / 1000));
}

type Status = { kind: 'idle' } | { kind: 'sending' } | { kind: 'sent' } | { kind: 'error'; text: string };

/** Resend the verification mail, with the server's per-account limit shown as a countdown. */
function useResend() {
  const { t } = useI18n();
  const { api } = useApp();
  const [status, setStatus] = useState<Status>({ kind: 'idle' });
  const wait = useCooldown();
  const resend = useCallback(async () => {
    setStatus({ kind: 'sending' });
    try {
      await api.send('POST', paths.auth.resendVerification, z.unknown());
      setNextResendAt(Date.now() + RESEND_COOLDOWN_MS);
      setStatus({ kind: 'sent' });
    } catch (e) {
      if (isApiError(e, 'rate_limited')) setNextResendAt(Date.now() + RESEND_COOLDOWN_MS);
      setStatus({ kind: 'error', text: errorText(t, e) });
    }
  }, [api, t]);
  return { status, wait, resend };
}

/**
 * While the email is unverified, re-reads the account when the window comes back (the link was
 * probably opened in another tab) and every minute, so the reminder goes away by itself.
 */
function useVerifiedWatch(verified: boolean) {
  const { api, updateMe } = useApp();
  useEffect(() => {
    if (verified) return;
    const check = () => {
      if (document.visibilityState !== 'visible') return;
      api.get(paths.auth.me, meSchema).then(updateMe, () => undefined);
    };
    window.addEventListener('focus', check);
    document.addEventListener('visibilitychange', check);
    const id = setInterval(check, 60_000);
    return () => {
      window.removeEventListener('focus', check);
      document.removeEventListener('visibilitychange', check);
      clearInterval(id);
    };
  }, [verified, api, updateMe]);
}

function ResendControls() {
  const { t } = useI18n();
  const { status, wait, resend } = useResend();
  return (
    <>
      <button
        type="button"
        className="link"
        disabled={status.kind === 'sending' || wait > 0}
        onClick={() => void resend()}
      >
        {t('verify.resend')}
      </button>
      <span role="status" className="verify-status">
        {status.kind === 'sent' && t('verify.resent')}
        {status.kind === 'error' && status.text}
        {wait > 0 && ` ${t('verify.wait', { seconds: wait })}`}
      </span>
    </>
  );
}

const DISMISSED = 'charla.verifyBannerDismissed';

/** While the account's email is unverified (accounts from before sign-up codes): a reminder and a way to get a new link. */
export function VerifyEmailBanner() {
  const { t } = useI18n();
  const me = useMe();
  useVerifiedWatch(me.emailVerified);
  const [dismissed, setDismissed] = useState(() => sessionStorage.getItem(DISMISSED) === me.id);
  if (me.emailVerified || dismissed) return null;
  return (
    <section className="verify-banner" aria-label={t('verify.title')}>
      <p>{t('verify.banner', { email: me.email })}</p>
      <ResendControls />
      <button
        type="button"
        className="icon-button"
        aria-label={t('verify.dismiss')}
        onClick={() => {
          sessionStorage.setItem(DISMISSED, me.id);
          setDismissed(true);
        }}
      >
        ×
      </button>
    </section>
  );
}

/** Settings: the email's state, with resend while it is unverified. */
export function EmailVerification() {
  const { t } = useI18n();
  const me = useMe();
  useVerifiedWatch(me.emailVerified);
  return (
    <p className="muted verify-line">
      {me.email} · {me.emailVerified ? t('settings.verified') : t('settings.unverified')}
      {!me.emailVerified && (
        <>
          {' · '}
          <ResendControls />
        </>
      )}
    </p>
  );
}
