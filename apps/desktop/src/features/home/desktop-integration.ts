import type { ConversationSummary } from '@charla/shared-types';
import { useEffect, useMemo } from 'react';
import { useApp } from '../../app-context.tsx';
import { useRealtime } from '../../realtime/realtime.tsx';
import { useI18n } from '../../ui/i18n.tsx';
import { conversationName } from '../conversations/conversation-utils.ts';

const TRAY_RECENT = 5;

/** The tray menu's latest conversations: the first of the list (its order), not archived. */
export function trayRecent(list: readonly ConversationSummary[] | undefined, fallback: string) {
  return (list ?? [])
    .filter((c) => !c.me.archived)
    .slice(0, TRAY_RECENT)
    .map((c) => ({ conversationId: c.id, title: conversationName(c, fallback).slice(0, 100), unread: c.unreadCount }));
}

/**
 * What the desktop shell shows while Charla runs in the background: the latest conversations in the
 * tray menu, and replies typed into notifications, sent through the outbox like any message.
 */
export function useDesktopIntegration(list: readonly ConversationSummary[] | undefined): void {
  const { platform } = useApp();
  const { t } = useI18n();
  const { send } = useRealtime();
  const recent = useMemo(() => trayRecent(list, t('chat.unknown')), [list, t]);
  const recentKey = JSON.stringify(recent);
  useEffect(() => {
    platform.setRecentConversations?.(JSON.parse(recentKey));
  }, [platform, recentKey]);
  useEffect(
    () => platform.onNotificationReply?.((conversationId, text) => void send(conversationId, { text, mentions: [] })),
    [platform, send],
  );
}
