import {
  type ConversationSummary,
  inviteSchema,
  type Participant,
  type ParticipantRole,
  paths,
  publicProfileSchema,
} from '@charla/shared-types';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useCallback, useEffect, useState } from 'react';
import { z } from 'zod';
import { listOf, useParticipants } from '../../api/queries.ts';
import { keys } from '../../api/query-keys.ts';
import { useApp, useMe } from '../../app-context.tsx';
import { useRealtime } from '../../realtime/realtime.tsx';
import { ConfirmDialog } from '../../ui/confirm-dialog.tsx';
import { useI18n } from '../../ui/i18n.tsx';
import { Icon } from '../../ui/icons.tsx';
import { useRouter } from '../../ui/router.tsx';
import { Avatar, Skeleton } from '../../ui/status.tsx';
import { useToasts } from '../../ui/toasts.tsx';
import { errorText } from '../auth/auth-form.tsx';
import { ContactSection } from '../contacts/contact-section.tsx';
import { PersonSocialLinks } from '../contacts/social-links.tsx';
import { menuKeys, useMenuButton } from '../conversations/conversation-menu.tsx';
import { conversationName, isMuted } from '../conversations/conversation-utils.ts';
import { SharedTabs } from '../conversations/shared-tabs.tsx';
import { LeaderboardPanel } from '../points/leaderboard-panel.tsx';
import { PointsProfile } from '../points/points-profile.tsx';
import { ShareButton } from '../share/share-button.tsx';
import { EditGroup } from './edit-group.tsx';
import { UserPicker } from './user-picker.tsx';

const rank: Record<ParticipantRole, number> = { owner: 0, admin: 1, member: 2 };

/**
 * Side panel: who or what this is (avatar, about), what was shared (media, files, links), mute/pin/
 * archive, members with their actions in a menu, invites, leave. `safety` is the slot for block and
 * report entry points (owned by the block/report feature), shown in a "Privacy and safety" section.
 */
