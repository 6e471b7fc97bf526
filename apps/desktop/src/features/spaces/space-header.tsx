import { HOME_SPACE_ID } from '@charla/shared-types';
import { lazy, Suspense, useState } from 'react';
import { useApp } from '../../app-context.tsx';
import { useI18n } from '../../ui/i18n.tsx';
import { Icon } from '../../ui/icons.tsx';
import { useToasts } from '../../ui/toasts.tsx';
import { useCurrentSpace } from './space-queries.ts';
import { SpaceIcon } from './space-rail.tsx';
import { webOrigin } from './space-state.ts';

const SpaceSettingsDialog = lazy(() =>
  import('./space-settings-dialog.tsx').then((m) => ({ default: m.SpaceSettingsDialog })),
);

/**
 * The current space's name above the chat list, with its settings; and while it waits to be
 * deleted, a notice (owners can restore it from the settings).
 */
export function SpaceHeader() {
  const { t, locale } = useI18n();
  const { space: selection, platform } = useApp();
  const space = useCurrentSpace();
  const toasts = useToasts();
  const [open, setOpen] = useState(false);
  if (selection.id === HOME_SPACE_ID || !space) return null;
  const copyUrl = () => {
    // The web origin (on the desktop, the server's), never the app's own file:// or app:// origin.
    const url = `${webOrigin(platform.serverUrl() || window.location.origin)}/s/${space.slug}`;
    void navigator.clipboard?.writeText(url).then(
      () => toasts.show({ kind: 'info', text: t('spaces.linkCopied') }),
      () => undefined,
    );
  };
  return (
    <div className="space-header" style={space.accentColor ? { borderTopColor: space.accentColor } : undefined}>
      <SpaceIcon space={space} size={24} />
      <h2 className="space-title" title={`/s/${space.slug}`}>
        {space.name}
      </h2>
      <button type="button" className="icon-button" aria-label={t('spaces.copyLink')} onClick={copyUrl}>
        <Icon name="share" />
      </button>
      <button
        type="button"
        className="icon-button"
        aria-label={t('spaces.settings')}
        title={t('spaces.settings')}
        onClick={() => setOpen(true)}
      >
        <Icon name="settings" />
      </button>
      {space.deleteAfter && (
        <p className="space-pending-note" role="status">
          {t('spaces.deletePending', { date: new Date(space.deleteAfter).toLocaleString(locale) })}
        </p>
      )}
      {open && (
        <Suspense fallback={null}>
          <SpaceSettingsDialog space={space} onClose={() => setOpen(false)} />
        </Suspense>
      )}
    </div>
  );
}
