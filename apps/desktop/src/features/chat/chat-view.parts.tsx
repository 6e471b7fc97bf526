import type { ConversationSummary, Message, PostRestriction } from '@charla/shared-types';
import { useQueryClient } from '@tanstack/react-query';
import { type RefObject, useCallback, useEffect, useRef } from 'react';
import { type MessagesState, markRead } from '../../api/cache.ts';
import { keys } from '../../api/query-keys.ts';
import { useRealtime } from '../../realtime/realtime.tsx';
import { type MessageKey, useI18n } from '../../ui/i18n.tsx';
import { Icon } from '../../ui/icons.tsx';
import { useRouter } from '../../ui/router.tsx';
import { Avatar } from '../../ui/status.tsx';
import { useToasts } from '../../ui/toasts.tsx';
import type { VirtualListHandle } from '../../ui/virtual-list.tsx';

/* The chat screen's parts: its header, the jump pills, and the hooks that move around its history. */

/** What the header says under the name: who is typing, else the member count or "online". */
export function chatStatus(
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
export const readOnlyKey: Record<PostRestriction, MessageKey> = {
  email_unverified: 'composer.unverified',
  not_member: 'composer.notMember',
  admins_only: 'composer.readOnly',
};

/** Read receipts: when the newest message is on screen (`due`) in a focused window. */
export function useReadReceipts(id: string, lastSeq: number, due: boolean): void {
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
export function useJumpToMessage(
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
export function useJumpToSeq(
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

export function ChatHeader(p: {
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
export function JumpButtons({ toUnread, toLatest }: { toUnread: (() => void) | null; toLatest: (() => void) | null }) {
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
