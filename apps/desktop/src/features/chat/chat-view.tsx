import type { ConversationSummary, Message } from '@charla/shared-types';
import { useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { tickFor } from '../../api/cache.ts';
import { useMessages, useParticipants } from '../../api/queries.ts';
import { keys } from '../../api/query-keys.ts';
import { useMe } from '../../app-context.tsx';
import { useRealtime } from '../../realtime/realtime.tsx';
import { ConfirmDialog } from '../../ui/confirm-dialog.tsx';
import { useI18n } from '../../ui/i18n.tsx';
import { useRouter } from '../../ui/router.tsx';
import { EmptyState, Skeleton } from '../../ui/status.tsx';
import { VirtualList, type VirtualListHandle } from '../../ui/virtual-list.tsx';
import { useClearMarkedUnread } from '../conversations/conversation-menu.tsx';
import { conversationName } from '../conversations/conversation-utils.ts';
import { BlockedNotice, SafetyActions, useSafety } from '../safety/safety.tsx';
import {
  ChatHeader,
  chatStatus,
  JumpButtons,
  readOnlyKey,
  useJumpToMessage,
  useJumpToSeq,
  useReadReceipts,
} from './chat-view.parts.tsx';
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
