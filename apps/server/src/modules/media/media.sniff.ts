import { fileTypeFromFile } from 'file-type';
import type { MediaKind } from '../../storage/ports.ts';

export type Sniffed = { kind: MediaKind; mime: string };

/** What we accept as playable/viewable media, by the mime file-type reports for the magic bytes. */
const MEDIA: Record<string, Sniffed> = {
  'image/jpeg': { kind: 'image', mime: 'image/jpeg' },
  'image/png': { kind: 'image', mime: 'image/png' },
  'image/webp': { kind: 'image', mime: 'image/webp' },
  'image/gif': { kind: 'image', mime: 'image/gif' },
  'video/mp4': { kind: 'video', mime: 'video/mp4' },
  'video/webm': { kind: 'video', mime: 'video/webm' },
  'audio/ogg': { kind: 'audio', mime: 'audio/ogg' },
  'audio/ogg; codecs=opus': { kind: 'audio', mime: 'audio/ogg' },
  'audio/opus': { kind: 'audio', mime: 'audio/ogg' },
  'audio/x-m4a': { kind: 'audio', mime: 'audio/mp4' },
  'audio/mp4': { kind: 'audio', mime: 'audio/mp4' },
  'audio/mpeg': { kind: 'audio', mime: 'audio/mpeg' },
};

/** Generic attachments we name by type; anything else is application/octet-stream. */
const FILES = new Set(['application/pdf', 'application/zip', 'application/gzip', 'application/x-7z-compressed']);

/**
 * Decides kind and type from the file's content only (magic bytes): the name and the client's
 * Content-Type are never consulted. Text formats (SVG, HTML, scripts) have no magic and end up as
 * application/octet-stream files, served as downloads.
 */
export async function sniffFile(file: string): Promise<Sniffed> {
  const detected = await fileTypeFromFile(file);
  if (!detected) return { kind: 'file', mime: 'application/octet-stream' };
  const media = MEDIA[detected.mime];
  if (media) return media;
  return { kind: 'file', mime: FILES.has(detected.mime) ? detected.mime : 'application/octet-stream' };
}
