import { paths, publicProfileSchema } from '@charla/shared-types';
import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { useApp, useMe } from '../../app-context.tsx';
import { useI18n } from '../../ui/i18n.tsx';
import { Avatar } from '../../ui/status.tsx';
import { LinkLanding, useLandingAction } from '../auth/link-landing.tsx';

const created = z.object({ id: z.string() }).passthrough();

/** /u/<username> (a profile link or its QR code): who it is, and a button to message them. */
export function ProfileLanding({ username }: { username: string }) {
  const { t } = useI18n();
  const { api } = useApp();
  const me = useMe();
  const { busy, error, run } = useLandingAction();
  const profile = useQuery({
    queryKey: ['profile', username.toLowerCase()],
    queryFn: () => api.get(paths.profiles.byUsername(username), publicProfileSchema),
    retry: false,
  });
  const message = (userId: string) =>
    run(async () => (await api.send('POST', paths.conversations.create, created, { kind: 'direct', userId })).id);
  const p = profile.data;
  return (
    <LinkLanding title={t('profileLink.landing')} preview={profile} error={error}>
      {p ? (
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
    </LinkLanding>
  );
}
