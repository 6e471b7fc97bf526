import { invitePreviewSchema, paths } from '@charla/shared-types';
import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { z } from 'zod';
import { keys } from '../../api/query-keys.ts';
import { useApp } from '../../app-context.tsx';
import { useI18n } from '../../ui/i18n.tsx';
import { useRouter } from '../../ui/router.tsx';
import { Avatar } from '../../ui/status.tsx';
import { LinkLanding, useLandingAction } from '../auth/link-landing.tsx';
import { useMySpaces } from '../spaces/space-queries.ts';

const joined = z.union([z.object({ conversation: z.object({ id: z.string() }) }), z.object({ id: z.string() })]);

/**
 * /invite/<code>: what the link leads to, and a button to join. A group invite made in a space
 * (`space`) is that space's: the app goes there first, and someone not in it is told so.
 */
export function InviteLanding({ code, space: inviteSpace }: { code: string; space?: string }) {
  const { t } = useI18n();
  const { api, space } = useApp();
  const { navigate } = useRouter();
  const { busy, error, run } = useLandingAction();
  const mine = useMySpaces();
  const elsewhere = inviteSpace !== undefined && inviteSpace !== space.id;
  const member = elsewhere && mine.data?.some((s) => s.id === inviteSpace);
  useEffect(() => {
    if (elsewhere && member && inviteSpace)
      space.switchTo(inviteSpace, { show: { name: 'invite', code, space: inviteSpace } });
  }, [elsewhere, member, inviteSpace, code, space]);
  const preview = useQuery({
    queryKey: keys.invitePreview(code),
    queryFn: () => api.get(paths.invites.byCode(code), invitePreviewSchema),
    retry: false,
    enabled: !elsewhere,
  });
  if (elsewhere)
    return (
      <LinkLanding
        title={t('invite.landing')}
        preview={{ isPending: mine.isPending || member === true, isError: mine.isError, error: mine.error }}
        error={null}
      >
        <p role="status">{t('invite.otherSpace')}</p>
      </LinkLanding>
    );
  const join = () =>
    run(async () => {
      const r = await api.send('POST', paths.invites.accept(code), joined);
      return 'conversation' in r ? r.conversation.id : r.id;
    });
  const c = preview.data?.conversation;
  return (
    <LinkLanding title={t('invite.landing')} preview={preview} error={error}>
      {c ? (
        <div className="invite-preview">
          <Avatar name={c.title ?? '?'} url={c.avatarUrl} size={64} />
          <h2>{c.title}</h2>
          {c.description && <p>{c.description}</p>}
          <p className="muted">{t('chat.members', { count: c.memberCount })}</p>
          {preview.data?.alreadyMember ? (
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
    </LinkLanding>
  );
}
