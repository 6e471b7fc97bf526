import { conversationDetailsSchema, paths } from '@charla/shared-types';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { z } from 'zod';
import { keys } from '../../api/query-keys.ts';
import { useApp } from '../../app-context.tsx';
import { useI18n } from '../../ui/i18n.tsx';
import { Avatar, Skeleton } from '../../ui/status.tsx';
import { errorText } from '../auth/auth-form.tsx';

/**
 * A conversation I am not in, opened by link (a shared /channel/<id>): a public channel shows what
 * it is and a Join button; anything else shows `fallback` ("not available").
 */
export function ChannelLanding({ conversationId, fallback }: { conversationId: string; fallback: ReactNode }) {
  const { t } = useI18n();
  const { api } = useApp();
  const qc = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const details = useQuery({
    queryKey: ['channelLanding', conversationId],
    queryFn: ({ signal }) => api.get(paths.conversations.byId(conversationId), conversationDetailsSchema, signal),
    retry: false,
  });
  if (details.isPending) return <Skeleton lines={4} label={t('common.loading')} />;
  const c = details.data;
  if (c?.kind !== 'channel' || !c.permissions.canJoin) return fallback;
  const join = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.send('POST', paths.conversations.join(c.id), z.unknown());
      // The channel is now in my list: the home screen opens it in place of this card.
      await qc.invalidateQueries({ queryKey: keys.conversations });
    } catch (e) {
      setError(errorText(t, e));
      setBusy(false);
    }
  };
  return (
    <section className="invite-preview channel-landing" aria-labelledby="channel-landing-title">
      <Avatar name={c.title ?? '?'} url={c.avatarUrl} size={64} />
      <h2 id="channel-landing-title">{c.title}</h2>
      {c.description && <p>{c.description}</p>}
      <p className="muted">{t('chat.members', { count: c.memberCount })}</p>
      <button type="button" className="button primary" disabled={busy} onClick={() => void join()}>
        {t('channel.join')}
      </button>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
