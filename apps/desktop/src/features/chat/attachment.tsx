import { mediaSchema, paths } from '@charla/shared-types';
import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense, useState } from 'react';
import { useApp } from '../../app-context.tsx';
import { useI18n } from '../../ui/i18n.tsx';
import { VoicePlayer } from './voice-player.tsx';

const ViewerDialog = lazy(() => import('../media/viewer-dialog.tsx').then((m) => ({ default: m.ViewerDialog })));

function size(bytes: number) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * The box an image or video will take, from the media DTO's dimensions, so the row has its final
 * height before the bytes arrive (the message list stays at the bottom instead of being pushed up
 * as pictures load). Fits in maxW x maxH keeping the aspect ratio; CSS max-width still narrows it.
 */
export function mediaBox(width: number | null, height: number | null, maxW: number, maxH: number) {
  if (!width || !height) return undefined;
  const scale = Math.min(1, maxW / width, maxH / height);
  return { width: Math.max(1, Math.round(width * scale)), aspectRatio: `${width} / ${height}`, height: 'auto' };
}

/** One attachment: image thumbnail with a lightbox, video/audio player, or a file card. */
export function Attachment({
  id,
  messageId,
  conversationId,
}: {
  id: string;
  messageId: string;
  conversationId: string;
}) {
  const { t } = useI18n();
  const { api } = useApp();
  const [open, setOpen] = useState(false);
  const media = useQuery({
    queryKey: ['media', id],
    queryFn: () => api.get(`${paths.media.meta(id)}?via=${encodeURIComponent(messageId)}`, mediaSchema),
    // URLs carry short-lived tokens: refresh them now and then.
    staleTime: 5 * 60_000,
    retry: false,
  });
  if (media.isPending)
    return (
      <span className="file-card skeleton-line">
        <span className="sr-only">{t('common.loading')}</span>
      </span>
    );
  if (media.isError) return <span className="file-card">{t('message.attachment')}</span>;
  const m = media.data;
  // The server sends absolute URLs; accept relative ones too (prefixed with the server's origin).
  const abs = (u: string) => (/^https?:\/\//.test(u) ? u : `${api.base()}${u}`);
  const url = abs(m.url);
  if (m.kind === 'image') {
    const thumb = abs(m.thumbnailUrl ?? m.url);
    return (
      <>
        <button
          type="button"
          className="thumb"
          onClick={() => setOpen(true)}
          aria-label={t('media.open', { name: m.fileName })}
        >
          <img
            src={thumb}
            alt={m.fileName}
            width={m.width ?? undefined}
            height={m.height ?? undefined}
            style={mediaBox(m.width, m.height, 320, 256)}
            loading="lazy"
          />
        </button>
        {open && (
          <Suspense fallback={null}>
            <ViewerDialog conversationId={conversationId} start={m} onClose={() => setOpen(false)} />
          </Suspense>
        )}
      </>
    );
  }
  if (m.kind === 'video') {
    return (
      // biome-ignore lint/a11y/useMediaCaption: user uploads have no caption track
      <video
        className="media"
        src={url}
        controls
        preload="metadata"
        aria-label={m.fileName}
        style={mediaBox(m.width, m.height, 352, 320)}
      />
    );
  }
  if (m.kind === 'audio') return <VoicePlayer media={m} url={url} />;
  return (
    <a className="file-card" href={url} download={m.fileName} rel="noopener noreferrer">
      <strong>{m.fileName}</strong> <small>{size(m.size)}</small>
    </a>
  );
}
