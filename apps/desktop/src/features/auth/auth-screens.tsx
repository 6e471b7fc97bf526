import {
  API_PREFIX,
  type AuthProviders,
  authProvidersSchema,
  emailSchema,
  loginRequestSchema,
  passwordSchema,
  paths,
  registerRequestSchema,
  registrationPendingSchema,
  signUpCodeSchema,
} from '@charla/shared-types';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { z } from 'zod';
import { keys } from '../../api/query-keys.ts';
import { useApp } from '../../app-context.tsx';
import { ApiError, isApiError } from '../../platform/errors.ts';
import { httpJson } from '../../platform/http.ts';
import { type MessageKey, useI18n } from '../../ui/i18n.tsx';
import { issueText } from '../../ui/name-check.tsx';
import { useRouter } from '../../ui/router.tsx';
import { AuthLayout, errorText, Field, FormError, useAuthForm } from './auth-form.tsx';

/** Turns a zod failure into the same shape the server uses for field errors (ours translated by `t`). */
function check<T>(schema: z.ZodType<T>, value: unknown, t?: (k: MessageKey) => string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const details: Record<string, string[]> = {};
  for (const issue of r.error.issues) {
    const key = issue.path.join('.');
    details[key] = [...(details[key] ?? []), t ? issueText(t, issue) : issue.message];
  }
  throw new ApiError('validation_failed', 400, 'Invalid input', details);
}

/** The sign-in methods this server offers (GET /auth/providers). */
export function useProviders() {
  const { platform } = useApp();
  return useQuery({
    queryKey: keys.providers,
    queryFn: () => httpJson(platform.serverUrl(), paths.auth.providers, authProvidersSchema),
    retry: false,
    staleTime: 60_000,
  });
}

/**
 * Provider buttons. Web: a plain link into the server's redirect flow (the cookie comes back with
 * the browser). Desktop: the host opens the system browser and listens on a loopback port, so the
 * button waits for the result instead of navigating the app window away.
 */
export function ExternalProviders({ providers }: { providers: AuthProviders | undefined }) {
  const { t } = useI18n();
  const { platform, signedIn } = useApp();
  const [waiting, setWaiting] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  if (!providers || (!providers.google && !providers.github && !providers.oidc)) return null;
  const start = (id: string) => `${platform.serverUrl()}${API_PREFIX}${paths.auth.oidcStart(id)}?client=web`;
  const viaHost = platform.supports.loopbackSignIn ? platform.session.signInWithProvider : undefined;
  const buttons = [
    ...(providers.google ? [{ id: 'google', label: t('auth.google') }] : []),
    ...(providers.github ? [{ id: 'github', label: t('auth.github') }] : []),
    ...(providers.oidc ? [{ id: 'oidc', label: t('auth.oidc', { name: providers.oidc.name }) }] : []),
  ];
  const signIn = async (id: string) => {
    if (!viaHost) return;
    setWaiting(id);
    setError(null);
    try {
      signedIn(await viaHost(id));
    } catch (e) {
      setError(isApiError(e, 'unauthenticated') ? t('auth.providerFailed') : errorText(t, e));
    } finally {
      setWaiting(null);
    }
  };
  return (
    <div className="providers">
      {buttons.map((b) =>
        viaHost ? (
          <button
            key={b.id}
            type="button"
            className="button secondary"
            disabled={waiting !== null}
            onClick={() => void signIn(b.id)}
          >
            {b.label}
          </button>
        ) : (
          <a key={b.id} className="button secondary" href={start(b.id)}>
            {b.label}
          </a>
        ),
      )}
      {waiting && (
        <p className="notice" role="status">
          {t('auth.providerWaiting')}
        </p>
      )}
      <FormError error={error} />
    </div>
  );
}

