import type { ConversationSummary, Message, Participant } from '@charla/shared-types';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useRef } from 'react';
import { keys } from '../api/query-keys.ts';
import { useApp } from '../app-context.tsx';
import { useSettings } from '../ui/settings.tsx';
import { playPing } from '../ui/sound.ts';
import { incomingNotification } from './incoming-notification.ts';

/**
 * Hands each incoming message to the platform's notifier with the facts it needs (the host applies
 * the policy), and pings on the web, where notifications make no sound of their own.
 */
export function useIncomingNotifications(meId: string): (m: Message, event: { notifyEvenIfMuted: string[] }) => void {
  const { platform } = useApp();
  const { settings } = useSettings();
  const qc = useQueryClient();
  const settingsRef = useRef(settings);
  settingsRef.current = settings;
  return useCallback(
    (m, event) => {
      const request = incomingNotification(m, {
        meId,
        conversation: qc
          .getQueryData<ConversationSummary[]>(keys.conversations)
          ?.find((c) => c.id === m.conversationId),
        members: qc.getQueryData<Participant[]>(keys.participants(m.conversationId)),
        notifyEvenIfMuted: event.notifyEvenIfMuted,
      });
      void platform
        .notify(request)
        .then((outcome) => {
          // Native notifications make their own sound (main passes silent: !sound); the web pings.
          const n = settingsRef.current.notifications;
          if (outcome !== 'suppressed' && n.sound && !platform.supports.nativeNotifications) playPing();
        })
        .catch(() => undefined);
    },
    [qc, meId, platform],
  );
}
