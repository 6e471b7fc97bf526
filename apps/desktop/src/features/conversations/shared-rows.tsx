import { useApp } from '../../app-context.tsx';
import { formatBytes } from '../../ui/format.ts';
import { useI18n } from '../../ui/i18n.tsx';

/*
 * Pieces of the details panel's Media / Files / Links lists that a plain chat (server list) and an
 * encrypted one (this device's decrypted store) show alike.
 */

export type SharedTab = 'media' | 'file' | 'link';

/** The empty state of one tab. */
export function SharedEmpty({ kind }: { kind: SharedTab }) {
  const { t } = useI18n();
  return (
    <p className="muted">
      {t(kind === 'media' ? 'details.noMedia' : kind === 'file' ? 'details.noFiles' : 'details.noLinks')}
    </p>
  );
}

/** A file's size and the day it was shared; without a size, only the day. */
export function SharedMeta({ size, createdAt }: { size?: number; createdAt: string }) {
  const { locale } = useI18n();
  const day = new Date(createdAt).toLocaleDateString(locale);
  return <small className="shared-meta">{size === undefined ? day : `${formatBytes(size)} · ${day}`}</small>;
}

/** A shared link: opens in the system browser (never inside the app window). */
export function SharedLinkRow({ url, createdAt }: { url: string | null; createdAt: string }) {
  const { platform } = useApp();
  return (
    <a
      href={url ?? '#'}
      className="shared-row"
      target="_blank"
      rel="noopener noreferrer"
      onClick={(e) => {
        e.preventDefault();
        if (url) void platform.openExternal(url);
      }}
    >
      <span className="shared-name">{url}</span>
      <SharedMeta createdAt={createdAt} />
    </a>
  );
}