export function GroupInfo({
  conversation: c,
  onClose,
  safety,
}: {
  conversation: ConversationSummary;
  onClose: () => void;
  safety?: ReactNode;
}) {
  const { t } = useI18n();
  const { api } = useApp();
  const me = useMe();
  const qc = useQueryClient();
  const toasts = useToasts();
  const { navigate } = useRouter();
  const { presence } = useRealtime();
  const participants = useParticipants(c.id);
  const [leaving, setLeaving] = useState(false);
  const group = c.kind !== 'direct';
  // What the server says I may do here (it enforces the same rules).
  const { canEditInfo, canInvite, canModerate } = c.permissions;
  const run = async (fn: () => Promise<unknown>, ok?: string) => {
    try {
      await fn();
      if (ok) toasts.show({ kind: 'info', text: ok });
    } catch (e) {
      toasts.show({ kind: 'error', text: errorText(t, e) });
    }
  };
  const refreshMembers = () => qc.invalidateQueries({ queryKey: keys.participants(c.id) });
  const setMine = (body: Record<string, unknown>) =>
    run(async () => {
      await api.send('PATCH', paths.conversations.me(c.id), z.unknown(), body);
      await qc.invalidateQueries({ queryKey: keys.conversations });
    });
  const members = [...(participants.data ?? [])].sort(
    (a, b) => rank[a.role] - rank[b.role] || a.user.displayName.localeCompare(b.user.displayName),
  );
  const name = conversationName(c, t('chat.unknown'));
  return (
    <aside className="side-panel" aria-label={group ? t('group.info') : t('details.title')}>
      <header className="panel-header">
        <h2>{group ? t('group.info') : t('details.title')}</h2>
        <button type="button" className="icon-button" aria-label={t('common.close')} onClick={onClose}>
          ×
        </button>
      </header>
      <DetailsHead c={c} name={name} />
      {c.kind === 'direct' && c.peer && !c.peer.deleted && (
        <>
          <PersonSocialLinks userId={c.peer.id} />
          <ContactSection person={{ id: c.peer.id, name: c.peer.displayName }} />
        </>
      )}
      <SharedTabs conversationId={c.id} encrypted={c.encrypted} />
      {group && canEditInfo && <EditGroup conversation={c} />}
      <div className="panel-section">
        <label className="switch">
          <input
            type="checkbox"
            checked={isMuted(c)}
            onChange={(e) => void setMine({ mutedUntil: e.target.checked ? '9999-12-31T00:00:00.000Z' : null })}
          />
          {t('group.mute')}
        </label>
        <label className="switch">
          <input type="checkbox" checked={c.me.pinned} onChange={(e) => void setMine({ pinned: e.target.checked })} />
          {t('group.pin')}
        </label>
        <label className="switch">
          <input
            type="checkbox"
            checked={c.me.archived}
            onChange={(e) => void setMine({ archived: e.target.checked })}
          />
          {t('group.archive')}
        </label>
        {group && canEditInfo && (
          <label className="switch">
            <input
              type="checkbox"
              checked={c.onlyAdminsPost}
              onChange={(e) =>
                void run(async () => {
                  await api.send('PATCH', paths.conversations.byId(c.id), z.unknown(), {
                    onlyAdminsPost: e.target.checked,
                  });
                  await qc.invalidateQueries({ queryKey: keys.conversations });
                })
              }
            />
            {t('group.onlyAdminsPost')}
          </label>
        )}
        {group && canEditInfo && (
          <label className="switch">
            <input
              type="checkbox"
              checked={c.historyForNewcomers}
              onChange={(e) =>
                void run(async () => {
                  await api.send('PATCH', paths.conversations.byId(c.id), z.unknown(), {
                    historyForNewcomers: e.target.checked,
                  });
                  await qc.invalidateQueries({ queryKey: keys.conversations });
                })
              }
            />
            {t('group.history')}
          </label>
        )}
      </div>
      {group && (
        <div className="panel-section">
          <h3>{t('chat.members', { count: c.memberCount })}</h3>
          {canInvite && <AddMembers conversationId={c.id} existing={members} onAdded={refreshMembers} />}
          {participants.isPending ? (
            <Skeleton label={t('common.loading')} />
          ) : (
            <ul className="members">
              {members.map((p) => (
                <MemberRow
                  key={p.userId}
                  p={p}
                  online={presence[p.userId] === 'online'}
                  isMe={p.userId === me.id}
                  canManage={canModerate && p.userId !== me.id && rank[c.me.role] < rank[p.role]}
                  onRole={(role) =>
                    void run(() =>
                      api
                        .send('PATCH', paths.conversations.participant(c.id, p.userId), z.unknown(), { role })
                        .then(refreshMembers),
                    )
                  }
                  onRemove={() =>
                    void run(() =>
                      api
                        .send('DELETE', paths.conversations.participant(c.id, p.userId), z.unknown())
                        .then(refreshMembers),
                    )
                  }
                />
              ))}
            </ul>
          )}
        </div>
      )}
      {group && <LeaderboardPanel conversationId={c.id} canManage={c.me.role === 'owner' || c.me.role === 'admin'} />}
      {group && canInvite && <Invites conversationId={c.id} name={name} />}
      {safety && (
        <div className="panel-section">
          <h3>{t('details.safety')}</h3>
          {safety}
        </div>
      )}
      {group && (
        <button type="button" className="button danger" onClick={() => setLeaving(true)}>
          {t('group.leave')}
        </button>
      )}
      {leaving && (
        <ConfirmDialog
          title={t('group.leaveConfirm')}
          confirmLabel={t('group.leave')}
          onConfirm={() =>
            void run(async () => {
              await api.send('POST', paths.conversations.leave(c.id), z.unknown());
              qc.setQueryData<ConversationSummary[]>(keys.conversations, (l) => l?.filter((x) => x.id !== c.id));
              navigate({ name: 'home' });
            })
          }
          onClose={() => setLeaving(false)}
        />
      )}
    </aside>
  );
}

