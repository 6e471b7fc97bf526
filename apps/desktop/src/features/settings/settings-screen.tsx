import { displayNameSchema, meSchema, paths, sessionInfoSchema } from '@charla/shared-types';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useId, useState } from 'react';
import { z } from 'zod';
import { listOf } from '../../api/queries.ts';
import { keys } from '../../api/query-keys.ts';
import { sendFile } from '../../api/upload.ts';
import { useApp, useMe } from '../../app-context.tsx';
import { isApiError } from '../../platform/errors.ts';
import type { NotificationLevel } from '../../platform/platform.ts';
import { useI18n } from '../../ui/i18n.tsx';
import { FieldError, useNameCheck } from '../../ui/name-check.tsx';
import { useRouter } from '../../ui/router.tsx';
import { useSettings } from '../../ui/settings.tsx';
import { Avatar, Skeleton } from '../../ui/status.tsx';
import { useToasts } from '../../ui/toasts.tsx';
import { errorText } from '../auth/auth-form.tsx';
import { EmailVerification } from '../auth/verify-email.tsx';
import { DiscoverySetting } from '../contacts/discovery-setting.tsx';
import { ProfileLink } from '../contacts/profile-link.tsx';
import { SocialLinksSettings } from '../contacts/social-links.tsx';
import { PointsProfile } from '../points/points-profile.tsx';
import { useBlockedPeople } from '../safety/safety.tsx';
import { ReadingLanguageSetting } from '../translation/reading-language.tsx';
import { AppearanceSettings } from './appearance-settings.tsx';
import { BackgroundSettings } from './background-settings.tsx';
import { EmailDigestSection } from './email-digest.tsx';
import { LinkedAccountsSettings } from './linked-accounts.tsx';
import { PushSettings } from './push-settings.tsx';

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="settings-section" aria-label={title}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}

function useRun() {
  const { t } = useI18n();
  const toasts = useToasts();
  return async (fn: () => Promise<unknown>, ok?: string) => {
    try {
      await fn();
      if (ok) toasts.show({ kind: 'info', text: ok });
      return true;
    } catch (e) {
      toasts.show({ kind: 'error', text: errorText(t, e) });
      return false;
    }
  };
}

export function SettingsScreen() {
  const { t } = useI18n();
  const { navigate } = useRouter();
  const { logout } = useApp();
  const me = useMe();
  return (
    <section className="settings" aria-labelledby="settings-title">
      <header className="settings-header">
        <button type="button" className="button secondary" onClick={() => navigate({ name: 'home' })}>
          ← {t('common.back')}
        </button>
        <h1 id="settings-title">{t('settings.title')}</h1>
      </header>
      <Profile />
      <Section title={t('points.title')}>
        <PointsProfile userId={me.id} />
        <button type="button" className="button secondary" onClick={() => navigate({ name: 'achievements' })}>
          {t('points.seeAll')}
        </button>
      </Section>
      <AppearanceSettings />
      <ReadingLanguageSetting />
      <Notifications />
      <Devices />
      <Password />
      <Section title={t('linked.title')}>
        <LinkedAccountsSettings />
      </Section>
      <Section title={t('social.title')}>
        <SocialLinksSettings />
      </Section>
      <Section title={t('discovery.title')}>
        <DiscoverySetting />
      </Section>
      <Blocked />
      <Section title={t('settings.account')}>
        <button type="button" className="button" onClick={() => void logout()}>
          {t('settings.logout')}
        </button>
        <DeleteAccount />
      </Section>
    </section>
  );
}

