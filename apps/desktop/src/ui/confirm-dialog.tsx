import { Dialog } from './dialog.tsx';
import { useI18n } from './i18n.tsx';

/**
 * An in-app confirmation (never the browser's native confirm, which cannot be styled, translated
 * or read well by screen readers): what will happen, Cancel first and focused, then the action.
 */
export function ConfirmDialog({
  title,
  body,
  confirmLabel,
  danger = true,
  onConfirm,
  onClose,
}: {
  title: string;
  body?: string;
  confirmLabel: string;
  danger?: boolean;
  onConfirm: () => void;
  onClose: () => void;
}) {
  const { t } = useI18n();
  return (
    <Dialog title={title} onClose={onClose}>
      {body && <p>{body}</p>}
      <div className="dialog-actions">
        <button type="button" className="button secondary" onClick={onClose} data-autofocus>
          {t('common.cancel')}
        </button>
        <button
          type="button"
          className={`button ${danger ? 'danger' : 'primary'}`}
          onClick={() => {
            onClose();
            onConfirm();
          }}
        >
          {confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}