function MemberRow(p: {
  p: Participant;
  online: boolean;
  isMe: boolean;
  canManage: boolean;
  onRole: (r: ParticipantRole) => void;
  onRemove: () => void;
}) {
  const { t } = useI18n();
  return (
    <li className="member">
      <Avatar name={p.p.user.displayName} url={p.p.user.avatarUrl} size={28} online={p.online} />
      <span className="member-name">
        {p.p.user.displayName}
        {p.isMe && ` (${t('list.you')})`}
        <small> @{p.p.user.username}</small>
      </span>
      {p.p.role !== 'member' && <span className="role">{t(`role.${p.p.role}`)}</span>}
      {p.canManage && <MemberMenu p={p.p} onRole={p.onRole} onRemove={p.onRemove} />}
    </li>
  );
}

function AddMembers({
  conversationId,
  existing,
  onAdded,
}: {
  conversationId: string;
  existing: Participant[];
  onAdded: () => void;
}) {
  const { t } = useI18n();
  const { api } = useApp();
  const toasts = useToasts();
  return (
    <UserPicker
      label={t('group.add')}
      exclude={new Set(existing.map((p) => p.userId))}
      onPick={(id) =>
        void api
          .send('POST', paths.conversations.participants(conversationId), z.unknown(), { userIds: [id] })
          .then(onAdded, (e) => toasts.show({ kind: 'error', text: errorText(t, e) }))
      }
    />
  );
}

