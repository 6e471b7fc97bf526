import { humanBytes } from '@charla/shared-types';
import { type RefObject, useCallback, useEffect, useRef, useState } from 'react';
import type { ApiClient } from '../../api/client.ts';
import { FileTooLargeError } from '../../api/server-config.ts';
import { type UploadHandle, uploadMedia } from '../../api/upload.ts';
import { isApiError } from '../../platform/errors.ts';
import { formatBytes } from '../../ui/format.ts';
import { type MessageKey, useI18n } from '../../ui/i18n.tsx';

/** The server takes at most this many attachments per message (sendMessageRequestSchema). */
export const MAX_ATTACHMENTS = 10;

export type TrayFile = {
  key: string;
  file: File;
  /** Object URL of an image, for the thumbnail; revoked when the file leaves the tray. */
  preview: string | null;
  progress: number;
  status: 'uploading' | 'done' | 'failed';
  mediaId?: string;
  error?: MessageKey;
};

/** Why an upload failed, in the user's words. */
export function uploadErrorKey(e: unknown): MessageKey {
  if (isApiError(e, 'not_found')) return 'upload.unavailable';
  if (isApiError(e, 'payload_too_large')) return 'errors.tooLarge';
  if (isApiError(e, 'unsupported_media_type')) return 'errors.unsupportedMedia';
  return 'upload.failed';
}

let nextKey = 0;

/**
 * Files waiting to be sent with the next message. Each starts uploading as soon as it is added, so
 * pressing Send only waits for what is still in flight; removing one cancels its upload.
 */
export function useAttachmentTray(
  api: ApiClient,
  notify: (key: MessageKey, vars?: Record<string, string | number>) => void,
) {
  const notifyRef = useRef(notify);
  notifyRef.current = notify;
  const [files, setFiles] = useState<TrayFile[]>([]);
  const handles = useRef(new Map<string, UploadHandle>());
  const filesRef = useRef(files);
  filesRef.current = files;

  const patch = useCallback(
    (key: string, p: Partial<TrayFile>) => setFiles((fs) => fs.map((f) => (f.key === key ? { ...f, ...p } : f))),
    [],
  );
  const start = useCallback(
    (key: string, file: File) => {
      const handle = uploadMedia(api, file, (progress) => patch(key, { progress }));
      handles.current.set(key, handle);
      handle.promise.then(
        (media) => patch(key, { status: 'done', progress: 1, mediaId: media.id }),
        (e) => {
          if (e instanceof DOMException && e.name === 'AbortError') return;
          // Refused before a byte was sent: say the server's limit in human units.
          if (e instanceof FileTooLargeError) {
            patch(key, { status: 'failed', error: 'errors.tooLarge' });
            notifyRef.current('errors.fileTooLarge', {
              size: humanBytes(e.maxBytes, document.documentElement.lang || 'en'),
            });
            return;
          }
          const error = uploadErrorKey(e);
          patch(key, { status: 'failed', error });
          notifyRef.current(error);
        },
      );
    },
    [api, patch],
  );
  const add = useCallback(
    (incoming: File[]) => {
      const room = MAX_ATTACHMENTS - filesRef.current.length;
      if (incoming.length > room) notifyRef.current('attach.tooMany', { max: MAX_ATTACHMENTS });
      const accepted = incoming.slice(0, Math.max(0, room)).map(
        (file): TrayFile => ({
          key: `f${nextKey++}`,
          file,
          preview: file.type.startsWith('image/') ? URL.createObjectURL(file) : null,
          progress: 0,
          status: 'uploading',
        }),
      );
      if (accepted.length === 0) return;
      setFiles((fs) => [...fs, ...accepted]);
      for (const f of accepted) start(f.key, f.file);
    },
    [start],
  );
  const release = useCallback((f: TrayFile) => {
    handles.current.get(f.key)?.cancel();
    handles.current.delete(f.key);
    if (f.preview) URL.revokeObjectURL(f.preview);
  }, []);
  const remove = useCallback(
    (key: string) => {
      const f = filesRef.current.find((x) => x.key === key);
      if (f) release(f);
      setFiles((fs) => fs.filter((x) => x.key !== key));
    },
    [release],
  );
  const retry = useCallback(
    (key: string) => {
      const f = filesRef.current.find((x) => x.key === key);
      if (!f) return;
      patch(key, { status: 'uploading', progress: 0, error: undefined });
      start(key, f.file);
    },
    [patch, start],
  );
  /** Empties the tray after a send: uploads are finished, so only previews are released. */
  const clear = useCallback(() => {
    for (const f of filesRef.current) if (f.preview) URL.revokeObjectURL(f.preview);
    handles.current.clear();
    setFiles([]);
  }, []);
  useEffect(
    () => () => {
      for (const f of filesRef.current) release(f);
    },
    [release],
  );
  const ready = files.length > 0 && files.every((f) => f.status === 'done');
  const busy = files.some((f) => f.status === 'uploading');
  const mediaIds = files.flatMap((f) => (f.mediaId ? [f.mediaId] : []));
  return { files, add, remove, retry, clear, ready, busy, mediaIds };
}

