import { Readable } from 'node:stream';
import sharp from 'sharp';
import type { LinkPreviewImageRecord, MediaStore, Storage } from '../../storage/ports.ts';

/** Longest side of a stored preview image. */
export const PREVIEW_IMAGE_MAX = 600;
/** A 1 MB body can still be a decompression bomb: refuse images above ~25 megapixels. */
const MAX_PIXELS = 25_000_000;

/**
 * Decodes the fetched bytes as an image (whatever the site claimed), re-encodes them as a WebP of at
 * most 600 px with every metadata block dropped, and stores that in Charla's media store. What
 * readers load is only ever this re-encoded copy. Throws when the bytes are not an image.
 */
export async function storePreviewImage(
  bytes: Buffer,
  deps: { store: MediaStore; storage: Pick<Storage, 'linkPreviews'>; now: Date },
): Promise<LinkPreviewImageRecord> {
  const { data, info } = await sharp(bytes, { limitInputPixels: MAX_PIXELS, failOn: 'error', animated: false })
    .rotate()
    .resize({ width: PREVIEW_IMAGE_MAX, height: PREVIEW_IMAGE_MAX, fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 80 })
    .toBuffer({ resolveWithObject: true });
  const blob = await deps.store.put(Readable.from([data]), { mime: 'image/webp' });
  return deps.storage.linkPreviews.createImage({
    storageKey: blob.key,
    mime: 'image/webp',
    width: info.width,
    height: info.height,
    size: blob.size,
    createdAt: deps.now,
  });
}
