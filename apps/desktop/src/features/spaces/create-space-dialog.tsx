import { spaceNameSchema, spaceSlugSchema, trimWhere } from '@charla/shared-types';
import { useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useApp } from '../../app-context.tsx';
import { isApiError } from '../../platform/errors.ts';
import { Dialog } from '../../ui/dialog.tsx';
import { useI18n } from '../../ui/i18n.tsx';
import { FieldError, useNameCheck } from '../../ui/name-check.tsx';
import { errorText } from '../auth/auth-form.tsx';
import { DialogFooter } from './dialog-footer.tsx';
import { spaceApi, spaceKeys } from './space-queries.ts';

/** A slug suggested from the name while the user has not typed one: "Book Club!" → "book-club". */
export function suggestSlug(name: string): string {
  const dashed = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-');
  // Dashes trimmed by walking from the ends: /^-+|-+$/ backtracks quadratically on a run of dashes.
  const isDash = (u: string) => u === '-';
  return trimWhere(trimWhere(dashed, isDash).slice(0, 40), isDash, 'end');
}

/** "Create a space": a name and an optional slug; the creator lands in it at once. */
export function CreateSpaceDialog({ onClose }: { onClose: () => void }) {
  const { t } = useI18n();
  const { api, space } = useApp();
  const qc = useQueryClient();
  const checkName = useNameCheck();
  const nameErrorId = useId();
  const slugErrorId = useId();
  const slugHintId = useId();
  const [name, setName] = useState('');
  const [slug, setSlug] = useState('');
  const [nameError, setNameError] = useState<string | null>(null);
  const [slugError, setSlugError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const effectiveSlug = slug.trim() || suggestSlug(name);

  const submit = async () => {
    const nameProblem = checkName(spaceNameSchema, name);
    const slugProblem = slug.trim() && !spaceSlugSchema.safeParse(slug).success ? t('spaces.slugInvalid') : null;
    setNameError(nameProblem);
    setSlugError(slugProblem);
    if (nameProblem || slugProblem) return;
    setBusy(true);
    setError(null);
    try {
      const created = await spaceApi(api).create({ name, ...(slug.trim() ? { slug: slug.trim() } : {}) });
      await qc.invalidateQueries({ queryKey: spaceKeys.mine });
      onClose();
      space.switchTo(created.id);
    } catch (e) {
      if (isApiError(e, 'conflict')) setSlugError(t('spaces.slugTaken'));
      else if (isApiError(e, 'validation_failed') && e.details?.slug) setSlugError(t('spaces.slugInvalid'));
      else if (isApiError(e, 'validation_failed') && e.details?.name) setNameError(e.details.name.join(' '));
      else setError(errorText(t, e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title={t('spaces.create')} onClose={onClose}>
      <form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <p className="muted">{t('spaces.createIntro')}</p>
        <label>
          {t('spaces.name')}
          <input
            className="input"
            name="name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
            maxLength={60}
            data-autofocus
            aria-invalid={nameError ? true : undefined}
            aria-describedby={nameError ? nameErrorId : undefined}
          />
        </label>
        <FieldError id={nameErrorId} text={nameError} />
        <label>
          {t('spaces.slug')}
          <input
            className="input"
            name="slug"
            value={slug}
            placeholder={suggestSlug(name) || 'my-team'}
            onChange={(e) => setSlug(e.target.value)}
            maxLength={40}
            autoCapitalize="none"
            spellCheck={false}
            aria-invalid={slugError ? true : undefined}
            aria-describedby={slugError ? `${slugErrorId} ${slugHintId}` : slugHintId}
          />
        </label>
        <small id={slugHintId} className="muted">
          {effectiveSlug ? t('spaces.slugHint', { url: `/s/${effectiveSlug}` }) : t('spaces.slugOptional')}
        </small>
        <FieldError id={slugErrorId} text={slugError} />
        <DialogFooter
          error={error}
          onCancel={onClose}
          submitLabel={busy ? t('spaces.creating') : t('spaces.createAction')}
          submitClass="primary"
          disabled={busy}
          busy={busy}
        />
      </form>
    </Dialog>
  );
}
