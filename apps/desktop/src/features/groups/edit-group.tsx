import { type ConversationSummary, paths } from '@charla/shared-types';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { z } from 'zod';
import { keys } from '../../api/query-keys.ts';
import { sendFile } from '../../api/upload.ts';
import { useApp } from '../../app-context.tsx';
import { useI18n } from '../../ui/i18n.tsx';
import { useToasts } from '../../ui/toasts.tsx';
import { errorText } from '../auth/auth-form.tsx';

/** Group owners/admins: title, description and picture. */
export function EditGroup({ conversation: c }: { conversation: ConversationSummary }) {
  const { t } = useI18n();
  const { api } = useApp();
  const qc = useQueryClient();
  const toasts = useToasts();
  const [open, setOpen] = useState(false);
  const [progress, setProgress] = useState<number | null>(null);
  const done = async () => {
    await qc.invalidateQueries({ queryKey: keys.conversations });
    toasts.show({ kind: 'info', text: t('settings.saved') });
  };
  const fail = (e: unknown) => toasts.show({ kind: 'error', text: errorText(t, e) });
  if (!open)
    return (
      <button type="button" className="link" onClick={() => setOpen(true)}>
        {t('group.edit')}
      </button>
    );
  return (
    <form
      className="stack panel-section"
      onSubmit={(e) => {
        e.preventDefault();
        const f = new FormData(e.currentTarget);
        void api
          .send('PATCH', paths.conversations.byId(c.id), z.unknown(), {
            title: String(f.get('title') ?? ''),
            description: String(f.get('description') ?? ''),
          })
          .then(done, fail)
          .then(() => setOpen(false));
      }}
    >
      <label>
        {t('newChat.name')}
        <input className="input" name="title" defaultValue={c.title ?? ''} required maxLength={100} />
      </label>
      <label>
        {t('newChat.description')}
        <input className="input" name="description" defaultValue={c.description} maxLength={500} />
      </label>
      <label className="button secondary">
        {t('settings.avatar')}
        <input
          type="file"
          accept="image/*"
          className="sr-only"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (!file) return;
            setProgress(0);
            void sendFile(api, 'PUT', paths.media.conversationAvatar(c.id), file, setProgress, z.unknown())
              .promise.then(done, fail)
              .finally(() => setProgress(null));
          }}
        />
      </label>
      {progress !== null && <progress max={1} value={progress} aria-label={t('upload.progress')} />}
      <button type="submit" className="button primary">
        {t('common.save')}
      </button>
    </form>
  );
}
