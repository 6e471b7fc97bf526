import {
  type ConversationSummary,
  inviteSchema,
  type Participant,
  type ParticipantRole,
  paths,
} from '@charla/shared-types';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { z } from 'zod';
import { listOf, useParticipants } from '../../api/queries.ts';
import { keys } from '../../api/query-keys.ts';
import { useApp, useMe } from '../../app-context.tsx';
import { useRealtime } from '../../realtime/realtime.tsx';
import { useI18n } from '../../ui/i18n.tsx';
import { useRouter } from '../../ui/router.tsx';
import { Avatar, Skeleton } from '../../ui/status.tsx';
import { useToasts } from '../../ui/toasts.tsx';
import { errorText } from '../auth/auth-form.tsx';
import { conversationName, isMuted } from '../conversations/conversation-utils.ts';
import { EditGroup } from './edit-group.tsx';
import { UserPicker } from './user-picker.tsx';

const rank: Record<ParticipantRole, number> = { owner: 0, admin: 1, member: 2 };

/** Side panel: members, roles, invites, history switch, mute/pin/archive, leave. */
export function GroupInfo({ conversation: c, onClose }: { conversation: ConversationSummary; onClose: () => void }) {
  const { t } = useI18n();
  const { api } = useApp();
  const me = useMe();
  const qc = useQueryClient();
  const toasts = useToasts();
  const { navigate } = useRouter();
  const { presence } = useRealtime();
  const participants = useParticipants(c.id);
  const group = c.kind !== 'direct';
  const admin = c.me.role !== 'member';
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
  return (
    <aside className="side-panel" aria-label={t('group.info')}>
      <header className="panel-header">
        <h2>{conversationName(c, t('chat.unknown'))}</h2>
        <button type="button" className="icon-button" aria-label={t('common.close')} onClick={onClose}>
          ×
        </button>
      </header>
      {c.description && <p className="muted">{c.description}</p>}
      {group && admin && <EditGroup conversation={c} />}
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
        {group && admin && (
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
          {admin && <AddMembers conversationId={c.id} existing={members} onAdded={refreshMembers} />}
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
                  canManage={admin && p.userId !== me.id && rank[c.me.role] < rank[p.role]}
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
      {group && admin && <Invites conversationId={c.id} />}
      {group && (
        <button
          type="button"
          className="button danger"
          onClick={() =>
            window.confirm(t('group.leaveConfirm')) &&
            void run(async () => {
              await api.send('POST', paths.conversations.leave(c.id), z.unknown());
              qc.setQueryData<ConversationSummary[]>(keys.conversations, (l) => l?.filter((x) => x.id !== c.id));
              navigate({ name: 'home' });
            })
          }
        >
          {t('group.leave')}
        </button>
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
      {p.canManage && (
        <span className="member-actions">
          <button type="button" className="link" onClick={() => p.onRole(p.p.role === 'admin' ? 'member' : 'admin')}>
            {p.p.role === 'admin' ? t('group.demote') : t('group.promote')}
          </button>
          <button
            type="button"
            className="link danger"
            onClick={p.onRemove}
            aria-label={t('group.removeNamed', { name: p.p.user.displayName })}
          >
            {t('group.remove')}
          </button>
        </span>
      )}
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

function Invites({ conversationId }: { conversationId: string }) {
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
  const refresh = () => qc.invalidateQueries({ queryKey: keys.invites(conversationId) });
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