function Profile() {
  const { t } = useI18n();
  const { api, updateMe } = useApp();
  const me = useMe();
  const run = useRun();
  const checkName = useNameCheck();
  const nameErrorId = useId();
  const [nameError, setNameError] = useState<string | null>(null);
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const patch = {
      displayName: String(f.get('displayName') ?? ''),
      username: String(f.get('username') ?? ''),
      about: String(f.get('about') ?? ''),
    };
    // Same schema as the server: a refused name is explained under the field, nothing is sent.
    const problem = checkName(displayNameSchema, patch.displayName);
    setNameError(problem);
    if (problem) return;
    void run(async () => {
      try {
        updateMe(await api.send('PATCH', paths.users.me, meSchema, patch));
      } catch (err) {
        if (isApiError(err, 'validation_failed') && err.details?.displayName)
          setNameError(err.details.displayName.join(' '));
        throw err;
      }
    }, t('settings.saved'));
  };
  return (
    <Section title={t('settings.profile')}>
      <AvatarUpload />
      <form className="stack" onSubmit={submit}>
        <label>
          {t('auth.displayName')}
          <input
            className="input"
            name="displayName"
            defaultValue={me.displayName}
            maxLength={64}
            required
            aria-invalid={nameError ? true : undefined}
            aria-describedby={nameError ? nameErrorId : undefined}
          />
        </label>
        <FieldError id={nameErrorId} text={nameError} />
        <label>
          {t('auth.username')}
          <input className="input" name="username" defaultValue={me.username} pattern="[A-Za-z0-9_.]{3,32}" required />
        </label>
        <label>
          {t('settings.about')}
          <textarea className="input" name="about" defaultValue={me.about} maxLength={280} rows={2} />
        </label>
        <EmailVerification />
        <button type="submit" className="button primary">
          {t('common.save')}
        </button>
      </form>
      <ProfileLink />
    </Section>
  );
}

function Notifications() {
  const { t } = useI18n();
  const { platform } = useApp();
  const { settings, update } = useSettings();
  const n = settings.notifications;
  const levels: NotificationLevel[] = ['all', 'mentions', 'none'];
  const [perm, setPerm] = useState(typeof Notification === 'undefined' ? 'unsupported' : Notification.permission);
  return (
    <Section title={t('settings.notifications')}>
      <fieldset className="radio-row">
        <legend>{t('settings.notify.level')}</legend>
        {levels.map((x) => (
          <label key={x}>
            <input
              type="radio"
              name="level"
              checked={n.level === x}
              onChange={() => void update({ notifications: { ...n, level: x } })}
            />
            {t(`settings.notify.${x}`)}
          </label>
        ))}
      </fieldset>
      <label className="switch">
        <input
          type="checkbox"
          checked={n.sound}
          onChange={(e) => void update({ notifications: { ...n, sound: e.target.checked } })}
        />
        {t('settings.notify.sound')}
      </label>
      <label className="switch">
        <input
          type="checkbox"
          checked={n.hideContent}
          onChange={(e) => void update({ notifications: { ...n, hideContent: e.target.checked } })}
        />
        {t('settings.notify.hide')}
      </label>
      {!platform.supports.nativeNotifications && perm === 'default' && (
        <button type="button" className="button" onClick={() => void Notification.requestPermission().then(setPerm)}>
          {t('settings.notify.allow')}
        </button>
      )}
      {perm === 'denied' && <p className="muted">{t('settings.notify.denied')}</p>}
      <PushSettings />
      <EmailDigestSection />
      <BackgroundSettings />
    </Section>
  );
}

