import { type ConversationSummary, type Message, messageSchema, paths } from '@charla/shared-types';
import { useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { hideMessage, type MessagesState, markRead, patchReactions, tickFor, upsertMessage } from '../../api/cache.ts';
import { useMessages, useParticipants } from '../../api/queries.ts';
import { keys } from '../../api/query-keys.ts';
import { useRealtime } from '../../api/realtime.tsx';
import { request } from '../../api/socket.ts';
import { useApp, useMe } from '../../app-context.tsx';
import { ConfirmDialog } from '../../ui/confirm-dialog.tsx';
import { useI18n } from '../../ui/i18n.tsx';
import { Icon } from '../../ui/icons.tsx';
import { useRouter } from '../../ui/router.tsx';
import { Avatar, EmptyState, Skeleton } from '../../ui/status.tsx';
import { useToasts } from '../../ui/toasts.tsx';
import { VirtualList, type VirtualListHandle } from '../../ui/virtual-list.tsx';
import { errorText } from '../auth/auth-form.tsx';
import { useClearMarkedUnread } from '../conversations/conversation-menu.tsx';
import { conversationName } from '../conversations/conversation-utils.ts';
import { BlockedNotice, SafetyActions, useSafety } from '../safety/safety.tsx';
import { Composer } from './composer.tsx';
import { type MessageActions, MessageItem, PendingItem } from './message-item.tsx';
import { buildRows, estimateRow, type Row } from './rows.ts';

const GroupInfo = lazy(() => import('../groups/group-info.tsx').then((m) => ({ default: m.GroupInfo })));
const ForwardDialog = lazy(() => import('./message-dialogs.tsx').then((m) => ({ default: m.ForwardDialog })));
const InfoDialog = lazy(() => import('./message-dialogs.tsx').then((m) => ({ default: m.InfoDialog })));

export function ChatView({ conversation, seq }: { conversation: ConversationSummary; seq?: number }) {
  const { t, locale } = useI18n();
  const me = useMe();
  const { api } = useApp();
  const qc = useQueryClient();
  const toasts = useToasts();
  const { navigate } = useRouter();
  const rt = useRealtime();
  const safety = useSafety();
  const id = conversation.id;
  const messages = useMessages(id, conversation.changeSeq, seq);
  const participants = useParticipants(id);
  const members = useMemo(() => new Map((participants.data ?? []).map((p) => [p.userId, p])), [participants.data]);
  const list = useRef<VirtualListHandle>(null);
  const [replyTo, setReplyTo] = useState<Message | null>(null);
  const [editing, setEditing] = useState<Message | null>(null);
  const [atBottom, setAtBottom] = useState(true);
  const [highlight, setHighlight] = useState<string | null>(null);
  const [panel, setPanel] = useState(false);
  const [forwarding, setForwarding] = useState<Message | null>(null);
  const [info, setInfo] = useState<Message | null>(null);
  // Frozen when the chat opens, so the marker does not jump while messages get read.
  const [firstUnreadSeq] = useState(() => (conversation.unreadCount > 0 ? conversation.me.lastReadSeq + 1 : null));

  useClearMarkedUnread(conversation);
  useEffect(() => {
    rt.setActive(id);
    return () => rt.setActive(null);
  }, [id, rt.setActive]);

  const pending = useMemo(() => rt.pending.filter((e) => e.conversationId === id), [rt.pending, id]);
  const items = messages.data?.items;
  const rows = useMemo(
    () => buildRows(items ?? [], messages.data?.hasMoreAfter ? [] : pending, { firstUnreadSeq, meId: me.id }),
    [items, pending, firstUnreadSeq, me.id, messages.data?.hasMoreAfter],
  );
  const lastSeq = items?.at(-1)?.seq ?? 0;

  // Read receipts: when the newest message is on screen in a focused window.
  useEffect(() => {
    if (!atBottom || lastSeq <= conversation.me.lastReadSeq || messages.data?.hasMoreAfter) return;
    const send = () => {
      if (document.visibilityState !== 'visible') return;
      rt.socket.emit('conversation:read', { conversationId: id, seq: lastSeq });
      qc.setQueryData<ConversationSummary[]>(keys.conversations, (l) => (l ? markRead(l, id, lastSeq) : l));
    };
    send();
    document.addEventListener('visibilitychange', send);
    return () => document.removeEventListener('visibilitychange', send);
  }, [atBottom, lastSeq, conversation.me.lastReadSeq, id, rt.socket, qc, messages.data?.hasMoreAfter]);

  // Jump to a message from the route (search results, reply quotes out of the loaded window).
  const reloadedFor = useRef<number | null>(null);
  useEffect(() => {
    if (!seq || !items) return;
    const target = items.find((m) => m.seq === seq);
    if (target) {
      list.current?.scrollToKey(target.id);
      setHighlight(target.id);
    } else if (reloadedFor.current !== seq) {
      // Once per target: a message the caller may not see must not cause a reload loop.
      reloadedFor.current = seq;
      void qc.resetQueries({ queryKey: keys.messages(id) });
    }
  }, [seq, items, id, qc]);

  const [deleting, setDeleting] = useState<Message | null>(null);
  const patch = useCallback(
    (fn: (s: MessagesState) => MessagesState) =>
      qc.setQueryData<MessagesState>(keys.messages(id), (s) => (s ? fn(s) : s)),
    [qc, id],
  );
  const fail = useCallback(
    (e: unknown, retry?: () => void) =>
      toasts.show({
        kind: 'error',
        text: errorText(t, e),
        ...(retry ? { action: { label: t('common.retry'), run: retry } } : {}),
      }),
    [toasts, t],
  );

  const deleteMessage = useCallback(
    (m: Message, scope: 'me' | 'everyone') =>
      void request(rt.socket, 'message:delete', { messageId: m.id, for: scope })
        .then((tomb) => patch((s) => (tomb && scope === 'everyone' ? upsertMessage(s, tomb) : hideMessage(s, m.id))))
        .catch((e) => fail(e)),
    [rt.socket, patch, fail],
  );

  const actions: MessageActions = useMemo(
    () => ({
      reply: (m) => {
        setEditing(null);
        setReplyTo(m);
      },
      edit: (m) => {
        setReplyTo(null);
        setEditing(m);
      },
      react: function react(m, emoji, on) {
        void request(rt.socket, 'message:react', { messageId: m.id, emoji, on })
          .then((reactions) => patch((s) => patchReactions(s, m.id, reactions)))
          .catch((e) => fail(e, () => react(m, emoji, on)));
      },
      remove: (m, scope) => {
        if (scope === 'everyone') setDeleting(m);
        else deleteMessage(m, 'me');
      },
      removePreview: (m) => {
        void api
          .send('DELETE', paths.messages.linkPreview(m.id), messageSchema)
          .then((updated) => {
            patch((s) => upsertMessage(s, updated));
            toasts.show({ kind: 'info', text: t('linkPreview.removed') });
          })
          .catch((e) => fail(e));
      },
      forward: setForwarding,
      info: setInfo,
      report: (m) => safety.report({ kind: 'message', messageId: m.id }),
      jumpTo: (targetId) =>
        void (async () => {
          // The quote carries no seq: page back through history until the original is loaded.
          for (let page = 0; page < 20; page++) {
            const state = qc.getQueryData<MessagesState>(keys.messages(id));
            if (state?.items.some((m) => m.id === targetId)) {
              setHighlight(targetId);
              requestAnimationFrame(() => list.current?.scrollToKey(targetId));
              return;
            }
            if (!state?.hasMoreBefore) break;
            await messages.loadOlder();
          }
          toasts.show({ kind: 'info', text: t('message.unavailable') });
        })(),
    }),
    [rt.socket, patch, fail, t, qc, id, messages.loadOlder, toasts, safety.report, deleteMessage, api],
  );

  const submitEdit = async (m: Message, text: string): Promise<void> => {
    setEditing(null);
    try {
      const updated = await request(rt.socket, 'message:edit', { messageId: m.id, text });
      patch((s) => upsertMessage(s, updated));
    } catch (e) {
      fail(e, () => void submitEdit(m, text));
    }
  };

  const lastMine = useMemo(
    () => [...(items ?? [])].reverse().find((m) => m.senderId === me.id && m.kind === 'text' && !m.deletedAt) ?? null,
    [items, me.id],
  );
  const group = conversation.kind !== 'direct';
  const name = conversationName(conversation, t('chat.unknown'));
  const typers = (rt.typing[id] ?? []).map((u) => members.get(u)?.user.displayName ?? t('chat.someone'));
  const peerOnline = conversation.peer ? rt.presence[conversation.peer.id] === 'online' : undefined;
  const status = typers.length
    ? group
      ? t('chat.typingNamed', { names: typers.join(', ') })
      : t('chat.typing')
    : group
      ? t('chat.members', { count: conversation.memberCount })
      : peerOnline
        ? t('presence.online')
        : '';
  // The server's flags, never a rule of our own: it enforces the same ones on every send path.
  const { permissions } = conversation;
  const readOnlyText =
    permissions.cannotPostReason === 'email_unverified'
      ? t('composer.unverified')
      : permissions.cannotPostReason === 'not_member'
        ? t('composer.notMember')
        : t('composer.readOnly');
  const peer = conversation.kind === 'direct' ? conversation.peer : null;
  const blockedPeer = peer && safety.isBlocked(peer.id) ? { id: peer.id, name } : null;

  const firstUnreadRow = rows.find((r) => r.kind === 'unread');
  const unreadIndex = firstUnreadRow ? rows.indexOf(firstUnreadRow) : -1;
  // The pill leads to the "Unread" marker until it has been on screen, or everything was read.
  const [unreadSeen, setUnreadSeen] = useState(false);
  const showJumpUnread = Boolean(firstUnreadRow) && !unreadSeen && !atBottom;
  const showJumpLatest = !atBottom || Boolean(messages.data?.hasMoreAfter);
  const renderRow = useCallback(
    (r: Row) => {
      switch (r.kind) {
        case 'day':
          return (
            <div className="day-separator">
              <span>
                {new Date(r.date).toLocaleDateString(locale, {
                  weekday: 'long',
                  day: 'numeric',
                  month: 'long',
                  year: 'numeric',
                })}
              </span>
            </div>
          );
        case 'unread':
          return (
            <div className="unread-marker">
              <span>{t('chat.unreadMarker')}</span>
            </div>
          );
        case 'pending':
          return (
            <PendingItem
              entry={r.entry}
              onRetry={() => rt.retry(r.entry.clientMsgId)}
              onDiscard={() => rt.discard(r.entry.clientMsgId)}
            />
          );
        case 'message': {
          const mine = r.message.senderId === me.id;
          return (
            <MessageItem
              message={r.message}
              mine={mine}
              meId={me.id}
              showSender={r.firstOfGroup}
              group={group}
              tick={mine ? tickFor(r.message.seq, participants.data, me.id) : null}
              members={members}
              actions={actions}
              highlighted={highlight === r.message.id}
              canDeleteForEveryone={permissions.canModerate}
              canPost={permissions.canPost}
              canReact={permissions.canReact}
            />
          );
        }
      }
    },
    [locale, t, rt.retry, rt.discard, me.id, group, participants.data, members, actions, highlight, permissions],
  );

  return (
    <section className="chat" aria-label={t('chat.label', { name })}>
      <header className="chat-header">
        <button
          type="button"
          className="icon-button back-button"
          aria-label={t('chat.backToList')}
          onClick={() => {
            navigate({ name: 'home' });
            // One pane at a time: land on this chat's row in the list, not on the page.
            requestAnimationFrame(() =>
              document.querySelector<HTMLElement>(`[data-conversation-id="${CSS.escape(id)}"]`)?.focus(),
            );
          }}
        >
          <Icon name="back" />
        </button>
        <Avatar name={name} url={conversation.avatarUrl ?? conversation.peer?.avatarUrl} online={peerOnline} />
        <div className="chat-title">
          <h2>{name}</h2>
          <p className={`chat-status${typers.length ? ' typing' : ''}`} aria-live="polite">
            {status}
          </p>
        </div>
        <button type="button" className="button secondary" aria-expanded={panel} onClick={() => setPanel((v) => !v)}>
          {group ? t('group.info') : t('chat.details')}
        </button>
      </header>
      <div className="chat-body">
        <div className="chat-main">
          <div className="history-pane">
            {messages.isPending ? (
              <Skeleton lines={8} label={t('common.loading')} />
            ) : messages.isError ? (
              <EmptyState title={t('chat.loadError')}>
                <button type="button" className="button" onClick={() => messages.refetch()}>
                  {t('common.retry')}
                </button>
              </EmptyState>
            ) : rows.length === 0 ? (
              <EmptyState title={t('chat.empty')} />
            ) : (
              <VirtualList
                key={id}
                className={`message-list${showJumpUnread || showJumpLatest ? ' with-pills' : ''}`}
                label={t('chat.history')}
                items={rows}
                getKey={rowKey}
                isAnchor={isMessageRow}
                estimate={estimateRow}
                render={renderRow}
                handle={list}
                initialKey={seq ? items?.find((m) => m.seq === seq)?.id : firstUnreadRow?.key}
                onReachTop={() => void messages.loadOlder()}
                onViewportChange={(first, last) => {
                  if (unreadIndex >= first && unreadIndex <= last) setUnreadSeen(true);
                }}
                onAtBottomChange={(b) => {
                  setAtBottom(b);
                  if (b) void messages.loadNewer();
                }}
              />
            )}
            <div className="jump-buttons">
              {showJumpUnread && firstUnreadRow && (
                <button type="button" className="chip" onClick={() => list.current?.scrollToKey(firstUnreadRow.key)}>
                  {t('chat.jumpUnread')}
                </button>
              )}
              {showJumpLatest && (
                <button
                  type="button"
                  className="chip"
                  onClick={() => {
                    if (messages.data?.hasMoreAfter) void qc.resetQueries({ queryKey: keys.messages(id) });
                    navigate({ name: 'home', conversationId: id }, { replace: true });
                    list.current?.scrollToBottom();
                  }}
                >
                  {t('chat.jumpLatest')}
                </button>
              )}
            </div>
          </div>
          {blockedPeer ? (
            <BlockedNotice person={blockedPeer} />
          ) : (
            <Composer
              key={id}
              conversationId={id}
              members={participants.data ?? []}
              membersById={members}
              meId={me.id}
              replyTo={replyTo}
              editing={editing}
              lastMine={lastMine}
              disabled={!permissions.canPost}
              disabledText={readOnlyText}
              onCancel={() => {
                setReplyTo(null);
                setEditing(null);
              }}
              onEdit={actions.edit}
              onSubmitEdit={submitEdit}
            />
          )}
        </div>
        {panel && (
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
        {forwarding && <ForwardDialog message={forwarding} onClose={() => setForwarding(null)} />}
        {info && <InfoDialog message={info} members={members} onClose={() => setInfo(null)} />}
        {deleting && (
          <ConfirmDialog
            title={t('message.confirmDelete')}
            body={t('message.confirmDeleteBody')}
            confirmLabel={t('message.deleteForEveryone')}
            onConfirm={() => deleteMessage(deleting, 'everyone')}
            onClose={() => setDeleting(null)}
          />
        )}
      </Suspense>
    </section>
  );
}

function isMessageRow(r: Row) {
  return r.kind === 'message' || r.kind === 'pending';
}

function rowKey(r: Row) {
  return r.key;
}
