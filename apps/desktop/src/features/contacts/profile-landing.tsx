import { paths, publicProfileSchema } from '@charla/shared-types';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { z } from 'zod';
import { keys } from '../../api/query-keys.ts';
import { useApp, useMe } from '../../app-context.tsx';
import { useI18n } from '../../ui/i18n.tsx';
import { useRouter } from '../../ui/router.tsx';
import { Avatar, Skeleton } from '../../ui/status.tsx';
import { AuthLayout, errorText } from '../auth/auth-form.tsx';

const created = z.object({ id: z.string() }).passthrough();

/** /u/<username> (a profile link or its QR code): who it is, and a button to message them. */
export function ProfileLanding({ username }: { username: string }) {
  const { t } = useI18n();
  const { api } = useApp();
  const me = useMe();
  const qc = useQueryClient();
  const { navigate } = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const profile = useQuery({
    queryKey: ['profile', username.toLowerCase()],
    queryFn: () => api.get(paths.profiles.byUsername(username), publicProfileSchema),
    retry: false,
  });
  const message = async (userId: string) => {
    setBusy(true);
    try {
      const c = await api.send('POST', paths.conversations.create, created, { kind: 'direct', userId });
      await qc.invalidateQueries({ queryKey: keys.conversations });
      navigate({ name: 'home', conversationId: c.id }, { replace: true });
    } catch (e) {
      setError(errorText(t, e));
    } finally {
      setBusy(false);
    }
  };
  const p = profile.data;
  return (
    <AuthLayout title={t('profileLink.landing')}>
      {profile.isPending ? (
        <Skeleton label={t('common.loading')} />
      ) : profile.isError ? (
        <p role="alert">{errorText(t, profile.error)}</p>
      ) : p ? (
        <div className="invite-preview">
          <Avatar name={p.displayName} url={p.avatarUrl} size={64} />
          <h2>{p.displayName}</h2>
          <p className="muted">@{p.username}</p>
          {p.about && <p>{p.about}</p>}
          {p.id === me.id ? (
            <p>{t('profileLink.yours')}</p>
          ) : (
            <button type="button" className="button primary" disabled={busy} onClick={() => void message(p.id)}>
              {t('findFriends.message', { name: p.displayName })}
            </button>
          )}
        </div>
      ) : null}
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
