import type { LocalMessage, LocalRecord, OutgoingFile } from '@charla/e2ee';
import type { ConversationSummary, Message, Participant } from '@charla/shared-types';
import { useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { markRead } from '../../api/cache.ts';
import { useMessages, useParticipants } from '../../api/queries.ts';
import { keys } from '../../api/query-keys.ts';
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
import { EncryptedMessage, EncryptedNote } from './encrypted-message.tsx';
import { makeThumbnail } from './thumbnail.ts';
import './e2ee.css';

const GroupInfo = lazy(() => import('../groups/group-info.tsx').then((m) => ({ default: m.GroupInfo })));
const EncryptedForwardDialog = lazy(() =>
  import('./encrypted-forward-dialog.tsx').then((m) => ({ default: m.EncryptedForwardDialog })),
);
const SafetyCodeDialog = lazy(() => import('./safety-code-dialog.tsx').then((m) => ({ default: m.SafetyCodeDialog })));

type Item = { seq: number; key: string } & ({ kind: 'local'; r: LocalRecord } | { kind: 'server'; m: Message });
type Where = 'loading' | 'ready' | 'waiting' | 'removed' | 'broken';

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
  const qc = useQueryClient();
  const rt = useRealtime();
  const e2ee = useE2ee();
  const { bridge } = e2ee;
  const id = conversation.id;
  const group = conversation.kind !== 'direct';
  const participants = useParticipants(id);
  const members = useMemo(() => new Map((participants.data ?? []).map((p) => [p.userId, p])), [participants.data]);
  const server = useMessages(id, conversation.changeSeq);
  const [records, setRecords] = useState<LocalRecord[] | null>(null);
  const [where, setWhere] = useState<Where>('loading');
  const [draft, setDraft] = useState('');
  const [editing, setEditing] = useState<LocalMessage | null>(null);
  const [replyTo, setReplyTo] = useState<LocalMessage | null>(null);
  const [verifying, setVerifying] = useState(false);
  const [forwarding, setForwarding] = useState<LocalMessage | null>(null);
  const [panel, setPanel] = useState(false);
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState<LocalMessage[] | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const version = e2ee.version(id);
  const name = conversationName(conversation, t('chat.someone'));

  useEffect(() => e2ee.ensure(), [e2ee.ensure]);
  useEffect(() => {
    rt.setActive(id);
    return () => rt.setActive(null);
  }, [id, rt.setActive]);

  // Where this device stands; join or create the group when it is not in yet.
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-checked whenever the worker reports a change (version)
  useEffect(() => {
    if (!bridge) return;
    let cancelled = false;
    void (async () => {
      let s = await bridge.call('status', id);
      if (s === 'none') s = (await bridge.call('reconcile', id).catch(() => false)) ? 'member' : 'none';
      if (cancelled) return;
      setWhere(s === 'member' ? 'ready' : s === 'none' ? 'waiting' : s);
    })();
    return () => {
      cancelled = true;
    };
  }, [bridge, id, version]);

  // Read receipts: what this device decrypted is on screen while the chat is open in a visible window
  // (the receipt says how far, never what).
  const readUpTo = records?.reduce((max, r) => Math.max(max, r.seq), 0) ?? 0;
  const lastReadSeq = conversation.me.lastReadSeq;
  useEffect(() => {
    if (readUpTo <= lastReadSeq) return;
    const send = () => {
      if (document.visibilityState !== 'visible') return;
      rt.socket.emit('conversation:read', { conversationId: id, seq: readUpTo });
      qc.setQueryData<ConversationSummary[]>(keys.conversations, (l) => (l ? markRead(l, id, readUpTo) : l));
    };
    send();
    document.addEventListener('visibilitychange', send);
    return () => document.removeEventListener('visibilitychange', send);
  }, [readUpTo, lastReadSeq, id, rt.socket, qc]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: re-read whenever the worker reports a change (version)
  useEffect(() => {
    if (!bridge) return;
    let cancelled = false;
    void bridge.call('history', id).then((r) => !cancelled && setRecords(r));
    return () => {
      cancelled = true;
    };
  }, [bridge, id, version]);

  const items = useMemo(() => {
    const out: Item[] = (records ?? [])
      .filter((r) => r.kind === 'note' || r.kind === 'message')
      .map((r) => ({ kind: 'local' as const, r, seq: r.seq, key: `l-${r.kind}-${r.id}` }));
    for (const m of server.data?.items ?? [])
      if (m.kind === 'system') out.push({ kind: 'server', m, seq: m.seq, key: `s-${m.id}` });
    return out.sort((a, b) => a.seq - b.seq);
  }, [records, server.data]);

  // Read receipts carry only a seq: the server learns how far, not what.
  const lastSeq = items.at(-1)?.seq ?? 0;
  useEffect(() => {
    if (lastSeq > conversation.me.lastReadSeq && document.visibilityState === 'visible')
      rt.socket.emit('conversation:read', { conversationId: id, seq: lastSeq });
  }, [lastSeq, conversation.me.lastReadSeq, id, rt.socket]);

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

  const submit = async () => {
    const text = draft.trim();
    if (!bridge || !text) return;
    setDraft('');
    try {
      if (editing) await bridge.call('send', id, { t: 'edit', target: editing.id, text });
      else if (replyTo)
        await bridge.call('send', id, {
          t: 'text',
          text,
          // The quote travels inside the ciphertext, cut like the server's reply snapshots.
          replyTo: { id: replyTo.id, senderId: replyTo.senderId, text: replyTo.text.slice(0, 200) },
        });
      else await bridge.call('send', id, { t: 'text', text });
      setEditing(null);
      setReplyTo(null);
    } catch (err) {
      setDraft(text);
      fail(err);
    }
  };

  const attach = async (files: FileList | null) => {
    if (!bridge || !files?.length) return;
    const out: OutgoingFile[] = [];
    for (const f of [...files].slice(0, 10)) {
      const bytes = new Uint8Array(await f.arrayBuffer());
      const thumbnail = f.type.startsWith('image/') ? await makeThumbnail(f).catch(() => null) : null;
      out.push({
        bytes,
        name: f.name,
        mime: f.type || 'application/octet-stream',
        ...(thumbnail
          ? { width: thumbnail.sourceWidth, height: thumbnail.sourceHeight, thumbnail: thumbnail.file }
          : {}),
      });
    }
    run(() => bridge.call('sendFiles', id, draft.trim(), out));
    setDraft('');
  };

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
                      setDraft(m.text);
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
          <form
            hidden={Boolean(blockedPeer)}
            className="composer e2ee-composer"
            onSubmit={(e) => {
              e.preventDefault();
              void submit();
            }}
          >
            {replyTo && !editing && (
              <div className="composer-mode">
                <span>
                  {t('composer.replyingTo')} <q>{replyTo.text.slice(0, 80)}</q>
                </span>
                <button type="button" className="chip" onClick={() => setReplyTo(null)}>
                  {x('cancel')}
                </button>
              </div>
            )}
            {editing && (
              <div className="composer-mode">
                <span>{x('edit')}</span>
                <button
                  type="button"
                  className="chip"
                  onClick={() => {
                    setEditing(null);
                    setDraft('');
                  }}
                >
                  {x('cancel')}
                </button>
              </div>
            )}
            <div className="composer-row">
              <button
                type="button"
                className="icon-button"
                aria-label={x('attach')}
                disabled={!canWrite}
                onClick={() => fileInput.current?.click()}
              >
                <Icon name="attach" />
              </button>
              <input ref={fileInput} type="file" multiple hidden onChange={(e) => void attach(e.target.files)} />
              <textarea
                rows={1}
                value={draft}
                placeholder={readOnlyText ?? x('placeholder')}
                aria-label={x('placeholder')}
                disabled={!canWrite}
                maxLength={4096}
                onChange={(e) => setDraft(e.target.value)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' && !e.shiftKey) {
                    e.preventDefault();
                    void submit();
                  }
                }}
              />
              <button type="submit" className="button primary" disabled={!canWrite || !draft.trim()}>
                {editing ? x('save') : x('send')}
              </button>
            </div>
          </form>
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