export function LoginScreen({ notice }: { notice?: string }) {
  const { t } = useI18n();
  const { platform, signedIn } = useApp();
  const { navigate } = useRouter();
  const providers = useProviders();
  const form = useAuthForm(
    (f) => platform.session.login(check(loginRequestSchema, { login: f.login, password: f.password })),
    signedIn,
  );
  return (
    <AuthLayout title={t('auth.login.title')}>
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      <form onSubmit={form.onSubmit} noValidate>
        <Field label={t('auth.login.login')} name="login" autoComplete="username" errors={form.fieldErrors.login} />
        <Field
          label={t('auth.password')}
          name="password"
          type="password"
          autoComplete="current-password"
          errors={form.fieldErrors.password}
        />
        <FormError error={form.error} />
        <button type="submit" className="button primary" disabled={form.busy}>
          {form.busy ? t('common.wait') : t('auth.login.submit')}
        </button>
      </form>
      <ExternalProviders providers={providers.data} />
      <nav className="auth-links" aria-label={t('auth.more')}>
        <button type="button" className="link" onClick={() => navigate({ name: 'register' })}>
          {t('auth.register.link')}
        </button>
        <button type="button" className="link" onClick={() => navigate({ name: 'forgot' })}>
          {t('auth.forgot.link')}
        </button>
        {platform.supports.serverUrlSetting && (
          <button type="button" className="link" onClick={() => navigate({ name: 'server' })}>
            {t('auth.server.link')}
          </button>
        )}
      </nav>
    </AuthLayout>
  );
}

export function RegisterScreen() {
  const { t } = useI18n();
  const { platform } = useApp();
  const providers = useProviders();
  // After the form: the code step. The password stays in memory only, to go with the code.
  const [pending, setPending] = useState<{ email: string; password: string } | null>(null);
  const form = useAuthForm(async (f) => {
    const req = check(
      registerRequestSchema,
      {
        email: f.email,
        password: f.password,
        displayName: f.displayName,
        ...(f.username ? { username: f.username } : {}),
      },
      t,
    );
    const { client: _c, ...body } = req;
    await httpJson(platform.serverUrl(), paths.auth.register, registrationPendingSchema, { method: 'POST', body });
    return { email: req.email, password: req.password };
  }, setPending);
  if (pending) return <SignUpCodeStep {...pending} onBack={() => setPending(null)} />;
  return (
    <AuthLayout title={t('auth.register.title')}>
      <form onSubmit={form.onSubmit} noValidate>
        <Field
          label={t('auth.displayName')}
          name="displayName"
          autoComplete="name"
          errors={form.fieldErrors.displayName}
        />
        <Field label={t('auth.email')} name="email" type="email" autoComplete="email" errors={form.fieldErrors.email} />
        <Field
          label={t('auth.username')}
          name="username"
          autoComplete="username"
          required={false}
          hint={t('auth.username.hint')}
          errors={form.fieldErrors.username}
        />
        <Field
          label={t('auth.password')}
          name="password"
          type="password"
          autoComplete="new-password"
          hint={t('auth.password.hint')}
          errors={form.fieldErrors.password}
        />
        <FormError error={form.error} />
        <button type="submit" className="button primary" disabled={form.busy}>
          {form.busy ? t('common.wait') : t('auth.register.submit')}
        </button>
      </form>
      <ExternalProviders providers={providers.data} />
      <BackToLogin />
    </AuthLayout>
  );
}

const RESEND_SECONDS = 60;

