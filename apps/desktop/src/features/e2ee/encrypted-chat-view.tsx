import type { LocalMessage, LocalRecord } from '@charla/e2ee';
import type { ConversationSummary, Message, Participant } from '@charla/shared-types';
import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { useMessages, useParticipants } from '../../api/queries.ts';
import { useMe } from '../../app-context.tsx';
import { useRealtime } from '../../realtime/realtime.tsx';
import { useI18n } from '../../ui/i18n.tsx';
import { Icon } from '../../ui/icons.tsx';
import { Avatar, EmptyState, Skeleton } from '../../ui/status.tsx';
import { useToasts } from '../../ui/toasts.tsx';
import { conversationName } from '../conversations/conversation-utils.ts';
import { BlockedNotice, SafetyActions, useSafety } from '../safety/safety.tsx';
import { useE2ee } from './e2ee-context.tsx';
import { useE2eeText } from './e2ee-i18n.ts';
import { useDeviceMembership, useEncryptedReadReceipts, useLocalHistory } from './encrypted-chat-state.ts';
import { EncryptedComposer } from './encrypted-composer.tsx';
import { EncryptedMessage, EncryptedNote } from './encrypted-message.tsx';
import './e2ee.css';

const GroupInfo = lazy(() => import('../groups/group-info.tsx').then((m) => ({ default: m.GroupInfo })));
const EncryptedForwardDialog = lazy(() =>
  import('./encrypted-forward-dialog.tsx').then((m) => ({ default: m.EncryptedForwardDialog })),
);
const SafetyCodeDialog = lazy(() => import('./safety-code-dialog.tsx').then((m) => ({ default: m.SafetyCodeDialog })));

type Item = { seq: number; key: string } & ({ kind: 'local'; r: LocalRecord } | { kind: 'server'; m: Message });

/**
 * An end-to-end encrypted conversation: history comes from this device's encrypted store (the
 * worker decrypts), system lines from the server. Server search, translation and previews do not
 * apply; search runs over the local store.
 */
