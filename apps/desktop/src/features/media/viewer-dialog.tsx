import { type Media, paths, type SharedItem, sharedPageSchema } from '@charla/shared-types';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { useApp } from '../../app-context.tsx';
import { useI18n } from '../../ui/i18n.tsx';
import { Icon } from '../../ui/icons.tsx';
import { absoluteUrl } from './media-meta.ts';

const ZOOMS = [1, 1.5, 2, 3, 4] as const;

/** Pages of a conversation's shared media (newest first), shared by the viewer and the details panel. */
export function useSharedItems(conversationId: string, kind: 'media' | 'file' | 'link', enabled = true) {
  const { api } = useApp();
  return useInfiniteQuery({
    queryKey: ['shared', conversationId, kind],
    enabled,
    initialPageParam: '',
    queryFn: ({ pageParam }) =>
      api.get(
        `${paths.conversations.shared(conversationId)}?kind=${kind}&limit=30${pageParam ? `&cursor=${encodeURIComponent(pageParam)}` : ''}`,
        sharedPageSchema,
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    staleTime: 60_000,
  });
}

/**
 * Full-size image/video viewer over the whole window: zoom (buttons, +/-/0, wheel, double click),
 * download, previous/next through the conversation's media (arrow keys), Esc to close. A modal
 * <dialog>: focus stays inside and the page behind is inert.
 */
export function ViewerDialog({
  conversationId,
  start,
  onClose,
}: {
  conversationId: string;
  /** The media opened (shown at once, even before the conversation's list has loaded). */
  start: Media;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const { api } = useApp();
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const shared = useSharedItems(conversationId, 'media');
  // Oldest -> newest, so "next" moves forward in time like the chat does.
  const items = useMemo(
    () =>
      (shared.data?.pages.flatMap((p) => p.items) ?? [])
        .filter((i): i is SharedItem & { media: Media } => i.media !== null)
        .reverse(),
    [shared.data],
  );
  const [currentId, setCurrentId] = useState(start.id);
  const [zoom, setZoom] = useState(1);
  const at = items.findIndex((i) => i.media.id === currentId);
  const current = at >= 0 ? (items[at]?.media ?? start) : start;
  // Keep loading older pages while the opened media is not among those loaded yet.
  useEffect(() => {
    if (at < 0 && shared.hasNextPage && !shared.isFetchingNextPage) void shared.fetchNextPage();
  }, [at, shared]);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open && typeof d.showModal === 'function') d.showModal();
  }, []);

  const go = (delta: number) => {
    const next = items[at + delta];
    if (next) {
      setCurrentId(next.media.id);
      setZoom(1);
    } else if (delta < 0 && shared.hasNextPage) void shared.fetchNextPage();
  };
  const hasPrev = at > 0 || (at === 0 && Boolean(shared.hasNextPage));
  const hasNext = at >= 0 && at < items.length - 1;
  const zoomBy = (step: number) =>
    setZoom((z) => {
      const i = ZOOMS.findIndex((x) => x >= z);
      return ZOOMS[Math.max(0, Math.min(ZOOMS.length - 1, i + step))] as number;
    });
  // On the window, not the dialog: a nav button that becomes disabled drops focus to <body>.
  const onKeyRef = useRef<(e: globalThis.KeyboardEvent) => void>(() => undefined);
  onKeyRef.current = (e) => {
    if ((e.target as HTMLElement).tagName === 'VIDEO' || e.defaultPrevented) return;
    if (e.key === 'ArrowLeft') go(-1);
    else if (e.key === 'ArrowRight') go(1);
    else if (e.key === '+' || e.key === '=') zoomBy(1);
    else if (e.key === '-') zoomBy(-1);
    else if (e.key === '0') setZoom(1);
    else return;
    e.preventDefault();
  };
  useEffect(() => {
    const on = (e: globalThis.KeyboardEvent) => onKeyRef.current(e);
    window.addEventListener('keydown', on);
    return () => window.removeEventListener('keydown', on);
  }, []);
  const url = absoluteUrl(api.base(), current.url);
  const position = at >= 0 ? t('viewer.position', { at: at + 1, total: items.length }) : '';

  return (
    <dialog
      ref={ref}
      className="viewer"
      aria-labelledby={titleId}
      onClose={onClose}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <header className="viewer-bar">
        <h2 id={titleId} className="viewer-title">
          {current.fileName}
          {position && <small className="viewer-count"> · {position}</small>}
        </h2>
        {current.kind === 'image' && (
          <>
            <button
              type="button"
              className="icon-button"
              aria-label={t('viewer.zoomOut')}
              disabled={zoom <= 1}
              onClick={() => zoomBy(-1)}
            >
              <Icon name="zoomOut" />
            </button>
            <output className="viewer-zoom" aria-live="polite">
              {Math.round(zoom * 100)}%
            </output>
            <button
              type="button"
              className="icon-button"
              aria-label={t('viewer.zoomIn')}
              disabled={zoom >= 4}
              onClick={() => zoomBy(1)}
            >
              <Icon name="zoomIn" />
            </button>
          </>
        )}
        <a className="icon-button" href={url} download={current.fileName} aria-label={t('viewer.download')}>
          <Icon name="download" />
        </a>
        <button type="button" className="icon-button" aria-label={t('common.close')} onClick={onClose}>
          ×
        </button>
      </header>
      <div className="viewer-stage">
        <button
          type="button"
          className="viewer-nav prev"
          aria-label={t('viewer.previous')}
          disabled={!hasPrev}
          onClick={() => go(-1)}
        >
          <Icon name="chevronLeft" size={28} />
        </button>
        <div
          className={`viewer-frame${zoom > 1 ? ' zoomed' : ''}`}
          onWheel={(e) => {
            if (current.kind !== 'image' || !(e.ctrlKey || e.metaKey)) return;
            zoomBy(e.deltaY < 0 ? 1 : -1);
          }}
        >
          {current.kind === 'video' ? (
            // biome-ignore lint/a11y/useMediaCaption: user uploads have no caption track
            <video
              key={current.id}
              className="viewer-media"
              src={url}
              controls
              autoPlay
              aria-label={current.fileName}
            />
          ) : (
            <img
              key={current.id}
              className="viewer-media"
              src={url}
              alt={current.fileName}
              style={zoom > 1 ? { width: `${zoom * 100}%`, maxWidth: 'none', maxHeight: 'none' } : undefined}
              onDoubleClick={() => setZoom((z) => (z > 1 ? 1 : 2))}
            />
          )}
        </div>
        <button
          type="button"
          className="viewer-nav next"
          aria-label={t('viewer.next')}
          disabled={!hasNext}
          onClick={() => go(1)}
        >
          <Icon name="chevronRight" size={28} />
        </button>
      </div>
    </dialog>
  );
}
