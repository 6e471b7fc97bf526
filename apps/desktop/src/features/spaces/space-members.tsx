import type { MySpace, SpaceRole } from '@charla/shared-types';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useApp, useMe } from '../../app-context.tsx';
import { ConfirmDialog } from '../../ui/confirm-dialog.tsx';
import { useI18n } from '../../ui/i18n.tsx';
import { Avatar, Skeleton } from '../../ui/status.tsx';
import { useToasts } from '../../ui/toasts.tsx';
import { errorText } from '../auth/auth-form.tsx';
import { spaceApi, spaceKeys } from './space-queries.ts';
import { spaceInviteLink } from './space-state.ts';

/** Who may change whom: owners everyone but themselves, admins only plain members; never the owner. */
export function canManage(myRole: SpaceRole, target: SpaceRole, self: boolean): boolean {
  if (self || target === 'owner') return false;
  return myRole === 'owner' || (myRole === 'admin' && target === 'member');
}

/** The space's people, with role changes and removal for owners and admins. */
export function SpaceMembers({ space }: { space: MySpace }) {
  const { t } = useI18n();
  const { api } = useApp();
  const me = useMe();
  const qc = useQueryClient();
  const toasts = useToasts();
  const [removing, setRemoving] = useState<{ userId: string; name: string } | null>(null);
  const members = useQuery({
    queryKey: spaceKeys.members(space.id),
    queryFn: () => spaceApi(api).members(space.id),
  });
  const act = async (run: () => Promise<unknown>) => {
    try {
      await run();
      await qc.invalidateQueries({ queryKey: spaceKeys.members(space.id) });
    } catch (e) {
      toasts.show({ kind: 'error', text: errorText(t, e) });
    }
  };
  const roleText = (r: SpaceRole) => t(`spaces.role.${r}`);
  return (
    <section className="panel-section" aria-labelledby="space-members-title">
      <h3 id="space-members-title">{t('spaces.members')}</h3>
      {members.isPending ? (
        <Skeleton lines={3} label={t('common.loading')} />
      ) : members.isError ? (
        <p role="alert">
          {errorText(t, members.error)}{' '}
          <button type="button" className="link" onClick={() => void members.refetch()}>
            {t('spaces.retry')}
          </button>
        </p>
      ) : members.data.length === 0 ? (
        <p className="muted">{t('spaces.noMembers')}</p>
      ) : (
        <ul className="space-members">
          {members.data.map((m) => {
            const manageable = canManage(space.role, m.role, m.userId === me.id);
            return (
              <li key={m.userId}>
                <Avatar name={m.displayName} url={m.avatarUrl} size={32} />
                <span className="space-member-name">
                  {m.displayName} <small className="muted">@{m.username}</small>
                </span>
                {manageable && space.role === 'owner' ? (
                  <select
                    className="input"
                    value={m.role}
                    aria-label={t('spaces.roleOf', { name: m.displayName })}
                    onChange={(e) =>
                      void act(() => spaceApi(api).setRole(space.id, m.userId, e.target.value as 'admin' | 'member'))
                    }
                  >
                    <option value="admin">{roleText('admin')}</option>
                    <option value="member">{roleText('member')}</option>
                  </select>
                ) : (
                  <span className="space-role">{roleText(m.role)}</span>
                )}
                {manageable && (
                  <button
                    type="button"
                    className="link danger"
                    aria-label={t('spaces.removeMember', { name: m.displayName })}
                    onClick={() => setRemoving({ userId: m.userId, name: m.displayName })}
                  >
                    {t('spaces.remove')}
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {removing && (
        <ConfirmDialog
          title={t('spaces.removeTitle', { name: removing.name })}
          body={t('spaces.removeBody', { space: space.name })}
          confirmLabel={t('spaces.remove')}
          onClose={() => setRemoving(null)}
          onConfirm={() => void act(() => spaceApi(api).removeMember(space.id, removing.userId))}
        />
      )}
    </section>
  );
}

/** Invite links for owners and admins: create one, see it, copy it. */
export function SpaceInvites({ space }: { space: MySpace }) {
  const { t } = useI18n();
  const { api, platform } = useApp();
  const toasts = useToasts();
  const [link, setLink] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const origin = platform.serverUrl() || window.location.origin;
  const create = async () => {
    setBusy(true);
    try {
      const invite = await spaceApi(api).createInvite(space.id);
      setLink(spaceInviteLink(origin, space.slug, invite.code));
    } catch (e) {
      toasts.show({ kind: 'error', text: errorText(t, e) });
    } finally {
      setBusy(false);
    }
  };
  const copy = async (url: string) => {
    try {
      await navigator.clipboard.writeText(url);
      toasts.show({ kind: 'info', text: t('spaces.inviteCopied') });
    } catch {
      toasts.show({ kind: 'error', text: t('share.copyFailed') });
    }
  };
  return (
    <section className="panel-section" aria-labelledby="space-invites-title">
      <h3 id="space-invites-title">{t('spaces.invite')}</h3>
      <p className="muted">{t('spaces.inviteIntro')}</p>
      {link ? (
        <div className="space-invite-link">
          <input
            className="input invite-url"
            readOnly
            value={link}
            aria-label={t('spaces.inviteLink')}
            onFocus={(e) => e.target.select()}
          />
          <button type="button" className="button" onClick={() => void copy(link)}>
            {t('spaces.copy')}
          </button>
        </div>
      ) : null}
      <button type="button" className="button secondary" disabled={busy} onClick={() => void create()}>
        {link ? t('spaces.inviteAnother') : t('spaces.inviteCreate')}
      </button>
    </section>
  );
}