export function EncryptedChatView({ conversation }: { conversation: ConversationSummary }) {
  const { t } = useI18n();
  const x = useE2eeText();
  const me = useMe();
  const toasts = useToasts();
  const safety = useSafety();
  const rt = useRealtime();
  const e2ee = useE2ee();
  const { bridge } = e2ee;
  const id = conversation.id;
  const group = conversation.kind !== 'direct';
  const participants = useParticipants(id);
  const members = useMemo(() => new Map((participants.data ?? []).map((p) => [p.userId, p])), [participants.data]);
  const server = useMessages(id, conversation.changeSeq);
  const [editing, setEditing] = useState<LocalMessage | null>(null);
  const [replyTo, setReplyTo] = useState<LocalMessage | null>(null);
  const [verifying, setVerifying] = useState(false);
  const [forwarding, setForwarding] = useState<LocalMessage | null>(null);
  const [panel, setPanel] = useState(false);
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState<LocalMessage[] | null>(null);
  const version = e2ee.version(id);
  const name = conversationName(conversation, t('chat.someone'));

  useEffect(() => e2ee.ensure(), [e2ee.ensure]);
  useEffect(() => {
    rt.setActive(id);
    return () => rt.setActive(null);
  }, [id, rt.setActive]);

  const where = useDeviceMembership(bridge, id, version);
  const records = useLocalHistory(bridge, id, version);

  const items = useMemo(() => {
    const out: Item[] = (records ?? [])
      .filter((r) => r.kind === 'note' || r.kind === 'message')
      .map((r) => ({ kind: 'local' as const, r, seq: r.seq, key: `l-${r.kind}-${r.id}` }));
    for (const m of server.data?.items ?? [])
      if (m.kind === 'system') out.push({ kind: 'server', m, seq: m.seq, key: `s-${m.id}` });
    return out.sort((a, b) => a.seq - b.seq);
  }, [records, server.data]);

  // Read receipts carry only a seq: the server learns how far, not what.
  useEncryptedReadReceipts(
    conversation,
    records?.reduce((max, r) => Math.max(max, r.seq), 0) ?? 0,
    items.at(-1)?.seq ?? 0,
  );

  const fail = useCallback(
    (err: unknown) => toasts.show({ kind: 'error', text: x('error.send', { error: (err as Error).message }) }),
    [toasts, x],
  );
  const run = useCallback(
    (task: () => Promise<unknown>) => {
      task().catch(fail);
    },
    [fail],
  );

  const search = async (q: string) => {
    setQuery(q);
    setHits(bridge && q.trim() ? await bridge.call('search', id, q) : null);
  };

  const banner =
    e2ee.status === 'failed'
      ? x('failed', { error: e2ee.error ?? '' })
      : where === 'waiting'
        ? x('waiting')
        : where === 'removed'
          ? x('removed')
          : where === 'broken'
            ? x('broken')
            : null;
  // The server's posting flags (announcement mode, unverified email): it enforces them on /e2ee too.
  const { permissions } = conversation;
  const readOnlyText = permissions.canPost
    ? null
    : permissions.cannotPostReason === 'email_unverified'
      ? t('composer.unverified')
      : permissions.cannotPostReason === 'not_member'
        ? t('composer.notMember')
        : t('composer.readOnly');
  const peer = conversation.kind === 'direct' ? conversation.peer : null;
  const blockedPeer = peer && safety.isBlocked(peer.id) ? { id: peer.id, name } : null;
  const canWrite = where === 'ready' && e2ee.status === 'ready' && permissions.canPost && !blockedPeer;

  return (
    <section className="chat e2ee-chat" aria-label={t('chat.label', { name })}>
      <header className="chat-header">
        <Avatar name={name} url={conversation.avatarUrl ?? conversation.peer?.avatarUrl} />
        <div className="chat-title">
          <h2>{name}</h2>
          <p className="chat-status e2ee-lock">
            <Icon name="lock" size={14} /> {x('lock')}
          </p>
        </div>
        <input
          type="search"
          className="e2ee-search"
          placeholder={x('search.local')}
          aria-label={x('search.local')}
          value={query}
          onChange={(e) => void search(e.target.value)}
        />
        <button type="button" className="button secondary" onClick={() => setVerifying(true)} disabled={!bridge}>
          {x('verify')}
        </button>
        <button type="button" className="button secondary" aria-expanded={panel} onClick={() => setPanel((v) => !v)}>
          {group ? t('group.info') : t('chat.details')}
        </button>
      </header>
      <p className="e2ee-unavailable muted">{x('unavailable')}</p>
      <div className="chat-body">
        <div className="chat-main">
          {banner && (
            <p className="e2ee-banner" role="status">
              {banner}
            </p>
          )}
          {hits ? (
            <ul className="e2ee-hits" aria-label={x('search.local')}>
              {hits.length === 0 ? (
                <li className="muted">{x('search.none')}</li>
              ) : (
                hits.map((h) => <li key={h.id}>{h.text}</li>)
              )}
            </ul>
          ) : records === null && e2ee.status !== 'failed' ? (
            <Skeleton lines={6} label={x('preparing')} />
          ) : items.length === 0 ? (
            <EmptyState title={x('banner')} />
          ) : (
            <div className="message-list e2ee-list" role="log" aria-label={t('chat.history')}>
              {items.map((it) =>
                it.kind === 'server' ? (
                  <SystemLine key={it.key} m={it.m} members={members} />
                ) : it.r.kind === 'note' ? (
                  <EncryptedNote key={it.key} n={it.r} members={members} />
                ) : (
                  <EncryptedMessage
                    key={it.key}
                    m={it.r}
                    mine={it.r.senderId === me.id}
                    group={group}
                    meId={me.id}
                    members={members}
                    onReact={(m, emoji, on) =>
                      run(() => bridge?.call('send', id, { t: 'react', target: m.id, emoji, on }) ?? Promise.resolve())
                    }
                    onReply={(m) => {
                      setEditing(null);
                      setReplyTo(m);
                    }}
                    onEdit={(m) => {
                      setReplyTo(null);
                      setEditing(m);
                    }}
                    onDelete={(m) =>
                      run(() => bridge?.call('send', id, { t: 'delete', target: m.id }) ?? Promise.resolve())
                    }
                    onForward={setForwarding}
                    onReport={(m) =>
                      run(async () => {
                        await bridge?.call('report', id, m.id, 'other', '');
                        toasts.show({ kind: 'info', text: x('reported') });
                      })
                    }
                  />
                ),
              )}
            </div>
          )}
          {blockedPeer && <BlockedNotice person={blockedPeer} />}
          <EncryptedComposer
            bridge={bridge}
            conversationId={id}
            canWrite={canWrite}
            readOnlyText={readOnlyText}
            hidden={Boolean(blockedPeer)}
            editing={editing}
            replyTo={replyTo}
            onStopEditing={() => setEditing(null)}
            onStopReplying={() => setReplyTo(null)}
            fail={fail}
          />
        </div>
        {panel && (
          // Members, mute/pin, leave, and what was shared (from this device: the server has ciphertext).
          <Suspense fallback={<Skeleton label={t('common.loading')} />}>
            <GroupInfo
              conversation={conversation}
              onClose={() => setPanel(false)}
              safety={<SafetyActions conversation={conversation} name={name} />}
            />
          </Suspense>
        )}
      </div>
      <Suspense fallback={null}>
        {verifying && bridge && (
          <SafetyCodeDialog
            bridge={bridge}
            conversationId={id}
            people={(participants.data ?? []).filter((p) => p.userId !== me.id)}
            onClose={() => setVerifying(false)}
          />
        )}
        {forwarding && (
          <EncryptedForwardDialog conversationId={id} message={forwarding} onClose={() => setForwarding(null)} />
        )}
      </Suspense>
    </section>
  );
}

function SystemLine({ m, members }: { m: Message; members: Map<string, Participant> }) {
  const { t } = useI18n();
  const s = m.system;
  if (!s) return null;
  const who = (uid: string | null) => (uid && members.get(uid)?.user.displayName) || t('chat.someone');
  const text = t(`system.${s.type}`, {
    actor: who(s.actorId),
    targets: s.targetIds.map(who).join(', '),
    value: s.value ?? '',
  });
  return <p className="system-message">{text}</p>;
}
