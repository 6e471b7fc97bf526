import { pipeline } from 'node:stream/promises';
import type { Response } from 'express';
import type { ByteRange, MediaRecord, MediaStore } from '../../storage/ports.ts';
import type { MediaVariant } from './media.tokens.ts';

/** Streams to the client; a client that goes away mid-download (seeking does that) is not an error. */
async function stream(source: NodeJS.ReadableStream & { destroy(): void }, res: Response): Promise<void> {
  try {
    await pipeline(source, res);
  } catch (err) {
    source.destroy();
    if (!res.destroyed && !res.writableEnded) throw err;
  }
}

/** Parsed Range header: a range, 'unsatisfiable' (416), or null (serve the whole file). */
export function parseRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | null {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  // Several ranges or another unit: a server may ignore Range and send everything.
  if (!m || (m[1] === '' && m[2] === '')) return null;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(size - suffix, 0), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || start > end) return 'unsatisfiable';
  return { start, end };
}

const asciiName = (name: string) => name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');

/** Only these are ever sent with their own type and inline; everything else is a download. */
const INLINE = /^(image\/(jpeg|png|webp|gif)|video\/(mp4|webm)|audio\/(ogg|mp4|mpeg|webm))$/;

/**
 * Streams media with the headers that keep it inert: nosniff, a CSP that forbids everything and
 * sandboxes the document (so even a mislabelled file cannot run script on our origin), and
 * `attachment` for anything that is not a known image/video/audio type (SVG and HTML never inline).
 */
export async function sendMedia(
  res: Response,
  store: MediaStore,
  media: MediaRecord,
  variant: MediaVariant,
  rangeHeader: string | undefined,
): Promise<void> {
  const key = variant === 'thumbnail' ? media.thumbnailKey : media.storageKey;
  if (!key) {
    res.status(404).end();
    return;
  }
  const mime = variant === 'thumbnail' ? 'image/webp' : media.mime;
  const inline = INLINE.test(mime);
  const fileName = variant === 'thumbnail' ? 'thumbnail.webp' : media.fileName;
  res.set({
    'Content-Type': inline ? mime : mime === 'application/pdf' ? mime : 'application/octet-stream',
    'Content-Disposition': `${inline ? 'inline' : 'attachment'}; filename="${asciiName(fileName)}"; filename*=UTF-8''${encodeURIComponent(fileName)}`,
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "default-src 'none'; sandbox",
    // <img>/<video> in the desktop app (another origin) must be able to load it; access is by token.
    'Cross-Origin-Resource-Policy': 'cross-origin',
    // Content never changes under an id; private because access is per user.
    'Cache-Control': 'private, max-age=3600',
    ETag: `"${key.slice(-64)}"`,
  });

  // Thumbnails are small and their size is not recorded: always whole.
  if (variant === 'thumbnail') {
    const thumb = await store.get(key);
    if (!thumb) {
      res.status(404).end();
      return;
    }
    await stream(thumb, res);
    return;
  }

  res.set('Accept-Ranges', 'bytes');
  const range = parseRange(rangeHeader, media.size);
  if (range === 'unsatisfiable') {
    res.status(416).set('Content-Range', `bytes */${media.size}`).end();
    return;
  }
  const body = await store.get(key, range ?? undefined);
  if (!body) {
    res.status(404).end();
    return;
  }
  if (range) {
    res.status(206).set({
      'Content-Range': `bytes ${range.start}-${range.end}/${media.size}`,
      'Content-Length': String(range.end - range.start + 1),
    });
  } else {
    res.status(200).set('Content-Length', String(media.size));
  }
  await stream(body, res);
}
