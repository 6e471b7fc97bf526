import { useI18n } from '../../ui/i18n.tsx';

/** The end of a dialog's form: the action's error, Cancel, then the submit button. */
export function DialogFooter({
  error,
  onCancel,
  submitLabel,
  submitClass,
  disabled,
  busy,
}: {
  error: string | null;
  onCancel: () => void;
  submitLabel: string;
  submitClass: 'primary' | 'danger';
  disabled: boolean;
  busy: boolean;
}) {
  const { t } = useI18n();
  return (
    <>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" className="button secondary" onClick={onCancel}>
          {t('common.cancel')}
        </button>
        <button type="submit" className={`button ${submitClass}`} disabled={disabled} aria-busy={busy}>
          {submitLabel}
        </button>
      </div>
    </>
  );
}
