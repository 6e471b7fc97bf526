import {
  type ConversationSummary,
  myConversationStateSchema,
  paths,
  type UpdateMyStateRequest,
} from '@charla/shared-types';
import { useQueryClient } from '@tanstack/react-query';
import { type KeyboardEvent, useCallback, useEffect, useRef, useState } from 'react';
import { z } from 'zod';
import { markRead } from '../../api/cache.ts';
import { keys } from '../../api/query-keys.ts';
import { useApp } from '../../app-context.tsx';
import { useRealtime } from '../../realtime/realtime.tsx';
import { Dialog } from '../../ui/dialog.tsx';
import { useI18n } from '../../ui/i18n.tsx';
import { useRouter } from '../../ui/router.tsx';
import { useToasts } from '../../ui/toasts.tsx';
import { errorText } from '../auth/auth-form.tsx';
import { conversationName, isMuted } from './conversation-utils.ts';

/** Far future = "until I unmute", as the details panel does. */
export const MUTE_FOREVER = '9999-12-31T00:00:00.000Z';

/** Pin, mute, archive, (un)read and delete for one chat, with the list cache kept in step. */
export function useChatActions(c: ConversationSummary) {
  const { t } = useI18n();
  const { api } = useApp();
  const qc = useQueryClient();
  const toasts = useToasts();
  const { socket } = useRealtime();
  const { route, navigate } = useRouter();
  const patchList = useCallback(
    (fn: (c: ConversationSummary) => ConversationSummary) =>
      qc.setQueryData<ConversationSummary[]>(keys.conversations, (l) => l?.map((x) => (x.id === c.id ? fn(x) : x))),
    [qc, c.id],
  );
  const setMine = useCallback(
    async (patch: UpdateMyStateRequest) => {
      try {
        const me = await api.send('PATCH', paths.conversations.me(c.id), myConversationStateSchema, patch);
        patchList((x) => ({ ...x, me }));
      } catch (e) {
        toasts.show({ kind: 'error', text: errorText(t, e) });
      }
    },
    [api, c.id, patchList, toasts, t],
  );
  const unread = c.unreadCount > 0 || Boolean(c.me.markedUnread);
  return {
    unread,
    pin: () => setMine({ pinned: !c.me.pinned }),
    mute: () => setMine({ mutedUntil: isMuted(c) ? null : MUTE_FOREVER }),
    archive: () => setMine({ archived: !c.me.archived }),
    toggleUnread: () => {
      if (!unread) return setMine({ markedUnread: true });
      if (c.lastSeq > c.me.lastReadSeq) {
        socket.emit('conversation:read', { conversationId: c.id, seq: c.lastSeq });
        qc.setQueryData<ConversationSummary[]>(keys.conversations, (l) => (l ? markRead(l, c.id, c.lastSeq) : l));
      }
      return c.me.markedUnread ? setMine({ markedUnread: false }) : Promise.resolve();
    },
    remove: async () => {
      try {
        await api.send('POST', paths.conversations.leave(c.id), z.unknown());
        qc.setQueryData<ConversationSummary[]>(keys.conversations, (l) => l?.filter((x) => x.id !== c.id));
        if (route.name === 'home' && route.conversationId === c.id) navigate({ name: 'home' });
      } catch (e) {
        toasts.show({ kind: 'error', text: errorText(t, e) });
      }
    },
  };
}

/** Opening a chat that was marked unread clears the mark (on every device). */
export function useClearMarkedUnread(c: ConversationSummary) {
  const actions = useChatActions(c);
  const toggle = useRef(actions.toggleUnread);
  toggle.current = actions.toggleUnread;
  const marked = Boolean(c.me.markedUnread);
  useEffect(() => {
    if (marked) void toggle.current();
  }, [marked]);
}

/**
 * A menu that opens from a button: focus moves to its first item when it opens, a click outside
 * closes it, and `close` (Esc, or an item picked) hands focus back to the button.
 */