export function AttachmentTray({
  files,
  onRemove,
  onRetry,
}: {
  files: TrayFile[];
  onRemove: (key: string) => void;
  onRetry: (key: string) => void;
}) {
  const { t } = useI18n();
  if (files.length === 0) return null;
  return (
    <ul className="attachment-tray" aria-label={t('attach.tray')}>
      {files.map((f) => (
        <li key={f.key} className={`tray-item${f.status === 'failed' ? ' failed' : ''}`}>
          {f.preview ? (
            <img className="tray-thumb" src={f.preview} alt={f.file.name} />
          ) : (
            <span className="tray-thumb tray-file" aria-hidden="true">
              {extension(f.file.name)}
            </span>
          )}
          <span className="tray-meta">
            <span className="tray-name" title={f.file.name}>
              {f.file.name}
            </span>
            <small>{f.status === 'failed' && f.error ? t(f.error) : formatBytes(f.file.size)}</small>
            {f.status === 'uploading' && (
              <progress max={1} value={f.progress} aria-label={t('upload.uploading', { name: f.file.name })} />
            )}
          </span>
          {f.status === 'failed' && (
            <button
              type="button"
              className="link"
              onClick={() => onRetry(f.key)}
              aria-label={t('attach.retry', { name: f.file.name })}
            >
              {t('common.retry')}
            </button>
          )}
          <button
            type="button"
            className="icon-button tray-remove"
            aria-label={t('attach.remove', { name: f.file.name })}
            onClick={() => onRemove(f.key)}
          >
            ×
          </button>
        </li>
      ))}
    </ul>
  );
}

function extension(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 && name.length - dot <= 5 ? name.slice(dot + 1).toUpperCase() : 'FILE';
}

/** Files dragged from the desktop onto the chat (not text or links dragged around the page). */
export function hasFiles(e: DragEvent): boolean {
  return Array.from(e.dataTransfer?.types ?? []).includes('Files');
}

/**
 * Drag-and-drop onto the whole chat area (the composer's `.chat-main` ancestor) with an overlay while
 * files hover over it. Returns whether the overlay should show.
 */
export function useChatDrop(
  anchor: RefObject<HTMLElement | null>,
  onFiles: (files: File[]) => void,
  enabled: boolean,
): { over: boolean; zone: HTMLElement | null } {
  const [over, setOver] = useState(false);
  const [zoneEl, setZoneEl] = useState<HTMLElement | null>(null);
  const onFilesRef = useRef(onFiles);
  onFilesRef.current = onFiles;
  useEffect(() => {
    const zone = anchor.current?.closest<HTMLElement>('.chat-main') ?? anchor.current;
    setZoneEl(zone);
    if (!zone || !enabled) return;
    let depth = 0;
    const enter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth++;
      setOver(true);
    };
    const overZone = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const leave = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setOver(false);
    };
    const drop = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth = 0;
      setOver(false);
      const files = Array.from(e.dataTransfer?.files ?? []);
      if (files.length) onFilesRef.current(files);
    };
    zone.addEventListener('dragenter', enter);
    zone.addEventListener('dragover', overZone);
    zone.addEventListener('dragleave', leave);
    zone.addEventListener('drop', drop);
    return () => {
      zone.removeEventListener('dragenter', enter);
      zone.removeEventListener('dragover', overZone);
      zone.removeEventListener('dragleave', leave);
      zone.removeEventListener('drop', drop);
    };
  }, [anchor, enabled]);
  return { over, zone: zoneEl };
}
