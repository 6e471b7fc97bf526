import { useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { keys } from '../../api/query-keys.ts';
import { useI18n } from '../../ui/i18n.tsx';
import { useRouter } from '../../ui/router.tsx';
import { Skeleton } from '../../ui/status.tsx';
import { AuthLayout, errorText } from './auth-form.tsx';

/*
 * The pages a shared link lands on (/invite/<code>, /u/<username>): a preview fetched from the link,
 * one button that opens a conversation, and a way back home.
 */

/**
 * The landing's button: busy while `action` runs, then home in the conversation it returns (the
 * list refetched so it shows there), or its error under the preview.
 */
export function useLandingAction() {
  const { t } = useI18n();
  const qc = useQueryClient();
  const { navigate } = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (action: () => Promise<string>) => {
    setBusy(true);
    try {
      const conversationId = await action();
      await qc.invalidateQueries({ queryKey: keys.conversations });
      navigate({ name: 'home', conversationId }, { replace: true });
    } catch (e) {
      setError(errorText(t, e));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run };
}

/** The page around a link's preview: loading, the link's error (expired, unknown), the action's error, back home. */
export function LinkLanding({
  title,
  preview,
  error,
  children,
}: {
  title: string;
  preview: { isPending: boolean; isError: boolean; error: unknown };
  error: string | null;
  children: ReactNode;
}) {
  const { t } = useI18n();
  const { navigate } = useRouter();
  return (
    <AuthLayout title={title}>
      {preview.isPending ? (
        <Skeleton label={t('common.loading')} />
      ) : preview.isError ? (
        <p role="alert">{errorText(t, preview.error)}</p>
      ) : (
        children
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <button type="button" className="link" onClick={() => navigate({ name: 'home' }, { replace: true })}>
        {t('invite.back')}
      </button>
    </AuthLayout>
  );
}