function Devices() {
  const { t, locale } = useI18n();
  const { api } = useApp();
  const qc = useQueryClient();
  const run = useRun();
  const sessions = useQuery({
    queryKey: keys.sessions,
    queryFn: () => api.get(paths.auth.sessions, listOf(sessionInfoSchema)),
  });
  return (
    <Section title={t('settings.devices')}>
      {sessions.isPending ? (
        <Skeleton label={t('common.loading')} />
      ) : (
        <ul className="devices">
          {sessions.data?.map((s) => (
            <li key={s.id}>
              <span>
                <strong>{s.deviceName}</strong>{' '}
                {s.current && <span className="badge-text">{t('settings.thisDevice')}</span>}
                <br />
                <small>
                  {t('settings.lastUsed', { date: new Date(s.lastUsedAt).toLocaleString(locale) })}
                  {s.ip ? ` · ${s.ip}` : ''}
                </small>
              </span>
              {!s.current && (
                <button
                  type="button"
                  className="link danger"
                  aria-label={t('settings.revokeNamed', { device: s.deviceName })}
                  onClick={() =>
                    void run(async () => {
                      await api.send('DELETE', paths.auth.session(s.id), z.unknown());
                      await qc.invalidateQueries({ queryKey: keys.sessions });
                    })
                  }
                >
                  {t('settings.revoke')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

function Password() {
  const { t } = useI18n();
  const { api } = useApp();
  const run = useRun();
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    void run(
      () =>
        api.send('POST', paths.auth.changePassword, z.unknown(), {
          currentPassword: String(f.get('current') ?? ''),
          newPassword: String(f.get('next') ?? ''),
        }),
      t('settings.passwordChanged'),
    ).then((ok) => ok && form.reset());
  };
  return (
    <Section title={t('settings.password')}>
      <form className="stack" onSubmit={submit}>
        <label>
          {t('settings.currentPassword')}
          <input className="input" type="password" name="current" autoComplete="current-password" required />
        </label>
        <label>
          {t('auth.newPassword')}
          <input className="input" type="password" name="next" autoComplete="new-password" minLength={8} required />
        </label>
        <button type="submit" className="button">
          {t('settings.changePassword')}
        </button>
      </form>
    </Section>
  );
}

function Blocked() {
  const { t } = useI18n();
  const { api } = useApp();
  const qc = useQueryClient();
  const run = useRun();
  const blocked = useBlockedPeople();
  return (
    <Section title={t('settings.blocked')}>
      {blocked.data?.length === 0 && <p className="muted">{t('settings.blockedNone')}</p>}
      <ul className="devices">
        {blocked.data?.map((u) => (
          <li key={u.id}>
            <span>
              {u.displayName} <small>@{u.username}</small>
            </span>
            <button
              type="button"
              className="link"
              onClick={() =>
                void run(async () => {
                  await api.send('DELETE', paths.users.block(u.id), z.unknown());
                  await qc.invalidateQueries({ queryKey: keys.blocked });
                })
              }
            >
              {t('settings.unblock')}
            </button>
          </li>
        ))}
      </ul>
    </Section>
  );
}

function DeleteAccount() {
  const { t } = useI18n();
  const { api, logout } = useApp();
  const me = useMe();
  const [open, setOpen] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  if (!open)
    return (
      <button type="button" className="button danger" onClick={() => setOpen(true)}>
        {t('settings.delete')}
      </button>
    );
  return (
    <form
      className="stack"
      onSubmit={(e) => {
        e.preventDefault();
        const form = new FormData(e.currentTarget);
        // Accounts created through Google/OIDC have no password: they confirm with their username.
        const body = me.hasPassword
          ? { password: String(form.get('password') ?? '') }
          : { confirmUsername: String(form.get('confirmUsername') ?? '') };
        setProblem(null);
        void api.send('DELETE', paths.users.me, z.unknown(), body).then(
          () => logout(),
          (err: unknown) => setProblem(deleteProblem(t, err)),
        );
      }}
    >
      <p role="alert">{t('settings.deleteWarning')}</p>
      {me.hasPassword ? (
        <label>
          {t('auth.password')}
          <input className="input" type="password" name="password" autoComplete="current-password" required />
        </label>
      ) : (
        <>
          <p>{t('settings.deleteRecentSignIn')}</p>
          <label>
            {t('settings.deleteTypeUsername', { username: me.username })}
            <input className="input" type="text" name="confirmUsername" autoComplete="off" required />
          </label>
        </>
      )}
      {problem && (
        <p role="alert" className="form-error">
          {problem}
        </p>
      )}
      <button type="submit" className="button danger">
        {t('settings.deleteConfirm')}
      </button>
    </form>
  );
}

/** Says exactly what blocked the deletion: the password, the typed username, or a stale sign-in. */
function deleteProblem(t: ReturnType<typeof useI18n>['t'], err: unknown): string {
  if (isApiError(err, 'validation_failed') && err.details?.password) return t('settings.deleteWrongPassword');
  if (isApiError(err, 'validation_failed') && err.details?.confirmUsername) return t('settings.deleteWrongUsername');
  if (isApiError(err, 'forbidden')) return t('settings.deleteRecentSignIn');
  return errorText(t, err);
}

function AvatarUpload() {
  const { t } = useI18n();
  const { api, updateMe } = useApp();
  const me = useMe();
  const run = useRun();
  const [progress, setProgress] = useState<number | null>(null);
  const pick = (file: File) =>
    void run(async () => {
      setProgress(0);
      try {
        await sendFile(api, 'PUT', paths.media.myAvatar, file, setProgress, z.unknown()).promise;
        updateMe(await api.get(paths.users.me, meSchema));
      } finally {
        setProgress(null);
      }
    }, t('settings.saved'));
  return (
    <div className="avatar-row">
      <Avatar name={me.displayName} url={me.avatarUrl} size={64} />
      <label className="button secondary">
        {t('settings.avatar')}
        <input
          type="file"
          accept="image/*"
          className="sr-only"
          onChange={(e) => e.target.files?.[0] && pick(e.target.files[0])}
        />
      </label>
      {progress !== null && <progress max={1} value={progress} aria-label={t('upload.progress')} />}
    </div>
  );
}