/** The sign-up mail's code: typed here, sent with the password chosen a step before. */
function SignUpCodeStep({ email, password, onBack }: { email: string; password: string; onBack: () => void }) {
  const { t } = useI18n();
  const { platform, signedIn } = useApp();
  const [wait, setWait] = useState(RESEND_SECONDS);
  const [resent, setResent] = useState(false);
  useEffect(() => {
    if (wait <= 0) return;
    const timer = setTimeout(() => setWait((w) => w - 1), 1000);
    return () => clearTimeout(timer);
  }, [wait]);
  const form = useAuthForm(
    (f) => platform.session.completeRegistration({ email, code: check(signUpCodeSchema, f.code ?? ''), password }),
    signedIn,
  );
  const codeError = (() => {
    if (isApiError(form.rawError, 'rate_limited')) return [t('auth.signUp.tooMany')];
    if (form.fieldErrors.code) return [t('auth.signUp.wrongCode')];
    if (form.fieldErrors['']) return [t('auth.signUp.codeFormat')];
    return undefined;
  })();
  const resend = async () => {
    setResent(false);
    setWait(RESEND_SECONDS);
    try {
      await httpJson(platform.serverUrl(), paths.auth.registerResend, registrationPendingSchema, {
        method: 'POST',
        body: { email },
      });
      setResent(true);
    } catch (e) {
      form.setError(errorText(t, e));
    }
  };
  return (
    <AuthLayout title={t('auth.signUp.checkEmail')}>
      <p>{t('auth.signUp.sent', { email })}</p>
      <form onSubmit={form.onSubmit} noValidate>
        <Field
          label={t('auth.signUp.code')}
          name="code"
          autoComplete="one-time-code"
          inputMode="numeric"
          maxLength={6}
          errors={codeError}
        />
        <FormError error={codeError ? null : form.error} />
        <button type="submit" className="button primary" disabled={form.busy}>
          {form.busy ? t('common.wait') : t('auth.signUp.submit')}
        </button>
      </form>
      <p className="hint">{t('auth.signUp.haveAccount')}</p>
      {resent && (
        <p className="notice" role="status">
          {t('auth.signUp.resent')}
        </p>
      )}
      <nav className="auth-links" aria-label={t('auth.more')}>
        <button type="button" className="link" disabled={wait > 0} onClick={() => void resend()}>
          {wait > 0 ? t('auth.signUp.resendIn', { seconds: String(wait) }) : t('auth.signUp.resend')}
        </button>
        <button type="button" className="link" onClick={onBack}>
          {t('auth.signUp.otherEmail')}
        </button>
      </nav>
      <BackToLogin />
    </AuthLayout>
  );
}

/** The sign-up mail's link: the password chosen at sign-up finishes it (and signs in). */
export function CompleteSignUpScreen({ token }: { token: string }) {
  const { t } = useI18n();
  const { platform, signedIn } = useApp();
  const form = useAuthForm(
    (f) => platform.session.completeRegistration({ token, password: f.password ?? '' }),
    signedIn,
  );
  const deadLink = isApiError(form.rawError, 'validation_failed') && Boolean(form.fieldErrors.token);
  const tooMany = isApiError(form.rawError, 'rate_limited');
  return (
    <AuthLayout title={t('auth.signUp.linkTitle')}>
      {deadLink || tooMany ? (
        <p role="alert">{t('auth.signUp.linkFailed')}</p>
      ) : (
        <>
          <p>{t('auth.signUp.linkIntro')}</p>
          <form onSubmit={form.onSubmit} noValidate>
            <Field
              label={t('auth.password')}
              name="password"
              type="password"
              autoComplete="current-password"
              errors={form.fieldErrors.password ? [t('auth.signUp.wrongPassword')] : undefined}
            />
            <FormError error={form.fieldErrors.password ? null : form.error} />
            <button type="submit" className="button primary" disabled={form.busy}>
              {form.busy ? t('common.wait') : t('auth.signUp.submit')}
            </button>
          </form>
        </>
      )}
      <BackToLogin />
    </AuthLayout>
  );
}

export function ForgotScreen() {
  const { t } = useI18n();
  const { platform } = useApp();
  const [sent, setSent] = useState(false);
  const form = useAuthForm(
    (f) =>
      httpJson(platform.serverUrl(), paths.auth.forgotPassword, z.unknown(), {
        method: 'POST',
        body: { email: check(emailSchema, f.email) },
      }),
    () => setSent(true),
  );
  return (
    <AuthLayout title={t('auth.forgot.title')}>
      {sent ? (
        <p role="status">{t('auth.forgot.sent')}</p>
      ) : (
        <form onSubmit={form.onSubmit} noValidate>
          <Field
            label={t('auth.email')}
            name="email"
            type="email"
            autoComplete="email"
            errors={form.fieldErrors.email}
          />
          <FormError error={form.error} />
          <button type="submit" className="button primary" disabled={form.busy}>
            {t('auth.forgot.submit')}
          </button>
        </form>
      )}
      <BackToLogin />
    </AuthLayout>
  );
}

