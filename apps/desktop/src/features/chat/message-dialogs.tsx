import {
  type Message,
  messageReceiptsSchema,
  type Participant,
  paths,
  type ReceiptMember,
  type ReportReason,
} from '@charla/shared-types';
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { z } from 'zod';
import { newClientMsgId } from '../../api/outbox.ts';
import { useConversations } from '../../api/queries.ts';
import { useApp } from '../../app-context.tsx';
import { Dialog } from '../../ui/dialog.tsx';
import { formatMoment } from '../../ui/format.ts';
import { useI18n } from '../../ui/i18n.tsx';
import { Skeleton } from '../../ui/status.tsx';
import { useToasts } from '../../ui/toasts.tsx';
import { errorText } from '../auth/auth-form.tsx';
import { ConversationChecklist } from '../conversations/conversation-checklist.tsx';

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
      {/* Only where the server lets me post (announcement channels refuse members), and never into an
          encrypted chat: forwarding there would hand the server plain text (it refuses, 409). */}
      <ConversationChecklist
        legend={t('forward.targets')}
        conversations={(list.data ?? []).filter((c) => c.permissions.canPost && !c.encrypted)}
        chosen={chosen}
        onChange={setChosen}
      />
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
  const { t, locale } = useI18n();
  const { api } = useApp();
  const q = useQuery({
    queryKey: ['receipts', message.id],
    queryFn: () => api.get(paths.messages.receipts(message.id), messageReceiptsSchema),
  });
  const name = (id: string) => members.get(id)?.user.displayName ?? t('chat.unknown');
  const when = (iso: string | null) =>
    iso ? <time dateTime={iso}>{formatMoment(iso, locale)}</time> : <span className="muted">—</span>;
  const read = (q.data?.members ?? []).filter((m) => m.readAt || q.data?.readBy.includes(m.userId));
  const delivered = (q.data?.members ?? []).filter(
    (m) => !read.includes(m) && (m.deliveredAt || q.data?.deliveredTo.includes(m.userId)),
  );
  const waiting = (q.data?.members ?? []).filter((m) => !read.includes(m) && !delivered.includes(m));
  const section = (title: string, rows: ReceiptMember[], time: (m: ReceiptMember) => string | null) =>
    rows.length > 0 && (
      <section className="receipt-group" aria-label={title}>
        <h3>{title}</h3>
        <ul>
          {rows.map((m) => (
            <li key={m.userId}>
              <span className="receipt-name">{name(m.userId)}</span>
              {when(time(m))}
            </li>
          ))}
        </ul>
      </section>
    );
  return (
    <Dialog title={t('message.info')} onClose={onClose}>
      {q.isPending ? (
        <Skeleton label={t('common.loading')} />
      ) : q.isError ? (
        <p role="alert">{errorText(t, q.error)}</p>
      ) : (
        <div className="receipts">
          <dl>
            <dt>{t('tick.sent')}</dt>
            <dd>{when(q.data.sentAt)}</dd>
          </dl>
          {q.data.members.length === 0 && <p className="muted">{t('info.noRecipients')}</p>}
          {section(t('info.readBy'), read, (m) => m.readAt)}
          {section(t('info.deliveredTo'), delivered, (m) => m.deliveredAt)}
          {section(t('info.waiting'), waiting, () => null)}
        </div>
      )}
    </Dialog>
  );
}

const reasons: ReportReason[] = ['spam', 'harassment', 'hate', 'violence', 'sexual', 'illegal', 'other'];

/** What a report is about: one message, a person, or a whole group or channel. */
export type ReportTarget =
  | { kind: 'message'; messageId: string }
  | { kind: 'user'; userId: string; name: string }
  | { kind: 'conversation'; conversationId: string; name: string };

export function ReportDialog({ target, onClose }: { target: ReportTarget; onClose: () => void }) {
  const { t } = useI18n();
  const { api } = useApp();
  const toasts = useToasts();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    setBusy(true);
    try {
      const about =
        target.kind === 'message'
          ? { messageId: target.messageId }
          : target.kind === 'user'
            ? { userId: target.userId }
            : { conversationId: target.conversationId };
      await api.send('POST', paths.reports.create, z.unknown(), {
        ...about,
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
    <Dialog
      title={target.kind === 'message' ? t('report.title') : t('report.titleNamed', { name: target.name })}
      onClose={onClose}
    >
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
