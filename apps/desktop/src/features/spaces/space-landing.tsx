import type { Space } from '@charla/shared-types';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useApp } from '../../app-context.tsx';
import { useI18n } from '../../ui/i18n.tsx';
import { errorText } from '../auth/auth-form.tsx';
import { LinkLanding } from '../auth/link-landing.tsx';
import { spaceApi, spaceKeys, useMySpaces } from './space-queries.ts';
import { SpaceIcon } from './space-rail.tsx';

/** Joining, then entering the space: the switcher learns about it first so its icon is there on arrival. */
function useJoin() {
  const { t } = useI18n();
  const { space: selection } = useApp();
  const qc = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async (spaceId: string, join: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await join();
      await qc.invalidateQueries({ queryKey: spaceKeys.mine });
      selection.switchTo(spaceId);
    } catch (e) {
      setError(errorText(t, e));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run };
}

function SpaceCard({
  space,
  members,
}: {
  space: Pick<Space, 'id' | 'name' | 'slug' | 'icon' | 'accentColor'>;
  members?: number;
}) {
  const { t } = useI18n();
  return (
    <div className="invite-preview space-card">
      <SpaceIcon space={space} size={64} />
      <h2>{space.name}</h2>
      <p className="muted">/s/{space.slug}</p>
      {members !== undefined && <p className="muted">{t('spaces.memberCount', { count: members })}</p>}
    </div>
  );
}

/** /s/<slug>: a member goes straight in; anyone else sees a join card when the space lets them join. */
export function SpaceLanding({ slug }: { slug: string }) {
  const { t } = useI18n();
  const { api, space: selection } = useApp();
  const mine = useMySpaces();
  const target = useQuery({
    queryKey: spaceKeys.bySlug(slug),
    queryFn: () => spaceApi(api).bySlug(slug),
    retry: false,
  });
  const join = useJoin();
  const member = target.data && mine.data?.some((s) => s.id === target.data.id);
  const { switchTo } = selection;
  useEffect(() => {
    if (member && target.data) switchTo(target.data.id);
  }, [member, target.data, switchTo]);
  const s = target.data;
  const canJoin = s && s.joinPolicy !== 'invite' && !s.deleteAfter;
  return (
    <LinkLanding
      title={t('spaces.landing')}
      preview={{
        isPending: target.isPending || mine.isPending || !!member,
        isError: target.isError,
        error: target.error,
      }}
      error={join.error}
    >
      {s && canJoin ? (
        <>
          <SpaceCard space={s} />
          {s.joinPolicy === 'domain' && (
            <p className="muted">{t('spaces.joinDomainsNote', { domains: s.joinDomains.join(', ') })}</p>
          )}
          <button
            type="button"
            className="button primary"
            disabled={join.busy}
            onClick={() => void join.run(s.id, () => spaceApi(api).join(s.id))}
          >
            {t('spaces.join')}
          </button>
        </>
      ) : s ? (
        <p role="alert">{t('spaces.notFound')}</p>
      ) : null}
    </LinkLanding>
  );
}

/** /s/<slug>/invite/<code>: what the invite leads to, and Join. */
export function SpaceInviteLanding({ code }: { code: string }) {
  const { t } = useI18n();
  const { api, space: selection } = useApp();
  const preview = useQuery({
    queryKey: spaceKeys.invite(code),
    queryFn: () => spaceApi(api).invitePreview(code),
    retry: false,
  });
  const join = useJoin();
  const p = preview.data;
  return (
    <LinkLanding title={t('spaces.inviteLanding')} preview={preview} error={join.error}>
      {p ? (
        <>
          <SpaceCard space={p.space} members={p.memberCount} />
          {p.alreadyMember ? (
            <button type="button" className="button primary" onClick={() => selection.switchTo(p.space.id)}>
              {t('spaces.open')}
            </button>
          ) : (
            <button
              type="button"
              className="button primary"
              disabled={join.busy}
              onClick={() => void join.run(p.space.id, () => spaceApi(api).acceptInvite(code))}
            >
              {t('spaces.join')}
            </button>
          )}
        </>
      ) : null}
    </LinkLanding>
  );
}
