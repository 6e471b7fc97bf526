import type { ConversationSummary, Message, PostRestriction } from '@charla/shared-types';
import { useQueryClient } from '@tanstack/react-query';
import { lazy, type RefObject, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { type MessagesState, markRead, tickFor } from '../../api/cache.ts';
import { useMessages, useParticipants } from '../../api/queries.ts';
import { keys } from '../../api/query-keys.ts';
import { useMe } from '../../app-context.tsx';
import { useRealtime } from '../../realtime/realtime.tsx';
import { ConfirmDialog } from '../../ui/confirm-dialog.tsx';
import { type MessageKey, useI18n } from '../../ui/i18n.tsx';
import { Icon } from '../../ui/icons.tsx';
import { useRouter } from '../../ui/router.tsx';
import { Avatar, EmptyState, Skeleton } from '../../ui/status.tsx';
import { useToasts } from '../../ui/toasts.tsx';
import { VirtualList, type VirtualListHandle } from '../../ui/virtual-list.tsx';
import { useClearMarkedUnread } from '../conversations/conversation-menu.tsx';
import { conversationName } from '../conversations/conversation-utils.ts';
import { BlockedNotice, SafetyActions, useSafety } from '../safety/safety.tsx';
import { Composer } from './composer.tsx';
import { useMessageCommands } from './message-commands.ts';
import { type MessageActions, MessageItem, PendingItem } from './message-item.tsx';
import { buildRows, estimateRow, type Row } from './rows.ts';

const GroupInfo = lazy(() => import('../groups/group-info.tsx').then((m) => ({ default: m.GroupInfo })));
const ForwardDialog = lazy(() => import('./message-dialogs.tsx').then((m) => ({ default: m.ForwardDialog })));
const InfoDialog = lazy(() => import('./message-dialogs.tsx').then((m) => ({ default: m.InfoDialog })));

export function ChatView({ conversation, seq }: { conversation: ConversationSummary; seq?: number }) {
  const { t, locale } = useI18n();
  const me = useMe();
  const qc = useQueryClient();
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
  useReadReceipts(id, lastSeq, atBottom && !messages.data?.hasMoreAfter && lastSeq > conversation.me.lastReadSeq);

  useJumpToSeq(id, seq, items, list, setHighlight);
  const [deleting, setDeleting] = useState<Message | null>(null);
  const commands = useMessageCommands(id);
  const jumpTo = useJumpToMessage(id, list, setHighlight, messages.loadOlder);

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
      react: commands.react,
      remove: (m, scope) => {
        if (scope === 'everyone') setDeleting(m);
        else commands.remove(m, 'me');
      },
      forward: setForwarding,
      info: setInfo,
      report: (m) => safety.report({ kind: 'message', messageId: m.id }),
      jumpTo,
    }),
    [commands, jumpTo, safety.report],
  );

  const submitEdit = async (m: Message, text: string): Promise<void> => {
    setEditing(null);
    await commands.edit(m, text);
  };

  const lastMine = useMemo(
    () => [...(items ?? [])].reverse().find((m) => m.senderId === me.id && m.kind === 'text' && !m.deletedAt) ?? null,
    [items, me.id],
  );
  const group = conversation.kind !== 'direct';
  const name = conversationName(conversation, t('chat.unknown'));
  const typers = (rt.typing[id] ?? []).map((u) => members.get(u)?.user.displayName ?? t('chat.someone'));
  const peerOnline = conversation.peer ? rt.presence[conversation.peer.id] === 'online' : undefined;
  const status = chatStatus(t, group, typers, conversation.memberCount, peerOnline);
  // The server's flags, never a rule of our own: it enforces the same ones on every send path.
  const { permissions } = conversation;
  const readOnlyText = t(readOnlyKey[permissions.cannotPostReason ?? 'admins_only']);
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
      <ChatHeader
        conversation={conversation}
        name={name}
        status={status}
        typing={typers.length > 0}
        online={peerOnline}
        panel={panel}
        onTogglePanel={() => setPanel((v) => !v)}
      />
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
            <JumpButtons
              toUnread={showJumpUnread && firstUnreadRow ? () => list.current?.scrollToKey(firstUnreadRow.key) : null}
              toLatest={
                showJumpLatest
                  ? () => {
                      if (messages.data?.hasMoreAfter) void qc.resetQueries({ queryKey: keys.messages(id) });
                      navigate({ name: 'home', conversationId: id }, { replace: true });
                      list.current?.scrollToBottom();
                    }
                  : null
              }
            />
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
            onConfirm={() => commands.remove(deleting, 'everyone')}
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

