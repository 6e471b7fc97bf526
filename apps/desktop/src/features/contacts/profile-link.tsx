import { paths, profileLinksSchema } from '@charla/shared-types';
import { useQuery } from '@tanstack/react-query';
import QRCode from 'qrcode';
import { useEffect, useState } from 'react';
import { useApp } from '../../app-context.tsx';
import { useI18n } from '../../ui/i18n.tsx';
import { Skeleton } from '../../ui/status.tsx';
import { ShareButton } from '../share/share-button.tsx';

/** Settings › Profile: my profile link (opens a chat with me), to copy, share or show as a QR code. */
export function ProfileLink() {
  const { t } = useI18n();
  const { api } = useApp();
  const links = useQuery({
    queryKey: ['profileLinks'],
    queryFn: ({ signal }) => api.get(paths.profiles.me, profileLinksSchema, signal),
  });
  const [qr, setQr] = useState<string | null>(null);
  const url = links.data?.webUrl;
  useEffect(() => {
    if (!url) return;
    let live = true;
    QRCode.toDataURL(url, { margin: 1, width: 176, errorCorrectionLevel: 'M' })
      .then((data) => live && setQr(data))
      .catch(() => live && setQr(null));
    return () => {
      live = false;
    };
  }, [url]);
  if (links.isPending) return <Skeleton label={t('common.loading')} />;
  if (!links.data) return null;
  return (
    <div className="profile-link">
      <label>
        {t('profileLink.label')}
        <input className="input" readOnly value={links.data.webUrl} onFocus={(e) => e.target.select()} />
      </label>
      <p className="muted">{t('profileLink.hint', { app: links.data.appUrl })}</p>
      <ShareButton
        item={{ url: links.data.webUrl, text: t('profileLink.shareText'), title: links.data.username }}
        label={t('profileLink.share')}
        className="button secondary"
      />
      {qr && <img className="profile-qr" src={qr} width={176} height={176} alt={t('profileLink.qr')} />}
    </div>
  );
}
