import { HOME_SPACE_ID, type MySpace } from '@charla/shared-types';
import { useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useApp, useMe } from '../../app-context.tsx';
import { ConfirmDialog } from '../../ui/confirm-dialog.tsx';
import { Dialog } from '../../ui/dialog.tsx';
import { useI18n } from '../../ui/i18n.tsx';
import { useToasts } from '../../ui/toasts.tsx';
import { errorText } from '../auth/auth-form.tsx';
import { DialogFooter } from './dialog-footer.tsx';
import { downloadSpaceExport } from './space-export.ts';
import { spaceApi, spaceKeys } from './space-queries.ts';
import { forgetSpace } from './space-state.ts';

/** Export (owner), delete with a typed-name confirmation and its grace period, restore; leave for the others. */
export function SpaceDanger({ space, onDone }: { space: MySpace; onDone: () => void }) {
  const { t, locale } = useI18n();
  const { api, space: selection } = useApp();
  const me = useMe();
  const qc = useQueryClient();
  const toasts = useToasts();
  const [dialog, setDialog] = useState<'delete' | 'leave' | null>(null);
  const [busy, setBusy] = useState<'export' | 'restore' | null>(null);
  const owner = space.role === 'owner';
  const fail = (e: unknown) => toasts.show({ kind: 'error', text: errorText(t, e) });
  const refresh = () => qc.invalidateQueries({ queryKey: spaceKeys.mine });

  /** One action at a time, its button busy meanwhile, a toast when done or failed. */
  const run = async (kind: 'export' | 'restore', action: () => Promise<unknown>, done: string) => {
    setBusy(kind);
    try {
      await action();
      toasts.show({ kind: 'info', text: done });
    } catch (e) {
      fail(e);
    } finally {
      setBusy(null);
    }
  };
  const doExport = () => run('export', () => downloadSpaceExport(api, space), t('spaces.exported'));
  const restore = () =>
    run(
      'restore',
      async () => {
        await spaceApi(api).restore(space.id);
        await refresh();
      },
      t('spaces.restored'),
    );
  const leave = async () => {
    try {
      await spaceApi(api).leave(space.id);
      forgetSpace(me.id, space.id);
      await refresh();
      onDone();
      selection.switchTo(HOME_SPACE_ID);
    } catch (e) {
      fail(e);
    }
  };

  if (space.id === HOME_SPACE_ID) return null;
  return (
    <section className="panel-section space-danger" aria-labelledby="space-danger-title">
      <h3 id="space-danger-title">{owner ? t('spaces.dataTitle') : t('spaces.leaveTitle')}</h3>
      {owner && (
        <>
          <p className="muted">{t('spaces.exportIntro')}</p>
          <button
            type="button"
            className="button secondary"
            disabled={busy === 'export'}
            onClick={() => void doExport()}
          >
            {busy === 'export' ? t('spaces.exporting') : t('spaces.export')}
          </button>
          {space.deleteAfter ? (
            <div className="space-pending" role="status">
              <p>{t('spaces.deletePending', { date: new Date(space.deleteAfter).toLocaleString(locale) })}</p>
              <button
                type="button"
                className="button primary"
                disabled={busy === 'restore'}
                onClick={() => void restore()}
              >
                {t('spaces.restore')}
              </button>
            </div>
          ) : (
            <button type="button" className="button danger" onClick={() => setDialog('delete')}>
              {t('spaces.delete')}
            </button>
          )}
        </>
      )}
      {!owner && (
        <button type="button" className="button danger" onClick={() => setDialog('leave')}>
          {t('spaces.leave')}
        </button>
      )}
      {dialog === 'leave' && (
        <ConfirmDialog
          title={t('spaces.leaveConfirm', { name: space.name })}
          body={t('spaces.leaveBody')}
          confirmLabel={t('spaces.leave')}
          onClose={() => setDialog(null)}
          onConfirm={() => void leave()}
        />
      )}
      {dialog === 'delete' && (
        <DeleteSpaceDialog
          space={space}
          onClose={() => setDialog(null)}
          onDeleted={async () => {
            await refresh();
            toasts.show({ kind: 'info', text: t('spaces.deleteScheduled') });
          }}
        />
      )}
    </section>
  );
}

/** Deleting needs the space's name typed exactly; the space then waits out its grace period. */
function DeleteSpaceDialog({
  space,
  onClose,
  onDeleted,
}: {
  space: MySpace;
  onClose: () => void;
  onDeleted: () => Promise<void>;
}) {
  const { t } = useI18n();
  const { api } = useApp();
  const hintId = useId();
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const matches = typed.trim() === space.name.trim();
  const submit = async () => {
    if (!matches) return;
    setBusy(true);
    try {
      await spaceApi(api).remove(space.id);
      await onDeleted();
      onClose();
    } catch (e) {
      setError(errorText(t, e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog title={t('spaces.deleteTitle', { name: space.name })} onClose={onClose}>
      <form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <p>{t('spaces.deleteBody')}</p>
        <label>
          {t('spaces.deleteType', { name: space.name })}
          <input
            className="input"
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            autoComplete="off"
            data-autofocus
            aria-describedby={hintId}
          />
        </label>
        <small id={hintId} className="muted">
          {t('spaces.deleteGrace')}
        </small>
        <DialogFooter
          error={error}
          onCancel={onClose}
          submitLabel={t('spaces.deleteAction')}
          submitClass="danger"
          disabled={!matches || busy}
          busy={busy}
        />
      </form>
    </Dialog>
  );
}