export function ResetScreen({ token }: { token: string }) {
  const { t } = useI18n();
  const { platform } = useApp();
  const [done, setDone] = useState(false);
  const form = useAuthForm(
    (f) => {
      if (f.password !== f.confirm)
        throw new ApiError('validation_failed', 400, '', { confirm: [t('auth.reset.mismatch')] });
      return httpJson(platform.serverUrl(), paths.auth.resetPassword, z.unknown(), {
        method: 'POST',
        body: { token, password: check(passwordSchema, f.password) },
      });
    },
    () => setDone(true),
  );
  return (
    <AuthLayout title={t('auth.reset.title')}>
      {done ? (
        <p role="status">{t('auth.reset.done')}</p>
      ) : (
        <form onSubmit={form.onSubmit} noValidate>
          <Field
            label={t('auth.newPassword')}
            name="password"
            type="password"
            autoComplete="new-password"
            errors={form.fieldErrors.password ?? form.fieldErrors['']}
          />
          <Field
            label={t('auth.confirmPassword')}
            name="confirm"
            type="password"
            autoComplete="new-password"
            errors={form.fieldErrors.confirm}
          />
          <FormError error={form.error} />
          <button type="submit" className="button primary" disabled={form.busy}>
            {t('auth.reset.submit')}
          </button>
        </form>
      )}
      <BackToLogin />
    </AuthLayout>
  );
}

export function VerifyScreen({ token }: { token: string }) {
  const { t } = useI18n();
  const { platform } = useApp();
  const { navigate } = useRouter();
  const result = useQuery({
    queryKey: ['verify', token],
    queryFn: () =>
      httpJson(platform.serverUrl(), paths.auth.verifyEmail, z.unknown(), { method: 'POST', body: { token } }).then(
        () => true,
      ),
    retry: false,
    staleTime: Number.POSITIVE_INFINITY,
  });
  return (
    <AuthLayout title={t('auth.verify.title')}>
      <p role="status">
        {result.isPending ? t('common.wait') : result.isSuccess ? t('auth.verify.done') : t('auth.verify.failed')}
      </p>
      <button type="button" className="button primary" onClick={() => navigate({ name: 'home' })}>
        {t('auth.verify.continue')}
      </button>
    </AuthLayout>
  );
}

export function ServerScreen() {
  const { t } = useI18n();
  const { platform } = useApp();
  const [current, setCurrent] = useState<string | null>(null);
  useEffect(() => {
    void platform.loadSettings().then((s) => setCurrent(s.serverUrl));
  }, [platform]);
  const form = useAuthForm(
    async (f) => {
      const url = check(z.url({ protocol: /^https?$/ }), (f.serverUrl ?? '').trim());
      await platform.saveSettings({ serverUrl: url.replace(/\/$/, '') });
    },
    () => {
      // Start over against the new server: session, sockets and caches all belong to the old one.
      window.history.replaceState(null, '', '#/login');
      window.location.reload();
    },
  );
  return (
    <AuthLayout title={t('auth.server.title')}>
      {current !== null && (
        <form onSubmit={form.onSubmit} noValidate>
          <Field
            label={t('auth.server.url')}
            name="serverUrl"
            type="url"
            defaultValue={current}
            errors={form.fieldErrors['']}
          />
          <FormError error={form.error} />
          <button type="submit" className="button primary" disabled={form.busy}>
            {t('common.save')}
          </button>
        </form>
      )}
    </AuthLayout>
  );
}

/** The "back to sign in" link shared by the sign-up, forgot and reset screens. */
function BackToLogin() {
  const { t } = useI18n();
  const { navigate } = useRouter();
  return (
    <nav className="auth-links" aria-label={t('auth.more')}>
      <button type="button" className="link" onClick={() => navigate({ name: 'login' })}>
        {t('auth.login.link')}
      </button>
    </nav>
  );
}