/** What the header says under the name: who is typing, else the member count or "online". */
function chatStatus(
  t: ReturnType<typeof useI18n>['t'],
  group: boolean,
  typers: string[],
  memberCount: number,
  online: boolean | undefined,
): string {
  if (typers.length) return group ? t('chat.typingNamed', { names: typers.join(', ') }) : t('chat.typing');
  if (group) return t('chat.members', { count: memberCount });
  return online ? t('presence.online') : '';
}

/** Why the composer is off, by the server's reason. */
const readOnlyKey: Record<PostRestriction, MessageKey> = {
  email_unverified: 'composer.unverified',
  not_member: 'composer.notMember',
  admins_only: 'composer.readOnly',
};

/** Read receipts: when the newest message is on screen (`due`) in a focused window. */
function useReadReceipts(id: string, lastSeq: number, due: boolean): void {
  const rt = useRealtime();
  const qc = useQueryClient();
  useEffect(() => {
    if (!due) return;
    const send = () => {
      if (document.visibilityState !== 'visible') return;
      rt.socket.emit('conversation:read', { conversationId: id, seq: lastSeq });
      qc.setQueryData<ConversationSummary[]>(keys.conversations, (l) => (l ? markRead(l, id, lastSeq) : l));
    };
    send();
    document.addEventListener('visibilitychange', send);
    return () => document.removeEventListener('visibilitychange', send);
  }, [due, lastSeq, id, rt.socket, qc]);
}

/** A reply quote's original: the quote carries no seq, so page back through history until it is loaded. */
function useJumpToMessage(
  id: string,
  list: RefObject<VirtualListHandle | null>,
  setHighlight: (id: string) => void,
  loadOlder: () => Promise<unknown>,
): (targetId: string) => void {
  const qc = useQueryClient();
  const toasts = useToasts();
  const { t } = useI18n();
  return useCallback(
    (targetId: string) =>
      void (async () => {
        for (let page = 0; page < 20; page++) {
          const state = qc.getQueryData<MessagesState>(keys.messages(id));
          if (state?.items.some((m) => m.id === targetId)) {
            setHighlight(targetId);
            requestAnimationFrame(() => list.current?.scrollToKey(targetId));
            return;
          }
          if (!state?.hasMoreBefore) break;
          await loadOlder();
        }
        toasts.show({ kind: 'info', text: t('message.unavailable') });
      })(),
    [qc, id, list, setHighlight, loadOlder, toasts, t],
  );
}

/** Jump to a message from the route (search results, reply quotes out of the loaded window). */
function useJumpToSeq(
  id: string,
  seq: number | undefined,
  items: Message[] | undefined,
  list: RefObject<VirtualListHandle | null>,
  setHighlight: (id: string) => void,
): void {
  const qc = useQueryClient();
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
  }, [seq, items, id, qc, list, setHighlight]);
}

function ChatHeader(p: {
  conversation: ConversationSummary;
  name: string;
  status: string;
  typing: boolean;
  online: boolean | undefined;
  panel: boolean;
  onTogglePanel: () => void;
}) {
  const { t } = useI18n();
  const { navigate } = useRouter();
  const { conversation, name, status, online: peerOnline, panel } = p;
  const id = conversation.id;
  const group = conversation.kind !== 'direct';
  return (
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
        <p className={`chat-status${p.typing ? ' typing' : ''}`} aria-live="polite">
          {status}
        </p>
      </div>
      <button type="button" className="button secondary" aria-expanded={panel} onClick={p.onTogglePanel}>
        {group ? t('group.info') : t('chat.details')}
      </button>
    </header>
  );
}

/** The pills over the history: back to the "Unread" marker, and down to the newest message. */
function JumpButtons({ toUnread, toLatest }: { toUnread: (() => void) | null; toLatest: (() => void) | null }) {
  const { t } = useI18n();
  return (
    <div className="jump-buttons">
      {toUnread && (
        <button type="button" className="chip" onClick={toUnread}>
          {t('chat.jumpUnread')}
        </button>
      )}
      {toLatest && (
        <button type="button" className="chip" onClick={toLatest}>
          {t('chat.jumpLatest')}
        </button>
      )}
    </div>
  );
}
