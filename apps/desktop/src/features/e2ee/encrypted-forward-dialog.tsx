import type { LocalMessage } from '@charla/e2ee';
import { useState } from 'react';
import { useConversations } from '../../api/queries.ts';
import { Dialog } from '../../ui/dialog.tsx';
import { useI18n } from '../../ui/i18n.tsx';
import { EmptyState } from '../../ui/status.tsx';
import { useToasts } from '../../ui/toasts.tsx';
import { ConversationChecklist } from '../conversations/conversation-checklist.tsx';
import { useE2ee } from './e2ee-context.tsx';
import { useE2eeText } from './e2ee-i18n.ts';

/**
 * Forwards a decrypted message (and its files, encrypted again under new keys) to other encrypted
 * chats. Plain chats are not offered: forwarding there would hand the server what it must not read.
 */
export function EncryptedForwardDialog(p: { conversationId: string; message: LocalMessage; onClose(): void }) {
  const { t } = useI18n();
  const x = useE2eeText();
  const { bridge } = useE2ee();
  const toasts = useToasts();
  const list = useConversations();
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [busy, setBusy] = useState(false);
  const targets = (list.data ?? []).filter((c) => c.encrypted && c.permissions.canPost);
  const forward = async () => {
    if (!bridge) return;
    setBusy(true);
    try {
      await bridge.call('forward', p.conversationId, p.message.id, [...chosen]);
      toasts.show({ kind: 'info', text: t('forward.done') });
      p.onClose();
    } catch (e) {
      toasts.show({ kind: 'error', text: x('error.send', { error: e instanceof Error ? e.message : String(e) }) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog title={t('forward.title')} onClose={p.onClose}>
      <p className="muted">{x('forward.onlyEncrypted')}</p>
      {targets.length === 0 ? (
        <EmptyState title={x('forward.none')} />
      ) : (
        <ConversationChecklist
          legend={t('forward.targets')}
          conversations={targets}
          chosen={chosen}
          onChange={setChosen}
        />
      )}
      <button
        type="button"
        className="button primary"
        disabled={busy || chosen.size === 0 || !bridge}
        onClick={() => void forward()}
      >
        {busy ? x('forward.busy') : t('message.forward')}
      </button>
    </Dialog>
  );
}
