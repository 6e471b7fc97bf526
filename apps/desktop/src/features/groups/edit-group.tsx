import { type ConversationSummary, conversationTitleSchema, paths } from '@charla/shared-types';
import { useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { z } from 'zod';
import { keys } from '../../api/query-keys.ts';
import { sendFile } from '../../api/upload.ts';
import { useApp } from '../../app-context.tsx';
import { isApiError } from '../../platform/errors.ts';
import { useI18n } from '../../ui/i18n.tsx';
import { FieldError, useNameCheck } from '../../ui/name-check.tsx';
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
  const checkName = useNameCheck();
  const titleErrorId = useId();
  const [titleError, setTitleError] = useState<string | null>(null);
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
        const title = String(f.get('title') ?? '');
        // Same schema as the server: a refused title is explained under the field, nothing is sent.
        const problem = checkName(conversationTitleSchema, title);
        setTitleError(problem);
        if (problem) return;
        void api
          .send('PATCH', paths.conversations.byId(c.id), z.unknown(), {
            title,
            description: String(f.get('description') ?? ''),
          })
          .then(
            async () => {
              await done();
              setOpen(false);
            },
            (err: unknown) => {
              if (isApiError(err, 'validation_failed') && err.details?.title)
                setTitleError(err.details.title.join(' '));
              else fail(err);
            },
          );
      }}
    >
      <label>
        {t('newChat.name')}
        <input
          className="input"
          name="title"
          defaultValue={c.title ?? ''}
          required
          maxLength={100}
          aria-invalid={titleError ? true : undefined}
          aria-describedby={titleError ? titleErrorId : undefined}
        />
      </label>
      <FieldError id={titleErrorId} text={titleError} />
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