export function useMenuButton() {
  const [open, setOpen] = useState(false);
  const menu = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const close = () => {
    setOpen(false);
    button.current?.focus();
  };
  useEffect(() => {
    if (!open) return;
    menu.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    const outside = (e: Event) => {
      if (!menu.current?.contains(e.target as Node) && e.target !== button.current) setOpen(false);
    };
    document.addEventListener('pointerdown', outside, true);
    return () => document.removeEventListener('pointerdown', outside, true);
  }, [open]);
  return { open, setOpen, menu, button, close };
}

/** Up/Down/Home/End move between a menu's items; Esc and Tab close it. */
export function menuKeys(e: KeyboardEvent<HTMLElement>, close: () => void) {
  const items = [...e.currentTarget.querySelectorAll<HTMLElement>('[role="menuitem"]')];
  const at = items.indexOf(document.activeElement as HTMLElement);
  const go = (i: number) => items[(i + items.length) % items.length]?.focus();
  switch (e.key) {
    case 'ArrowDown':
      go(at + 1);
      break;
    case 'ArrowUp':
      go(at - 1);
      break;
    case 'Home':
      go(0);
      break;
    case 'End':
      go(items.length - 1);
      break;
    case 'Escape':
    case 'Tab':
      close();
      break;
    default:
      return;
  }
  e.preventDefault();
}

export function ConversationMenu({
  c,
  at,
  onClose,
}: {
  c: ConversationSummary;
  at: { x: number; y: number };
  onClose: () => void;
}) {
  const { t } = useI18n();
  const a = useChatActions(c);
  const ref = useRef<HTMLDivElement>(null);
  const [confirming, setConfirming] = useState(false);
  useEffect(() => {
    // The confirmation is a modal of its own: clicks in it are not "outside the menu".
    if (confirming) return;
    const el = ref.current;
    el?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    const outside = (e: Event) => {
      if (!el?.contains(e.target as Node)) onClose();
    };
    document.addEventListener('pointerdown', outside, true);
    window.addEventListener('resize', onClose);
    return () => {
      document.removeEventListener('pointerdown', outside, true);
      window.removeEventListener('resize', onClose);
    };
  }, [onClose, confirming]);
  const name = conversationName(c, t('chat.unknown'));
  const run = (fn: () => unknown) => () => {
    void fn();
    onClose();
  };
  const style = {
    position: 'fixed' as const,
    left: Math.max(8, Math.min(at.x, window.innerWidth - 230)),
    top: Math.max(8, Math.min(at.y, window.innerHeight - 250)),
  };
  if (confirming)
    return (
      <Dialog
        title={t(c.kind === 'direct' ? 'chatMenu.deleteTitle' : 'chatMenu.leaveTitle', { name })}
        onClose={onClose}
      >
        <p>{t(c.kind === 'direct' ? 'chatMenu.deleteBody' : 'chatMenu.leaveBody')}</p>
        <div className="dialog-actions">
          <button type="button" className="button secondary" onClick={onClose} data-autofocus>
            {t('common.cancel')}
          </button>
          <button type="button" className="button danger" onClick={run(a.remove)}>
            {t(c.kind === 'direct' ? 'chatMenu.delete' : 'chatMenu.leave')}
          </button>
        </div>
      </Dialog>
    );
  return (
    <div
      ref={ref}
      className="menu conversation-menu"
      role="menu"
      aria-label={t('chatMenu.label', { name })}
      style={style}
      onKeyDown={(e) => menuKeys(e, onClose)}
    >
      <button type="button" role="menuitem" onClick={run(a.pin)}>
        {t(c.me.pinned ? 'chatMenu.unpin' : 'chatMenu.pin')}
      </button>
      <button type="button" role="menuitem" onClick={run(a.mute)}>
        {t(isMuted(c) ? 'chatMenu.unmute' : 'chatMenu.mute')}
      </button>
      <button type="button" role="menuitem" onClick={run(a.archive)}>
        {t(c.me.archived ? 'chatMenu.unarchive' : 'chatMenu.archive')}
      </button>
      <button type="button" role="menuitem" onClick={run(a.toggleUnread)}>
        {t(a.unread ? 'chatMenu.markRead' : 'chatMenu.markUnread')}
      </button>
      <button type="button" role="menuitem" className="danger" onClick={() => setConfirming(true)}>
        {t(c.kind === 'direct' ? 'chatMenu.delete' : 'chatMenu.leave')}
      </button>
    </div>
  );
}
