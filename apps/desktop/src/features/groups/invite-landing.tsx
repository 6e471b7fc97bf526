import { invitePreviewSchema, paths } from '@charla/shared-types';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { z } from 'zod';
import { keys } from '../../api/query-keys.ts';
import { useApp } from '../../app-context.tsx';
import { useI18n } from '../../ui/i18n.tsx';
import { useRouter } from '../../ui/router.tsx';
import { Avatar, Skeleton } from '../../ui/status.tsx';
import { AuthLayout, errorText } from '../auth/auth-form.tsx';

const joined = z.union([z.object({ conversation: z.object({ id: z.string() }) }), z.object({ id: z.string() })]);

/** /invite/<code>: what the link leads to, and a button to join. */
export function InviteLanding({ code }: { code: string }) {
  const { t } = useI18n();
  const { api } = useApp();
  const qc = useQueryClient();
  const { navigate } = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const preview = useQuery({
    queryKey: keys.invitePreview(code),
    queryFn: () => api.get(paths.invites.byCode(code), invitePreviewSchema),
    retry: false,
  });
  const join = async () => {
    setBusy(true);
    try {
      const r = await api.send('POST', paths.invites.accept(code), joined);
      await qc.invalidateQueries({ queryKey: keys.conversations });
      navigate({ name: 'home', conversationId: 'conversation' in r ? r.conversation.id : r.id }, { replace: true });
    } catch (e) {
      setError(errorText(t, e));
    } finally {
      setBusy(false);
    }
  };
  const c = preview.data?.conversation;
  return (
    <AuthLayout title={t('invite.landing')}>
      {preview.isPending ? (
        <Skeleton label={t('common.loading')} />
      ) : preview.isError ? (
        <p role="alert">{errorText(t, preview.error)}</p>
      ) : c ? (
        <div className="invite-preview">
          <Avatar name={c.title ?? '?'} url={c.avatarUrl} size={64} />
          <h2>{c.title}</h2>
          {c.description && <p>{c.description}</p>}
          <p className="muted">{t('chat.members', { count: c.memberCount })}</p>
          {preview.data.alreadyMember ? (
            <button
              type="button"
              className="button primary"
              onClick={() => navigate({ name: 'home', conversationId: c.id }, { replace: true })}
            >
              {t('newChat.open')}
            </button>
          ) : (
            <button type="button" className="button primary" disabled={busy} onClick={() => void join()}>
              {t('invite.join')}
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
