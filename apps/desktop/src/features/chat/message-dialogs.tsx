import { type Message, messageReceiptsSchema, type Participant, paths, type ReportReason } from '@charla/shared-types';
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { z } from 'zod';
import { newClientMsgId } from '../../api/outbox.ts';
import { useConversations } from '../../api/queries.ts';
import { useApp } from '../../app-context.tsx';
import { Dialog } from '../../ui/dialog.tsx';
import { useI18n } from '../../ui/i18n.tsx';
import { Skeleton } from '../../ui/status.tsx';
import { useToasts } from '../../ui/toasts.tsx';
import { errorText } from '../auth/auth-form.tsx';
import { conversationName } from '../conversations/conversation-utils.ts';

export function ForwardDialog({ message, onClose }: { message: Message; onClose: () => void }) {
  const { t } = useI18n();
  const { api } = useApp();
  const toasts = useToasts();
  const list = useConversations();
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [busy, setBusy] = useState(false);
  const forward = async () => {
    setBusy(true);
    try {
      await api.send('POST', paths.messages.forward(message.id), z.unknown(), {
        conversationIds: [...chosen],
        clientMsgId: newClientMsgId().slice(0, 56),
      });
      toasts.show({ kind: 'info', text: t('forward.done') });
      onClose();
    } catch (e) {
      toasts.show({ kind: 'error', text: errorText(t, e) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog title={t('forward.title')} onClose={onClose}>
      <fieldset className="checklist">
        <legend>{t('forward.targets')}</legend>
        {/* Only where the server lets me post (announcement channels refuse members). */}
        {(list.data ?? [])
          .filter((c) => c.permissions.canPost)
          .map((c) => (
            <label key={c.id}>
              <input
                type="checkbox"
                checked={chosen.has(c.id)}
                disabled={!chosen.has(c.id) && chosen.size >= 20}
                onChange={(e) =>
                  setChosen((s) => {
                    const n = new Set(s);
                    if (e.target.checked) n.add(c.id);
                    else n.delete(c.id);
                    return n;
                  })
                }
              />
              {conversationName(c, t('chat.unknown'))}
            </label>
          ))}
      </fieldset>
      <button
        type="button"
        className="button primary"
        disabled={busy || chosen.size === 0}
        onClick={() => void forward()}
      >
        {t('message.forward')}
      </button>
    </Dialog>
  );
}

export function InfoDialog({
  message,
  members,
  onClose,
}: {
  message: Message;
  members: Map<string, Participant>;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const { api } = useApp();
  const q = useQuery({
    queryKey: ['receipts', message.id],
    queryFn: () => api.get(paths.messages.receipts(message.id), messageReceiptsSchema),
  });
  const names = (ids: string[]) => ids.map((id) => members.get(id)?.user.displayName ?? id).join(', ') || '—';
  return (
    <Dialog title={t('message.info')} onClose={onClose}>
      {q.isPending ? (
        <Skeleton label={t('common.loading')} />
      ) : q.isError ? (
        <p role="alert">{errorText(t, q.error)}</p>
      ) : (
        <dl className="receipts">
          <dt>{t('tick.read')}</dt>
          <dd>{names(q.data.readBy)}</dd>
          <dt>{t('tick.delivered')}</dt>
          <dd>{names(q.data.deliveredTo)}</dd>
          <dt>{t('tick.sent')}</dt>
          <dd>{names(q.data.pending)}</dd>
        </dl>
      )}
    </Dialog>
  );
}

const reasons: ReportReason[] = ['spam', 'harassment', 'hate', 'violence', 'sexual', 'illegal', 'other'];

export function ReportDialog({ message, onClose }: { message: Message; onClose: () => void }) {
  const { t } = useI18n();
  const { api } = useApp();
  const toasts = useToasts();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    setBusy(true);
    try {
      await api.send('POST', paths.reports.create, z.unknown(), {
        messageId: message.id,
        reason: String(f.get('reason') ?? 'other'),
        note: String(f.get('note') ?? ''),
      });
      toasts.show({ kind: 'info', text: t('report.done') });
      onClose();
    } catch (err) {
      toasts.show({ kind: 'error', text: errorText(t, err) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog title={t('report.title')} onClose={onClose}>
      <form className="stack" onSubmit={(e) => void submit(e)}>
        <label>
          {t('report.reason')}
          <select className="input" name="reason" defaultValue="spam" data-autofocus>
            {reasons.map((r) => (
              <option key={r} value={r}>
                {t(`report.reason.${r}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('report.note')}
          <textarea className="input" name="note" maxLength={1000} rows={3} />
        </label>
        <button type="submit" className="button primary" disabled={busy}>
          {t('report.submit')}
        </button>
      </form>
    </Dialog>
  );
}
