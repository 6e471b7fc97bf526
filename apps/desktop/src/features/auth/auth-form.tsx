import { humanBytes } from '@charla/shared-types';
import { type FormEvent, type ReactNode, useId, useState } from 'react';
import { FileTooLargeError } from '../../api/server-config.ts';
import { type ApiError, isApiError } from '../../platform/errors.ts';
import { type MessageKey, useI18n } from '../../ui/i18n.tsx';

/** Maps an API failure to a user-facing sentence (by code, never by the server's message). */
export function errorText(t: (k: MessageKey, v?: Record<string, string | number>) => string, e: unknown): string {
  if (e instanceof FileTooLargeError)
    return t('errors.fileTooLarge', { size: humanBytes(e.maxBytes, document.documentElement.lang || 'en') });
  if (!isApiError(e)) return t('errors.unknown');
  const byCode: Partial<Record<ApiError['code'], MessageKey>> = {
    network: 'errors.network',
    unauthenticated: 'errors.badCredentials',
    conflict: 'errors.conflict',
    rate_limited: 'errors.rateLimited',
    account_suspended: 'errors.suspended',
    translation_quota_exceeded: 'errors.translationQuota',
    translation_unavailable: 'errors.translationUnavailable',
    not_found: 'errors.notFound',
    forbidden: 'errors.forbidden',
    validation_failed: 'errors.validation',
    payload_too_large: 'errors.tooLarge',
    unsupported_media_type: 'errors.unsupportedMedia',
    posting_restricted: 'composer.readOnly',
    email_unverified: 'composer.unverified',
    removed_from_conversation: 'errors.removed',
    identity_linked_elsewhere: 'linked.elsewhere',
    last_sign_in_method: 'linked.lastWay',
  };
  return t(byCode[e.code] ?? 'errors.unknown');
}

export function AuthLayout({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main className="auth" aria-labelledby="auth-title">
      <div className="auth-card">
        <p className="brand" aria-hidden="true">
          Charla
        </p>
        <h1 id="auth-title">{title}</h1>
        {children}
      </div>
    </main>
  );
}

export function Field({
  label,
  name,
  type = 'text',
  autoComplete,
  errors,
  required = true,
  defaultValue,
  hint,
  inputMode,
  maxLength,
}: {
  label: string;
  name: string;
  type?: string;
  autoComplete?: string;
  errors?: string[];
  required?: boolean;
  defaultValue?: string;
  hint?: string;
  inputMode?: 'numeric' | 'text' | 'email';
  maxLength?: number;
}) {
  const id = useId();
  const errId = `${id}-err`;
  const hintId = `${id}-hint`;
  const invalid = Boolean(errors && errors.length > 0);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        name={name}
        type={type}
        autoComplete={autoComplete}
        required={required}
        defaultValue={defaultValue}
        inputMode={inputMode}
        maxLength={maxLength}
        aria-invalid={invalid ? true : undefined}
        aria-describedby={invalid ? errId : hint ? hintId : undefined}
      />
      {/* The error takes the hint's place: "At least 8 characters" once, not twice. */}
      {hint && !invalid && (
        <small id={hintId} className="hint">
          {hint}
        </small>
      )}
      {errors && invalid && (
        <small id={errId} className="field-error">
          {errors.join(' ')}
        </small>
      )}
    </div>
  );
}

/** A form that submits its named fields as strings, with busy state and error display. */
export function useAuthForm<T>(submit: (fields: Record<string, string>) => Promise<T>, onDone: (r: T) => void) {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});
  /** The last failure itself, for screens that word some errors their own way. */
  const [rawError, setRawError] = useState<unknown>(null);
  const onSubmit = async (ev: FormEvent<HTMLFormElement>) => {
    ev.preventDefault();
    const formEl = ev.currentTarget;
    const data = Object.fromEntries(
      [...new FormData(ev.currentTarget).entries()].map(([k, v]) => [k, typeof v === 'string' ? v : '']),
    );
    setBusy(true);
    setError(null);
    setFieldErrors({});
    setRawError(null);
    try {
      onDone(await submit(data));
    } catch (e) {
      setRawError(e);
      setError(errorText(t, e));
      if (isApiError(e) && e.details) setFieldErrors(e.details);
      // The submit button was disabled while busy, which dropped focus to the page: put it where
      // the person fixes things (after React has marked the invalid fields).
      setTimeout(() => focusAfterError(formEl));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, fieldErrors, rawError, onSubmit, setError };
}

/** The first invalid field, else the password (selected, to retype), else the first field. */
export function focusAfterError(form: HTMLFormElement) {
  const target =
    form.querySelector<HTMLInputElement>('[aria-invalid="true"]') ??
    form.querySelector<HTMLInputElement>('input[type="password"]') ??
    form.querySelector<HTMLInputElement>('input, select, textarea');
  target?.focus();
  if (target?.type === 'password') target.select();
}

export function FormError({ error }: { error: string | null }) {
  if (!error) return null;
  return (
    <p className="form-error" role="alert">
      {error}
    </p>
  );
}