function Invites({ conversationId, name }: { conversationId: string; name: string }) {
  const { t, locale } = useI18n();
  const { api } = useApp();
  const qc = useQueryClient();
  const toasts = useToasts();
  const [expiry, setExpiry] = useState('604800');
  const [maxUses, setMaxUses] = useState('');
  const invites = useQuery({
    queryKey: keys.invites(conversationId),
    queryFn: () => api.get(paths.conversations.invites(conversationId), listOf(inviteSchema)),
  });
  const refresh = useCallback(
    () => qc.invalidateQueries({ queryKey: keys.invites(conversationId) }),
    [qc, conversationId],
  );
  // Someone joining (by a link, most likely) changes a link's use count: show it as it happens.
  const { socket } = useRealtime();
  useEffect(() => {
    const onJoined = (e: { conversationId: string }) => {
      if (e.conversationId === conversationId) void refresh();
    };
    socket.on('participant:joined', onJoined);
    return () => {
      socket.off('participant:joined', onJoined);
    };
  }, [socket, conversationId, refresh]);
  const create = async () => {
    try {
      const body = {
        ...(expiry !== 'never' ? { expiresInSeconds: Number(expiry) } : {}),
        ...(Number(maxUses) > 0 ? { maxUses: Number(maxUses) } : {}),
      };
      const inv = await api.send('POST', paths.conversations.invites(conversationId), inviteSchema, body);
      await navigator.clipboard?.writeText(inv.webUrl).catch(() => undefined);
      toasts.show({ kind: 'info', text: t('invite.created') });
      await refresh();
    } catch (e) {
      toasts.show({ kind: 'error', text: errorText(t, e) });
    }
  };
  const live = (invites.data ?? []).filter((i) => !i.revokedAt);
  return (
    <div className="panel-section">
      <h3>{t('invite.title')}</h3>
      <div className="invite-form">
        <label>
          {t('invite.expires')}
          <select className="input" value={expiry} onChange={(e) => setExpiry(e.target.value)}>
            <option value="3600">{t('invite.hour')}</option>
            <option value="86400">{t('invite.day')}</option>
            <option value="604800">{t('invite.week')}</option>
            <option value="never">{t('invite.never')}</option>
          </select>
        </label>
        <label>
          {t('invite.maxUses')}
          <input className="input" type="number" min={1} value={maxUses} onChange={(e) => setMaxUses(e.target.value)} />
        </label>
        <button type="button" className="button" onClick={() => void create()}>
          {t('invite.create')}
        </button>
      </div>
      <ul className="invites">
        {live.map((i) => (
          <li key={i.code}>
            <input
              className="input invite-url"
              readOnly
              value={i.webUrl}
              aria-label={t('invite.link')}
              onFocus={(e) => e.target.select()}
            />
            <small>
              {i.expiresAt
                ? t('invite.until', { date: new Date(i.expiresAt).toLocaleString(locale) })
                : t('invite.never')}{' '}
              · {t('invite.uses', { uses: i.uses, max: i.maxUses ?? '∞' })}
            </small>
            <button type="button" className="link" onClick={() => void navigator.clipboard?.writeText(i.webUrl)}>
              {t('invite.copy')}
            </button>
            <ShareButton
              item={{ url: i.webUrl, text: t('share.inviteText', { name }), title: name }}
              label={t('share.inviteLabel')}
            />
            <button
              type="button"
              className="link danger"
              onClick={() =>
                void api.send('DELETE', paths.conversations.invite(conversationId, i.code), z.unknown()).then(refresh)
              }
            >
              {t('invite.revoke')}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Avatar, name and "about" (a person's profile text, or a group's description and size). */
function DetailsHead({ c, name }: { c: ConversationSummary; name: string }) {
  const { t } = useI18n();
  const { api } = useApp();
  const peerId = c.kind === 'direct' ? c.peer?.id : undefined;
  const profile = useQuery({
    queryKey: keys.user(peerId ?? ''),
    enabled: Boolean(peerId),
    queryFn: () => api.get(paths.users.byId(peerId ?? ''), publicProfileSchema),
  }).data;
  const about = c.kind === 'direct' ? (profile?.about ?? '') : c.description;
  return (
    <div className="details-head">
      <Avatar name={name} url={c.avatarUrl ?? c.peer?.avatarUrl} size={72} />
      <h3>{name}</h3>
      {c.kind === 'direct' && c.peer && <span className="muted">@{c.peer.username}</span>}
      {c.kind !== 'direct' && <span className="muted">{t('chat.members', { count: c.memberCount })}</span>}
      {about && (
        <p className="details-about">
          <span className="sr-only">{t('details.about')}: </span>
          {about}
        </p>
      )}
      {peerId && <PointsProfile userId={peerId} />}
    </div>
  );
}

/** A member's admin actions behind one button, so the row never wraps. */
function MemberMenu({
  p,
  onRole,
  onRemove,
}: {
  p: Participant;
  onRole: (r: ParticipantRole) => void;
  onRemove: () => void;
}) {
  const { t } = useI18n();
  const { open, setOpen, menu, button, close } = useMenuButton();
  const run = (fn: () => void) => () => {
    setOpen(false);
    fn();
  };
  return (
    <span className="member-menu">
      <button
        ref={button}
        type="button"
        className="icon-button"
        aria-label={t('details.memberActions', { name: p.user.displayName })}
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => setOpen((v) => !v)}
      >
        <Icon name="more" size={18} />
      </button>
      {open && (
        <div
          ref={menu}
          className="menu member-actions-menu"
          role="menu"
          aria-label={t('details.memberActions', { name: p.user.displayName })}
          onKeyDown={(e) => menuKeys(e, close)}
        >
          <button type="button" role="menuitem" onClick={run(() => onRole(p.role === 'admin' ? 'member' : 'admin'))}>
            {p.role === 'admin' ? t('group.demote') : t('group.promote')}
          </button>
          <button type="button" role="menuitem" className="danger" onClick={run(onRemove)}>
            {t('group.removeNamed', { name: p.user.displayName })}
          </button>
        </div>
      )}
    </span>
  );
}
