import type { DeleteScope, Message } from '@charla/shared-types';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useMemo } from 'react';
import { hideMessage, type MessagesState, patchReactions, upsertMessage } from '../../api/cache.ts';
import { keys } from '../../api/query-keys.ts';
import { request } from '../../api/socket.ts';
import { useRealtime } from '../../realtime/realtime.tsx';
import { useI18n } from '../../ui/i18n.tsx';
import { useToasts } from '../../ui/toasts.tsx';
import { errorText } from '../auth/auth-form.tsx';

export type MessageCommands = {
  edit(m: Message, text: string): Promise<void>;
  react(m: Message, emoji: string, on: boolean): void;
  remove(m: Message, scope: DeleteScope): void;
};

/**
 * Commands on one conversation's messages over the socket. Each ack goes into the cache at once
 * (the event that follows for other devices is then a no-op here); a failure shows a toast, with
 * a retry where retrying makes sense.
 */
export function useMessageCommands(conversationId: string): MessageCommands {
  const { socket } = useRealtime();
  const qc = useQueryClient();
  const toasts = useToasts();
  const { t } = useI18n();

  const patch = useCallback(
    (fn: (s: MessagesState) => MessagesState) =>
      qc.setQueryData<MessagesState>(keys.messages(conversationId), (s) => (s ? fn(s) : s)),
    [qc, conversationId],
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

  return useMemo(() => {
    const react = (m: Message, emoji: string, on: boolean): void => {
      void request(socket, 'message:react', { messageId: m.id, emoji, on })
        .then((reactions) => patch((s) => patchReactions(s, m.id, reactions)))
        .catch((e: unknown) => fail(e, () => react(m, emoji, on)));
    };
    const remove = (m: Message, scope: DeleteScope): void => {
      void request(socket, 'message:delete', { messageId: m.id, for: scope })
        .then((tomb) => patch((s) => (tomb && scope === 'everyone' ? upsertMessage(s, tomb) : hideMessage(s, m.id))))
        .catch((e: unknown) => fail(e));
    };
    const edit = async (m: Message, text: string): Promise<void> => {
      try {
        const updated = await request(socket, 'message:edit', { messageId: m.id, text });
        patch((s) => upsertMessage(s, updated));
      } catch (e) {
        fail(e, () => void edit(m, text));
      }
    };
    return { edit, react, remove };
  }, [socket, patch, fail]);
}
