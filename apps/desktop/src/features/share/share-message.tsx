import { type Media, type Message, mediaSchema, paths } from '@charla/shared-types';
import { type ReactNode, useState } from 'react';
import { useApp } from '../../app-context.tsx';
import { Dialog } from '../../ui/dialog.tsx';
import { useI18n } from '../../ui/i18n.tsx';
import { systemShare } from './share-out.ts';
import type { Shareable } from './share-targets.ts';
import { ShareTargetItems } from './share-targets-list.tsx';

type Picture = Pick<Media, 'url' | 'fileName' | 'mime'>;

/**
 * "Share…" on a message: the text (and its first picture, as a file) to the system share sheet
 * where the browser has one (or the desktop app's share menu for text); else a dialog of share
 * links for the text and a download of the picture. Readers elsewhere never get a Charla media
 * URL (those are per-reader capabilities that expire).
 */
export function useMessageShare(m: Message): { start: () => Promise<void>; dialog: ReactNode } {
  const { api, platform } = useApp();
  const [open, setOpen] = useState<{ item: Shareable; picture: Picture | null } | null>(null);

  /** The message's first image attachment, as the server describes it to this reader. */
  async function picture(): Promise<Picture | null> {
    for (const id of m.attachments) {
      const media = await api
        .get(`${paths.media.meta(id)}?via=${encodeURIComponent(m.id)}`, mediaSchema)
        .catch(() => null);
      if (media?.kind === 'image') return media;
    }
    return null;
  }
  async function asFile(p: Picture): Promise<File[]> {
    try {
      const res = await fetch(p.url);
      return res.ok ? [new File([await res.blob()], p.fileName, { type: p.mime })] : [];
    } catch {
      return [];
    }
  }

  const start = async () => {
    const item: Shareable = { text: m.text };
    const pic = await picture();
    if (!pic && item.text && (await platform.share?.(item)) === 'shared') return;
    const files = pic ? await asFile(pic) : [];
    // A picture the sheet cannot take is not dropped silently: the dialog offers its download.
    if (pic && !files.length) return setOpen({ item, picture: pic });
    if ((await systemShare(item, files)) === 'unavailable') setOpen({ item, picture: pic });
  };
  const dialog = open ? (
    <ShareMessageDialog item={open.item} picture={open.picture} onClose={() => setOpen(null)} />
  ) : null;
  return { start, dialog };
}

function ShareMessageDialog({
  item,
  picture,
  onClose,
}: {
  item: Shareable;
  picture: Picture | null;
  onClose: () => void;
}) {
  const { t } = useI18n();
  return (
    <Dialog title={t('share.messageTitle')} onClose={onClose}>
      <p className="muted">{t('share.messageHint')}</p>
      {item.text && (
        <div className="share-dialog-targets">
          <ShareTargetItems item={item} done={onClose} />
        </div>
      )}
      {picture && (
        <a className="button secondary" href={picture.url} download={picture.fileName} onClick={onClose}>
          {t('share.downloadImage')}
        </a>
      )}
    </Dialog>
  );
}
